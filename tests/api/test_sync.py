"""POST /sync: batched push with per-item results, and the scoped change feed."""
import uuid

from tests.conftest import change, overzicht1


def record_change(case_id, **kw):
    return {"id": str(uuid.uuid4()), **change(case_id, **kw)}


def test_a_batch_pushes_cases_and_records_and_reports_each_item(counsellor):
    case = {"id": str(uuid.uuid4()), "client_code": "NG-0042", "country_of_origin": "NG"}
    good = record_change(case["id"])
    bad = record_change(case["id"], data={"status": "tourist"})
    foreign = record_change(str(uuid.uuid4()))
    r = counsellor.post("/api/v1/sync", {"cases": [case], "push": [good, bad, foreign], "since": None})
    assert r.status_code == 200
    assert r.json["case_results"] == [{"id": case["id"], "status": "ok"}]
    by_id = {x["id"]: x for x in r.json["results"]}
    assert by_id[good["id"]]["status"] == "ok" and by_id[good["id"]]["rev"].startswith("1-")
    assert by_id[bad["id"]]["status"] == "invalid"
    assert by_id[bad["id"]]["errors"][0]["path"] == "/data/status"
    assert by_id[foreign["id"]]["status"] == "forbidden"
    kinds = [(c["kind"], (c.get("case") or c.get("record"))["id"]) for c in r.json["changes"]]
    assert kinds == [("case", case["id"])]  # the record saved by this request is not sent back (next test)


def test_a_refused_change_says_why_in_the_asked_language_with_the_msgid_and_params(counsellor):
    """The device keeps a refused change's reasons in its outbox and shows them in its user's language, whichever
    that is by then: each message comes with its msgid and params."""
    case = {"id": str(uuid.uuid4()), "client_code": "NG-0043", "country_of_origin": "NG"}
    bad = record_change(case["id"], data={**overzicht1(), "occasion": "x" * 501})
    r = counsellor.post("/api/v1/sync", {"cases": [case], "push": [bad], "since": None},
                        headers={"Accept-Language": "nl"})
    result = r.json["results"][0]
    assert result["status"] == "invalid" and result["msgid"] and result["message"] != result["msgid"]
    assert result["errors"] == [{"path": "/data/occasion", "message": "Te lang: hoogstens 500 tekens.",
                                 "msgid": "Too long: at most %(limit)s characters.", "params": {"limit": 500}}]


def test_records_saved_by_a_sync_are_not_sent_back_in_its_answer_but_reach_other_devices(counsellor):
    case_id = counsellor.new_case()
    cursor = counsellor.post("/api/v1/sync", {"since": None}).json["cursor"]
    items = [record_change(case_id, data=overzicht1(nl_f1="+")) for _ in range(3)]
    answer = counsellor.post("/api/v1/sync", {"push": items, "since": cursor}).json
    assert [r["status"] for r in answer["results"]] == ["ok"] * 3
    assert answer["changes"] == [] and answer["cursor"] > cursor and answer["more"] is False
    # The user's other device, and a fresh start, get them all with the server's computed totals.
    other_device = counsellor.post("/api/v1/sync", {"since": cursor}).json
    records = {c["record"]["id"]: c["record"] for c in other_device["changes"]}
    assert set(records) == {i["id"] for i in items}
    assert all(r["rev"] == x["rev"] for r, x in zip((records[i["id"]] for i in items), answer["results"]))
    assert records[items[0]["id"]]["data"]["totals"]["nl_plus"] == 1


