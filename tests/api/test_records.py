"""PUT/GET /records: revisions, conflicts, idempotency, validation, scoping."""
import uuid

import pytest

from tests.conftest import change, overzicht1
from app.config import PROJECT_ROOT

PROJECT_FORMS = PROJECT_ROOT / "forms"


@pytest.fixture
def case_id(counsellor):
    return counsellor.new_case()


def put(api, record_id, body, **headers):
    return api.put(f"/api/v1/records/{record_id}", body, headers=headers or None)


def test_every_revision_is_kept_and_totals_are_computed_by_the_server(counsellor, case_id):
    rid = str(uuid.uuid4())
    data = overzicht1(nl_f1="++", nl_f2="-", coo_f1="--", coo_f4="+")
    data["totals"] = {"nl_plus": 99, "total_minus": 42}  # the client's totals are never trusted
    r1 = put(counsellor, rid, change(case_id, data))
    assert r1.status_code == 201
    totals = counsellor.get(f"/api/v1/records/{rid}").json["data"]["totals"]
    assert totals == {"nl_minus": 1, "nl_plus": 2, "coo_minus": 2, "coo_plus": 1, "total_minus": 3,
                      "total_plus": 3, "scored_count": 4}
    r2 = put(counsellor, rid, change(case_id, overzicht1(nl_f1="+"), base_rev=r1.json["rev"]))
    assert r2.status_code == 200 and r2.json["rev"].startswith("2-")
    assert counsellor.get(f"/api/v1/records/{rid}").json["data"]["totals"]["nl_plus"] == 1


def test_two_clients_from_the_same_base_keep_both_versions_as_one_conflict(counsellor, make_user, login, case_id):
    colleague = login(make_user("bram@shelter-a.nl"))
    rid = str(uuid.uuid4())
    base = put(counsellor, rid, change(case_id, overzicht1(nl_f1="+"))).json["rev"]
    mine = put(counsellor, rid, change(case_id, overzicht1(nl_f1="++"), base_rev=base))
    theirs = put(colleague, rid, change(case_id, overzicht1(nl_f1="--"), base_rev=base))
    assert mine.status_code == 200
    assert theirs.status_code == 409 and theirs.json["error"] == "conflict"
    assert theirs.json["current"]["rev"] == mine.json["rev"]
    record = counsellor.get(f"/api/v1/records/{rid}").json
    assert record["rev"] == mine.json["rev"] and record["data"]["nl"]["f1"]["score"] == "++"
    assert len(record["conflicts"]) == 1 and record["conflicts"][0]["data"]["nl"]["f1"]["score"] == "--"
    # Each version is named: who saved it (a colleague of the same organisation, so by e-mail).
    assert record["conflicts"][0]["saved_by_name"] == "bram@shelter-a.nl"
    assert record["saved_by_name"] == "anna@shelter-a.nl"
    # A later change that names the conflict resolves it.
    fixed = put(counsellor, rid, change(case_id, overzicht1(nl_f1="-"), base_rev=mine.json["rev"],
                                         resolves=[record["conflicts"][0]["rev"]]))
    assert fixed.status_code == 200
    assert counsellor.get(f"/api/v1/records/{rid}").json["conflicts"] == []


def test_a_replayed_change_gets_the_same_answer_and_no_new_revision(counsellor, case_id):
    rid = str(uuid.uuid4())
    body = change(case_id, overzicht1(nl_f3="+"))
    first, again = put(counsellor, rid, body), put(counsellor, rid, body)
    assert first.status_code == 201 and again.status_code in (200, 201) and again.json["rev"] == first.json["rev"]
    body2 = change(case_id, overzicht1(nl_f3="++"), base_rev=first.json["rev"])
    second, replay = put(counsellor, rid, body2), put(counsellor, rid, body2)
    assert replay.json["rev"] == second.json["rev"]
    cursor_before = counsellor.post("/api/v1/sync", {"since": None}).json["cursor"]
    put(counsellor, rid, body2)
    assert counsellor.post("/api/v1/sync", {"since": cursor_before}).json["changes"] == []


def test_a_replayed_conflict_is_stored_once(counsellor, case_id):
    rid = str(uuid.uuid4())
    base = put(counsellor, rid, change(case_id)).json["rev"]
    put(counsellor, rid, change(case_id, overzicht1(nl_f1="+"), base_rev=base))
    stale = change(case_id, overzicht1(nl_f1="-"), base_rev=base)
    a, b = put(counsellor, rid, stale), put(counsellor, rid, stale)
    assert a.status_code == b.status_code == 409 and a.json["rev"] == b.json["rev"]
    assert len(counsellor.get(f"/api/v1/records/{rid}").json["conflicts"]) == 1


