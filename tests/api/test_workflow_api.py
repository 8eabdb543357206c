"""The case view and step changes through the API: the flowchart, the shortcut, the routing at step 8."""
import uuid


def save(api, case_id, form_id, data, status="final"):
    r = api.put(f"/api/v1/records/{uuid.uuid4()}", {"case_id": case_id, "form_id": form_id, "form_version": 1,
                                                     "status": status, "data": data, "base_rev": None})
    assert r.status_code == 201, r.json
    return r


def step(api, case_id, target, lang="en"):
    return api.post(f"/api/v1/cases/{case_id}/step", {"step": target}, headers={"Accept-Language": lang})


def test_the_case_view_shows_every_step_with_its_instruments(counsellor):
    case_id = counsellor.new_case()
    save(counsellor, case_id, "overzicht-1", {"status": "b8_3", "scored_on": "2026-01-10", "nl": {"f1": {"score": "+"}}})
    view = counsellor.get(f"/api/v1/cases/{case_id}/overview", headers={"Accept-Language": "nl"}).json
    steps = {s["id"]: s for s in view["progress"]["steps"]}
    assert len(steps) == 18 and steps["NL-1"]["current"]
    ov1 = next(i for i in steps["NL-5"]["instruments"] if i["form_id"] == "overzicht-1")
    assert ov1["status"] == "final" and ov1["title"].startswith("Overzicht 1")
    assert view["overzicht1_history"]["factors"][0]["scores"] == [1]


def test_moves_come_in_the_asked_language_with_their_msgids(counsellor):
    """The device keeps the moves for offline use and redraws them in whatever language the user picks later."""
    case_id = counsellor.new_case()
    assert step(counsellor, case_id, "NL-2").status_code == 200
    view = counsellor.get(f"/api/v1/cases/{case_id}/overview", headers={"Accept-Language": "nl"}).json
    moves = {m["target"]: m for m in view["moves"]}
    assert moves["NL-3"]["label"] == "Volgende stap" and moves["NL-3"]["label_msgid"] == "Next step"
    assert moves["NL-3"]["problem"] is None and moves["NL-3"]["problem_msgid"] is None
    refused = moves["NL-10"]
    assert not refused["allowed"] and refused["problem"].startswith("Leg eerst vast")
    assert refused["problem_msgid"].startswith("First record that the client wishes to return")


def test_moves_follow_the_flowchart_and_refusals_say_why(counsellor):
    case_id = counsellor.new_case()
    assert step(counsellor, case_id, "NL-2").status_code == 200
    steps = {s["id"]: s for s in counsellor.get(f"/api/v1/cases/{case_id}/overview").json["progress"]["steps"]}
    assert steps["NL-1"]["visited"] and steps["NL-2"]["current"] and not steps["NL-3"]["visited"]
    refused = step(counsellor, case_id, "NL-8", lang="nl")
    assert refused.status_code == 422 and refused.json["errors"][0]["path"] == "/step"
    assert refused.json["errors"][0]["message"]
    assert counsellor.get(f"/api/v1/cases/{case_id}").json["step"] == "NL-2"


def test_step_8_routes_by_the_provisional_decision(counsellor, app):
    case_id = counsellor.new_case()
    c = app.extensions["safefuture"]
    case = c.store.get_case(case_id)
    case.step = "NL-8"
    c.store.update_case(case)
    assert step(counsellor, case_id, "NL-10").status_code == 422  # no decision recorded yet
    schema = counsellor.get("/api/v1/forms/provisional-decision").json
    decision = {"decision": "return"}
    for key in schema.get("required", []):
        if key != "decision":
            prop = schema["properties"][key]
            decision[key] = prop["enum"][0] if "enum" in prop else ("2026-02-01" if prop.get("format") == "date" else "x")
    save(counsellor, case_id, "provisional-decision", decision)
    assert step(counsellor, case_id, "NL-9").status_code == 422
    assert step(counsellor, case_id, "NL-10").status_code == 200