def test_a_saved_record_that_someone_changed_meanwhile_or_that_has_a_conflict_is_sent_back(counsellor):
    case_id = counsellor.new_case()
    item = record_change(case_id)
    first = counsellor.post("/api/v1/sync", {"push": [item], "since": None}).json
    base = first["results"][0]["rev"]
    newer = {**item, "data": overzicht1(nl_f1="+"), "base_rev": base}
    counsellor.post("/api/v1/sync", {"push": [newer]})  # another device moves the record on
    # This device sends the same first version again (its answer was lost): ok, nothing new, and the newer
    # version comes down because the device does not have it.
    again = counsellor.post("/api/v1/sync", {"push": [item], "since": first["cursor"]}).json
    assert again["results"][0] == {"id": item["id"], "status": "ok", "rev": base}
    assert [c["record"]["data"]["nl"]["f1"]["score"] for c in again["changes"]] == ["+"]
    # A stale version becomes a conflict; a later save on the head keeps it open, so the record comes down.
    counsellor.post("/api/v1/sync", {"push": [{**item, "data": overzicht1(nl_f1="-"), "base_rev": base}]})
    head = counsellor.get(f"/api/v1/records/{item['id']}").json
    mark = counsellor.post("/api/v1/sync", {"since": None}).json["cursor"]
    saved = counsellor.post("/api/v1/sync", {"push": [{**item, "data": overzicht1(nl_f1="++"), "base_rev": head["rev"]}],
                                              "since": mark}).json
    assert saved["results"][0]["status"] == "ok"
    [entry] = saved["changes"]
    assert entry["record"]["rev"] == saved["results"][0]["rev"] and len(entry["record"]["conflicts"]) == 1


def test_the_feed_returns_only_what_changed_since_the_cursor(counsellor):
    case_id = counsellor.new_case()
    first = counsellor.post("/api/v1/sync", {"since": None}).json
    assert first["more"] is False
    item = record_change(case_id)
    counsellor.post("/api/v1/sync", {"push": [item], "since": first["cursor"]})
    again = counsellor.post("/api/v1/sync", {"since": first["cursor"]}).json
    assert [c["record"]["id"] for c in again["changes"]] == [item["id"]]
    assert counsellor.post("/api/v1/sync", {"since": again["cursor"]}).json["changes"] == []


def test_the_feed_pages_with_limit_and_more(counsellor):
    case_id = counsellor.new_case()
    counsellor.post("/api/v1/sync", {"push": [record_change(case_id) for _ in range(5)]})
    seen, cursor, rounds = [], None, 0
    while True:
        page = counsellor.post("/api/v1/sync", {"since": cursor, "limit": 2}).json
        seen += page["changes"]
        cursor, rounds = page["cursor"], rounds + 1
        if not page["more"]:
            break
    assert len(seen) == 6 and rounds == 3  # 1 case + 5 records, 2 a page


def test_the_feed_never_shows_another_organisations_changes(counsellor, make_user, login):
    other = login(make_user("olga@shelter-b.nl", org="shelter-b"))
    secret_case = counsellor.new_case(code="SECRET-CODE")
    counsellor.post("/api/v1/sync", {"push": [record_change(secret_case, data=overzicht1(nl_f1="+"))]})
    feed = other.post("/api/v1/sync", {"since": None})
    assert feed.json["changes"] == [] and b"SECRET-CODE" not in feed.data and secret_case.encode() not in feed.data


def test_a_conflict_in_a_batch_is_reported_with_the_current_version(counsellor):
    case_id = counsellor.new_case()
    item = record_change(case_id)
    base = counsellor.post("/api/v1/sync", {"push": [item]}).json["results"][0]["rev"]
    counsellor.post("/api/v1/sync", {"push": [{**item, "data": overzicht1(nl_f1="+"), "base_rev": base}]})
    stale = {**item, "data": overzicht1(nl_f1="-"), "base_rev": base}
    result = counsellor.post("/api/v1/sync", {"push": [stale]}).json["results"][0]
    assert result["status"] == "conflict" and result["current"]["data"]["nl"]["f1"]["score"] == "+"


def test_bad_sync_requests_are_4xx_and_change_nothing(counsellor):
    for body in ([], {"since": "yesterday"}, {"push": "x"}, {"push": [1, None, "x"]}, {"extra": 1},
                 {"since": -1}, {"push": [{}] * 501}):
        r = counsellor.post("/api/v1/sync", body)
        assert r.status_code in (200, 400, 422), (body, r.status_code)
        if r.status_code == 200:
            assert all(x["status"] == "invalid" for x in r.json["results"])
    assert counsellor.get("/api/v1/cases").json["cases"] == []
