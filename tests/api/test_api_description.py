"""The server answers what /api/v1/openapi.json describes: the places where the two once disagreed, and the
rules for a case sent again under the same id."""
import uuid

from app.web.openapi import SPEC
from tests.conftest import change, overzicht1


def described(method: str, path: str, status: int) -> bool:
    return str(status) in SPEC["paths"][path][method]["responses"]


def test_a_new_revision_of_a_record_answers_a_described_200(counsellor):
    case_id, record_id = counsellor.new_case(), str(uuid.uuid4())
    first = counsellor.put(f"/api/v1/records/{record_id}", change(case_id))
    second = counsellor.put(f"/api/v1/records/{record_id}", change(case_id, overzicht1(nl_f1="+"),
                                                                   base_rev=first.json["rev"]))
    assert (first.status_code, second.status_code) == (201, 200)
    assert described("put", "/records/{record_id}", 201) and described("put", "/records/{record_id}", 200)


def test_a_case_sent_again_answers_a_described_200_with_the_stored_case(counsellor):
    case = {"id": str(uuid.uuid4()), "client_code": "BG-7", "country_of_origin": "BG"}
    assert counsellor.post("/api/v1/cases", case).status_code == 201
    again = counsellor.post("/api/v1/cases", case)
    assert again.status_code == 200 and again.json["client_code"] == "BG-7"
    assert described("post", "/cases", 201) and described("post", "/cases", 200)


def test_a_case_sent_again_with_another_client_code_or_country_is_a_409_and_changes_nothing(counsellor):
    case = {"id": str(uuid.uuid4()), "client_code": "BG-7", "country_of_origin": "BG"}
    counsellor.post("/api/v1/cases", case)
    other_code = counsellor.post("/api/v1/cases", {**case, "client_code": "BG-8"})
    other_country = counsellor.post("/api/v1/cases", {**case, "id": case["id"].upper(), "country_of_origin": "RO"})
    both = counsellor.post("/api/v1/cases", {**case, "client_code": "X", "country_of_origin": "RO"})
    assert (other_code.status_code, other_country.status_code, both.status_code) == (409, 409, 409)
    assert [e["path"] for e in other_code.json["errors"]] == ["/client_code"]
    assert [e["path"] for e in other_country.json["errors"]] == ["/country_of_origin"]
    assert [e["path"] for e in both.json["errors"]] == ["/client_code", "/country_of_origin"]
    assert other_code.json["error"] == "conflict" and other_code.json["message"]
    assert described("post", "/cases", 409)
    stored = counsellor.get(f"/api/v1/cases/{case['id']}").json
    assert (stored["client_code"], stored["country_of_origin"]) == ("BG-7", "BG")
    # In a sync batch the same case is refused on its own, with the same reason.
    result = counsellor.post("/api/v1/sync", {"cases": [{**case, "client_code": "BG-8"}]}).json["case_results"]
    assert [(r["id"], r["status"], [e["path"] for e in r["errors"]]) for r in result] == [
        (case["id"], "conflict", ["/client_code"])]


def test_a_counsellor_who_is_not_of_the_organisation_is_refused_at_its_pointer(counsellor, make_user, login):
    colleague = login(make_user("ben@shelter-a.nl")).user["id"]
    stranger = login(make_user("eve@shelter-b.nl", org="shelter-b")).user["id"]
    for counsellor_id in (stranger, str(uuid.uuid4())):
        case = {"id": str(uuid.uuid4()), "client_code": "C-1", "country_of_origin": "NG", "counsellor_id": counsellor_id}
        r = counsellor.post("/api/v1/cases", case)
        assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/counsellor_id"]
        assert counsellor.get(f"/api/v1/cases/{case['id']}").status_code == 404
    case = {"id": str(uuid.uuid4()), "client_code": "C-2", "country_of_origin": "NG", "counsellor_id": colleague}
    assert counsellor.post("/api/v1/cases", case).status_code == 201
    assert counsellor.get(f"/api/v1/cases/{case['id']}").json["counsellor_id"] == colleague


def test_a_step_change_or_map_edit_without_a_body_is_a_described_400(counsellor, make_user, login):
    case_id = counsellor.new_case()
    coordinator = login(make_user("carla@shelter-a.nl", role="coordinator"))
    for api, url, path in ((counsellor, f"/api/v1/cases/{case_id}/step", "/cases/{case_id}/step"),
                           (coordinator, "/api/v1/socialmap/edits", "/socialmap/edits")):
        r = api.post(url)
        assert r.status_code == 400 and r.json["error"] == "bad_request", url
        assert described("post", path, 400)
