"""Cases, the forms registry, the OpenAPI description and the no-500 rule."""
import json
import random
import uuid

from app.web.openapi import SPEC


def test_case_creation_is_idempotent_and_validated(counsellor):
    case = {"id": str(uuid.uuid4()), "client_code": "BG-7", "country_of_origin": "BG"}
    assert counsellor.post("/api/v1/cases", case).status_code == 201
    assert counsellor.post("/api/v1/cases", case).status_code == 200
    r = counsellor.post("/api/v1/cases", {"id": "x", "client_code": "", "country_of_origin": "Bulgaria"})
    assert r.status_code == 422
    assert {e["path"] for e in r.json["errors"]} == {"/id", "/client_code", "/country_of_origin"}
    got = counsellor.get(f"/api/v1/cases/{case['id']}").json
    assert got["client_code"] == "BG-7" and got["step"] == "NL-1" and got["records"] == []


def test_partners_cannot_create_cases(make_user, login):
    partner = login(make_user("ade@cosudow.ng", org="cosudow", role="partner", country="NG"))
    r = partner.post("/api/v1/cases", {"id": str(uuid.uuid4()), "client_code": "X", "country_of_origin": "NG"})
    assert r.status_code == 403
    assert partner.get("/api/v1/cases").json["cases"] == []


def test_forms_list_and_schema(client):
    forms = client.get("/api/v1/forms").json
    assert {"id": "overzicht-1", "version": 1}.items() <= next(f for f in forms if f["id"] == "overzicht-1").items()
    schema = client.get("/api/v1/forms/overzicht-1").json
    assert schema["$schema"].startswith("http://json-schema.org/draft-07")
    assert client.get("/api/v1/forms/nope").status_code == 404
    assert client.get("/api/v1/forms/overzicht-1?version=x").status_code == 400


def test_every_api_route_is_in_the_openapi_description(app, client):
    served = client.get("/api/v1/openapi.json").json
    assert served == json.loads(json.dumps(SPEC))
    assert served["openapi"].startswith("3.1")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule[len("/api/v1"):].replace("<", "{").replace(">", "}")
        path = path.replace("{path:", "{")
        assert path in served["paths"], f"{rule.rule} is not in openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in served["paths"][path], f"{method} {rule.rule} is not in openapi.json"


def _junk(rng, in_url=False):
    # A lone surrogate can travel in JSON (as an escape), not in a URL.
    return rng.choice([None, True, 0, -1, 10**30, 1.5, "", "x" * 1000, "\u0000", "../../etc", [], [None], {},
                       {"a": {"b": []}}, str(uuid.uuid4()), "1-abc", "final", "overzicht-1"]
                      + ([] if in_url else ["\ud800 half a pair"]))


def test_half_of_a_utf16_pair_is_a_400_naming_the_field_and_stores_nothing(counsellor):
    """JSON can escape a lone surrogate ("\\ud800"), which no text can hold; an escaped pair is one character."""
    case_id = counsellor.new_case()
    headers = {"X-Requested-With": "safefuture", "Content-Type": "application/json"}
    record_id = str(uuid.uuid4())
    body = ('{"case_id": "%s", "form_id": "overzicht-1", "form_version": 1, "status": "draft", "base_rev": null, '
            '"data": {"occasion": "OCCASION"}}') % case_id
    r = counsellor.client.put(f"/api/v1/records/{record_id}", data=body.replace("OCCASION", "x\\udc00y"),
                              headers=headers)
    assert r.status_code == 400 and r.json["path"] == "/data/occasion" and "/data/occasion" in r.json["message"]
    assert counsellor.get(f"/api/v1/records/{record_id}").status_code == 404
    r = counsellor.client.post("/api/v1/cases", data='{"id": "%s", "client_code": "C-\\ud83d", '
                               '"country_of_origin": "NG"}' % uuid.uuid4(), headers=headers)
    assert r.status_code == 400 and r.json["path"] == "/client_code"
    r = counsellor.client.put(f"/api/v1/records/{record_id}", data=body.replace("OCCASION", "smile \\ud83d\\ude00"),
                              headers=headers)
    assert r.status_code == 201
    assert counsellor.get(f"/api/v1/records/{record_id}").json["data"]["occasion"] == "smile \U0001F600"


def test_no_input_produces_a_500(counsellor):
    """A few hundred random bodies against every write route: always a 4xx or a 2xx, never a 500."""
    rng = random.Random(7)
    case_id = counsellor.new_case()
    keys = ["id", "case_id", "form_id", "form_version", "status", "data", "base_rev", "resolves", "since", "push",
            "cases", "client_code", "country_of_origin", "email", "password", "step"]
    for i in range(300):
        body = {k: _junk(rng) for k in rng.sample(keys, rng.randint(0, 6))}
        if i % 3 == 0:
            body.update({"case_id": case_id, "form_id": "overzicht-1", "form_version": 1, "status": "draft",
                         "data": {"nl": {"f1": _junk(rng)}, "status": _junk(rng)}})
        for method, url in (("put", f"/api/v1/records/{uuid.uuid4()}"), ("post", "/api/v1/sync"),
                            ("post", "/api/v1/cases"), ("post", "/api/v1/sync"), ("put", f"/api/v1/records/{_junk(rng, in_url=True)}")):
            r = getattr(counsellor, method)(url, body if i % 5 else [body])
            assert r.status_code < 500, (method, url, body, r.json)
    for raw in (b"\xff\xfe", b"[" * 10000, b'{"a": 1e999999}', b"nul", b'"just a string"'):
        r = counsellor.client.post("/api/v1/sync", data=raw, headers={"X-Requested-With": "safefuture"})
        assert r.status_code < 500, raw