def test_final_needs_the_residence_status_and_an_empty_record_is_never_final(counsellor, case_id):
    r = put(counsellor, str(uuid.uuid4()), change(case_id, {"nl": {"f1": {"score": "+"}}}, status="final"))
    assert r.status_code == 422 and {"path": "/data/status", "message": "This field is required.",
                                     "msgid": "This field is required.", "params": {}} in r.json["errors"]
    r = put(counsellor, str(uuid.uuid4()), change(case_id, {}, status="final"))
    assert r.status_code == 422 and any(e["path"] == "/data" for e in r.json["errors"])
    r = put(counsellor, str(uuid.uuid4()), change(case_id, {"status": "other"}, status="final"))
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/data/status_other"]
    assert put(counsellor, str(uuid.uuid4()), change(case_id, {}, status="draft")).status_code == 201


def test_family_contact_without_consent_is_refused_as_final_but_kept_as_draft(counsellor, case_id):
    data = {"recorded_on": "2024-10-02", "consent": "nee"}
    body = lambda data, status: {**change(case_id, data, status=status), "form_id": "family-contact",  # noqa: E731
                                 "form_version": 2}
    r = put(counsellor, str(uuid.uuid4()), body(data, "final"))
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/data/consent"]
    assert put(counsellor, str(uuid.uuid4()), body(data, "draft")).status_code == 201
    risks = {k: {"answer": "nee"} for k in ("family_involved", "other_violence", "witnessed_violence",
                                          "family_attitude", "social_competence", "means", "other")}
    consented = {**data, "consent": "ja", "consent_date": "2024-09-30", "risk_check": risks}
    assert put(counsellor, str(uuid.uuid4()), body(consented, "final")).status_code == 201


@pytest.mark.parametrize("data, path", [
    ({"nl": {"f1": {"score": "+++"}}}, "/data/nl/f1/score"),
    ({"status": "tourist"}, "/data/status"),
    ({"nl": {"f1": {"score": 2}}}, "/data/nl/f1/score"),
    ({"status_note": "x" * 20001}, "/data/status_note"),
    ({"nl": {"f11": {"score": "+"}}}, "/data/nl/f11"),
    ({"scored_on": "31-12-2026"}, "/data/scored_on"),
])
def test_data_that_fails_the_schema_is_refused_with_its_path_and_changes_nothing(counsellor, case_id, data, path):
    rid = str(uuid.uuid4())
    r = counsellor.put(f"/api/v1/records/{rid}", change(case_id, data), headers={"Accept-Language": "nl"})
    assert r.status_code == 422 and r.json["error"] == "invalid"
    assert path in [e["path"] for e in r.json["errors"]]
    assert all(e["message"] and not e["message"].startswith(("Choose", "Wrong", "Too", "Unknown", "Not"))
               for e in r.json["errors"]), "messages must be Dutch"
    assert counsellor.get(f"/api/v1/records/{rid}").status_code == 404


@pytest.mark.parametrize("body, path", [
    ({"form_id": "no-such-form"}, "/form_id"),
    ({"form_version": 99}, "/form_version"),
    ({"form_version": "1"}, "/form_version"),
    ({"status": "done"}, "/status"),
    ({"data": []}, "/data"),
    ({"base_rev": 12}, "/base_rev"),
    ({"surprise": True}, "/surprise"),
])
def test_wrong_types_and_unknown_forms_are_422_with_a_path(counsellor, case_id, body, path):
    r = put(counsellor, str(uuid.uuid4()), {**change(case_id), **body})
    assert r.status_code == 422 and path in [e["path"] for e in r.json["errors"]]


def test_ids_that_are_not_uuids_are_refused(counsellor, case_id):
    assert put(counsellor, "not-a-uuid", change(case_id)).status_code == 422
    assert put(counsellor, str(uuid.uuid4()), change("nope")).status_code == 422
    assert counsellor.get("/api/v1/records/../../etc/passwd").status_code == 404
    assert counsellor.get("/api/v1/records/not-a-uuid").status_code == 404


def test_malformed_json_and_oversized_bodies(counsellor, case_id):
    r = counsellor.put(f"/api/v1/records/{uuid.uuid4()}", data=b'{"case_id": ', content_type="application/json")
    assert r.status_code == 400 and r.json["error"] == "bad_request"
    big = change(case_id, {"status_note": "x" * (5 * 1024 * 1024)})
    r = put(counsellor, str(uuid.uuid4()), big)
    assert r.status_code == 413 and r.json["error"] == "too_large"


def test_another_organisations_case_cannot_be_written_or_read(counsellor, make_user, login, case_id):
    other = login(make_user("olga@shelter-b.nl", org="shelter-b"))
    rid = str(uuid.uuid4())
    put(counsellor, rid, change(case_id))
    # Writing into a foreign case answers exactly as writing into a case that does not exist.
    foreign = put(other, str(uuid.uuid4()), change(case_id))
    missing = put(other, str(uuid.uuid4()), change(str(uuid.uuid4())))
    assert foreign.status_code == missing.status_code == 403 and foreign.json == missing.json
    # Overwriting a foreign record through an own case is refused too.
    own_case = other.new_case()
    assert put(other, rid, change(own_case)).status_code == 403
    assert other.get(f"/api/v1/records/{rid}").status_code == 404
    assert other.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert other.get(f"/api/v1/cases/{uuid.uuid4()}").json == other.get(f"/api/v1/cases/{case_id}").json
    assert [c["id"] for c in other.get("/api/v1/cases").json["cases"]] == [own_case]


def test_a_record_made_with_an_older_form_version_still_opens(tmp_path, make_user):
    """Version 2 of Overzicht 1 is deployed; a record saved with version 1 still validates, reads and renders."""
    import json
    import shutil

    from app import create_app
    from tests.conftest import Api, PASSWORD
    from app.services import accounts

    forms = tmp_path / "forms"
    shutil.copytree(PROJECT_FORMS, forms)
    current = json.loads((forms / "overzicht-1.schema.json").read_text())
    (forms / "archive").mkdir(exist_ok=True)
    (forms / "archive" / "overzicht-1@1.schema.json").write_text(json.dumps(current))
    current["version"] = 2
    current["properties"]["status"]["title"] = "Residence status (version 2)"
    (forms / "overzicht-1.schema.json").write_text(json.dumps(current))

    app = create_app({"TESTING": True, "DATA_DIR": tmp_path / "inst", "STORE": "memory", "FORMS_DIR": forms})
    c = app.extensions["safefuture"]
    accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
    accounts.create_user(c, "anna@shelter-a.nl", "shelter-a", "counsellor", PASSWORD)
    api = Api(app, "anna@shelter-a.nl")
    case_id = api.new_case()
    rid = str(uuid.uuid4())
    assert put(api, rid, change(case_id, form_version=1)).status_code == 201
    record = api.get(f"/api/v1/records/{rid}").json
    assert record["form_version"] == 1
    old = api.get("/api/v1/forms/overzicht-1?version=1").json
    assert old["version"] == 1 and old["properties"]["status"]["title"] == "Residence status"
    assert [f["version"] for f in api.get("/api/v1/forms").json if f["id"] == "overzicht-1"] == [2]


def test_a_sent_draft_is_discarded_as_a_revision_and_a_final_record_is_not(app, counsellor, case_id):
    rid = str(uuid.uuid4())
    first = put(counsellor, rid, change(case_id, overzicht1(nl_f1="+")))
    discard = change(case_id, overzicht1(nl_f1="+"), status="discarded", base_rev=first.json["rev"])
    gone = put(counsellor, rid, discard)
    assert gone.status_code == 200 and gone.json["rev"].startswith("2-")
    assert put(counsellor, rid, discard).json["rev"] == gone.json["rev"]  # a replay: the same answer
    record = counsellor.get(f"/api/v1/records/{rid}").json
    assert record["status"] == "discarded" and record["data"]["nl"]["f1"]["score"] == "+"
    # Nothing is lost: the draft stays in the history; the case lists it no more.
    history = app.extensions["safefuture"].store.record_history(rid)
    assert [r.status for r in history] == ["draft", "discarded"]
    assert rid not in [r["id"] for r in counsellor.get(f"/api/v1/cases/{case_id}").json["records"]]
    assert counsellor.get(f"/api/v1/records/{rid}/pdf?lang=en").status_code == 200  # printed on request, marked so

    final = str(uuid.uuid4())
    rev = put(counsellor, final, change(case_id, overzicht1(nl_f1="+"), status="final")).json["rev"]
    refused = put(counsellor, final, change(case_id, overzicht1(nl_f1="+"), status="discarded", base_rev=rev))
    assert refused.status_code == 422 and refused.json["errors"][0]["path"] == "/status"
    assert counsellor.get(f"/api/v1/records/{final}").json["status"] == "final"
    never_sent = put(counsellor, str(uuid.uuid4()), change(case_id, overzicht1(), status="discarded"))
    assert never_sent.status_code == 422
