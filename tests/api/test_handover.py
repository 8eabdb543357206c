"""Handover to a partner organisation: consent required and withdrawn, what the partner sees and writes,
monitoring reports coming back, the schedule, reminders, and the audit trail."""
import uuid

import pytest

from app.web.openapi import SPEC
from tests.api.partners import Clock, add_org, add_user, consent, handover_body, make_app, new_record, report
from tests.conftest import Api, change, overzicht1

NAME = "Maria Ivanova"  # the client's name: only in a record that is never handed over


@pytest.fixture
def app(tmp_path, fast_passwords):
    app = make_app(tmp_path)
    app.extensions["safefuture"].now = Clock("2026-03-10")
    for org, kind, country in (("shelter-a", "counselling", "NL"), ("shelter-b", "counselling", "NL"),
                               ("animus", "partner", "BG"), ("cosudow", "partner", "NG")):
        add_org(app, org, kind, country)
    for email, org, role in (("anna@shelter-a.nl", "shelter-a", "counsellor"),
                             ("carla@shelter-a.nl", "shelter-a", "coordinator"),
                             ("olga@shelter-b.nl", "shelter-b", "counsellor"),
                             ("petya@animus.bg", "animus", "partner"),
                             ("ade@cosudow.ng", "cosudow", "partner")):
        add_user(app, email, org, role)
    yield app


@pytest.fixture
def clock(app):
    return app.extensions["safefuture"].now


@pytest.fixture
def anna(app):
    return Api(app, "anna@shelter-a.nl")


@pytest.fixture
def carla(app):
    return Api(app, "carla@shelter-a.nl")


@pytest.fixture
def petya(app):
    return Api(app, "petya@animus.bg")


@pytest.fixture
def ade(app):
    return Api(app, "ade@cosudow.ng")


class World:
    """A case of shelter-a with an action plan handed over to Animus and an intake record that is not."""

    def __init__(self, anna):
        self.case_id = anna.new_case(country="BG", code="SA-2026-017")
        self.plan = new_record(anna, self.case_id, overzicht1(nl_f1="+"))
        self.intake = new_record(anna, self.case_id, {"status": "b8_3", "status_note": f"Client: {NAME}"})
        r = anna.post(f"/api/v1/cases/{self.case_id}/handovers", handover_body("animus", [self.plan]))
        assert r.status_code == 201, r.json
        self.handover = r.json


@pytest.fixture
def world(anna):
    return World(anna)


def test_without_consent_the_handover_is_refused_and_nothing_changes(anna, petya):
    case_id = anna.new_case(country="BG")
    plan = new_record(anna, case_id)
    body = handover_body("animus", [plan])
    del body["consent"]
    r = anna.post(f"/api/v1/cases/{case_id}/handovers", body)
    assert r.status_code == 422 and r.json["error"] == "invalid"
    assert [e["path"] for e in r.json["errors"]] == ["/consent"]
    r = anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("animus", [plan], consent=None))
    assert r.status_code == 422
    assert anna.get("/api/v1/handovers").json["handovers"] == []
    assert petya.get("/api/v1/handovers").json["handovers"] == []
    assert petya.get("/api/v1/cases").json["cases"] == []
    assert petya.get(f"/api/v1/cases/{case_id}").status_code == 404
    assert petya.get("/api/v1/inbox").json == {"notifications": [], "unread": 0}


def test_each_wrong_part_of_a_handover_is_named(anna):
    case_id = anna.new_case(country="BG")
    other_case = anna.new_case(country="NG")
    foreign_record = new_record(anna, other_case)
    r = anna.post(f"/api/v1/cases/{case_id}/handovers",
                  handover_body("shelter-b", [foreign_record, str(uuid.uuid4())],
                                consent=consent(given_by="neighbour", date="2026-03-11", language="")))
    assert r.status_code == 422
    assert {e["path"] for e in r.json["errors"]} == {"/consent/given_by", "/consent/date", "/consent/language"}
    r = anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("shelter-b", [foreign_record, str(uuid.uuid4())]))
    assert r.status_code == 422
    assert {e["path"] for e in r.json["errors"]} == {"/to_org", "/record_ids/0", "/record_ids/1"}
    r = anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("nowhere", [foreign_record]))
    assert r.status_code == 422 and {e["path"] for e in r.json["errors"]} == {"/to_org", "/record_ids/0"}
    assert anna.get("/api/v1/handovers").json["handovers"] == []


def test_only_the_owning_organisations_counsellors_and_coordinators_hand_over(app, world, carla, petya):
    olga = Api(app, "olga@shelter-b.nl")
    body = handover_body("cosudow", [world.plan])
    assert olga.post(f"/api/v1/cases/{world.case_id}/handovers", body).status_code == 404
    assert petya.post(f"/api/v1/cases/{world.case_id}/handovers", body).status_code == 403
    assert carla.post(f"/api/v1/cases/{world.case_id}/handovers", body).status_code == 201


def test_the_partner_sees_exactly_the_handed_over_records_and_never_the_name(world, petya, ade, anna):
    assert world.handover["status"] == "active" and world.handover["to_org_name"] == "Animus"
    assert world.handover["consent"]["recorded_by"] == anna.user["id"]
    assert world.handover["consent"]["documents"] == [world.plan]
    cases = petya.get("/api/v1/cases").json["cases"]
    assert cases == [{"id": world.case_id, "org_id": "shelter-a", "country_of_origin": "BG", "step": "NL-1"}]
    case = petya.get(f"/api/v1/cases/{world.case_id}")
    assert case.status_code == 200 and [r["id"] for r in case.json["records"]] == [world.plan]
    assert petya.get(f"/api/v1/records/{world.plan}").status_code == 200
    assert petya.get(f"/api/v1/records/{world.intake}").status_code == 404
    feed = petya.post("/api/v1/sync", {"since": None})
    assert feed.json["granted_case_ids"] == [world.case_id]
    changes = feed.json["changes"]
    assert [(c["kind"], c[c["kind"]]["id"]) for c in changes] == [
        ("case", world.case_id), ("record", world.plan), ("handover", world.handover["id"])]
    entry = changes[-1]
    assert entry["handover"]["status"] == "active"
    assert entry["case"]["id"] == world.case_id and [r["id"] for r in entry["records"]] == [world.plan]
    for r in (feed, case, petya.get("/api/v1/cases"), petya.get("/api/v1/handovers"),
              petya.get(f"/api/v1/cases/{world.case_id}/monitoring"), petya.get("/api/v1/inbox")):
        assert NAME.encode() not in r.data and b"SA-2026-017" not in r.data and world.intake.encode() not in r.data
    # Another partner organisation learns nothing, not even that the case exists.
    for url in ("/api/v1/cases", "/api/v1/handovers", "/api/v1/inbox"):
        assert world.case_id.encode() not in ade.get(url).data
    assert ade.get(f"/api/v1/cases/{world.case_id}").status_code == 404
    assert ade.post("/api/v1/sync", {"since": None}).json["changes"] == []


def test_the_partner_works_in_the_case_and_its_monitoring_report_comes_back(world, petya, anna, carla):
    # Handed-over records are read-only for the partner.
    plan = anna.get(f"/api/v1/records/{world.plan}").json
    r = petya.put(f"/api/v1/records/{world.plan}", change(world.case_id, overzicht1(nl_f1="--"), base_rev=plan["rev"]))
    assert r.status_code == 403
    # Its own records it writes, also twice in one sync batch.
    own = str(uuid.uuid4())
    batch = petya.post("/api/v1/sync", {"push": [{"id": own, **report(world.case_id, 6, status="draft")}]}).json
    first = batch["results"][0]
    assert first["status"] == "ok"
    r = petya.put(f"/api/v1/records/{own}", report(world.case_id, 6, base_rev=first["rev"]))
    assert r.status_code == 200, r.json
    # The Dutch organisation sees the report, and its case team is told.
    got = anna.get(f"/api/v1/records/{own}").json
    assert got["form_id"] == "monitoring-report" and got["status"] == "final" and got["saved_by"] == petya.user["id"]
    # It reads the report and cannot change it: the app is told (read_only), the server refuses, nothing changes.
    assert got["read_only"] is True and petya.get(f"/api/v1/records/{own}").json["read_only"] is False
    assert anna.get(f"/api/v1/records/{world.plan}").json["read_only"] is False
    assert petya.get(f"/api/v1/records/{world.plan}").json["read_only"] is True
    fed = [e["record"] for e in anna.post("/api/v1/sync", {"since": None}).json["changes"] if e["kind"] == "record"]
    assert {r["id"]: r["read_only"] for r in fed if r["id"] in (own, world.plan)} == {own: True, world.plan: False}
    edit = report(world.case_id, 6, base_rev=got["rev"])
    edit["data"]["wellbeing"] = "Changed in the Netherlands"
    for api in (anna, carla):
        r = api.put(f"/api/v1/records/{own}", edit)
        assert r.status_code == 403 and "partner organisation" in r.json["message"], r.json
        pushed = api.post("/api/v1/sync", {"push": [{"id": own, **edit}]}).json["results"][0]
        assert pushed["status"] == "forbidden" and "partner organisation" in pushed["message"], pushed
    assert anna.get(f"/api/v1/records/{own}").json["rev"] == got["rev"]
    for api in (anna, carla):
        notes = api.get("/api/v1/inbox").json["notifications"]
        assert [(n["kind"], n["case_id"], n["record_id"]) for n in notes] == [("monitoring_report", world.case_id, own)]
    # Both organisations see the six-month report done.
    for api in (anna, petya):
        (schedule,) = api.get(f"/api/v1/cases/{world.case_id}/monitoring").json["handovers"]
        items = {i["item"]: i for i in schedule["items"]}
        assert items["report_6"]["status"] == "done" and items["report_6"]["record_id"] == own
        assert items["report_12"]["status"] == "awaiting_departure"  # no departure date given yet
    # The partner's records are part of what it sees; the intake still is not.
    assert sorted(r["id"] for r in petya.get(f"/api/v1/cases/{world.case_id}").json["records"]) == sorted(
        [world.plan, own])


def test_two_items_in_one_batch_for_the_same_new_record(world, petya):
    own = str(uuid.uuid4())
    first = {"id": own, **report(world.case_id, 6, status="draft")}
    r = petya.post("/api/v1/sync", {"push": [first]}).json["results"][0]
    second = {"id": own, **report(world.case_id, 12, status="draft", base_rev=r["rev"])}
    other = str(uuid.uuid4())
    out = petya.post("/api/v1/sync", {"push": [{"id": other, **report(world.case_id, 6, status="draft")},
                                               {"id": other, **report(world.case_id, 12, status="draft")}, second]})
    statuses = [x["status"] for x in out.json["results"]]
    assert statuses == ["ok", "conflict", "ok"]  # the second change to `other` has no base_rev: kept as a conflict


def test_after_withdrawal_the_partner_sees_nothing_new_and_is_told(world, petya, anna, carla):
    cursor = petya.post("/api/v1/sync", {"since": None}).json["cursor"]
    own = str(uuid.uuid4())
    assert petya.put(f"/api/v1/records/{own}", report(world.case_id, 6, status="draft")).status_code == 201
    r = anna.post(f"/api/v1/handovers/{world.handover['id']}/withdrawal")
    assert r.status_code == 200 and r.json["status"] == "withdrawn"
    assert r.json["consent"]["withdrawn_by"] == anna.user["id"]
    assert anna.post(f"/api/v1/handovers/{world.handover['id']}/withdrawal").json["status"] == "withdrawn"
    # The Dutch side edits the plan after the withdrawal.
    plan = anna.get(f"/api/v1/records/{world.plan}").json
    anna.put(f"/api/v1/records/{world.plan}", change(world.case_id, overzicht1(nl_f1="++", nl_f2="-"),
                                                     base_rev=plan["rev"]))
    assert petya.get("/api/v1/cases").json["cases"] == []
    for url in (f"/api/v1/cases/{world.case_id}", f"/api/v1/records/{world.plan}", f"/api/v1/records/{own}",
                f"/api/v1/cases/{world.case_id}/monitoring", f"/api/v1/cases/{world.case_id}/handovers"):
        assert petya.get(url).status_code == 404, url
    assert petya.put(f"/api/v1/records/{own}", report(world.case_id, 12, status="draft")).status_code == 403
    assert petya.post(f"/api/v1/handovers/{world.handover['id']}/monitoring",
                      {"item": "arrival_confirmed", "date": "2026-03-09"}).status_code == 404
    # The partner is shown the withdrawal, and nothing else of the handover.
    (shown,) = petya.get("/api/v1/handovers").json["handovers"]
    assert shown["status"] == "withdrawn" and "purpose" not in str(shown) and "record_ids" not in shown
    feed = petya.post("/api/v1/sync", {"since": cursor}).json
    assert feed["granted_case_ids"] == []
    assert [(c["kind"], c["handover"]["status"]) for c in feed["changes"]] == [("handover", "withdrawn")]
    assert "case" not in feed["changes"][0] and "records" not in feed["changes"][0]
    # The inbox keeps the news of the withdrawal, and drops the earlier news about the case.
    assert [n["kind"] for n in petya.get("/api/v1/inbox").json["notifications"]] == ["handover_withdrawn"]
    # The Dutch side keeps everything, and the audit trail has the consent's story.
    assert anna.get(f"/api/v1/records/{own}").status_code == 200
    actions = [e["action"] for e in carla.get(f"/api/v1/cases/{world.case_id}/audit").json["events"]]
    assert actions.index("consent_recorded") < actions.index("handover") < actions.index("consent_withdrawn")


def test_the_partner_may_record_the_withdrawal_the_client_told_them(world, petya, anna):
    r = petya.post(f"/api/v1/handovers/{world.handover['id']}/withdrawal")
    assert r.status_code == 200 and r.json["status"] == "withdrawn"
    assert petya.post(f"/api/v1/handovers/{world.handover['id']}/withdrawal").status_code == 404
    assert [n["kind"] for n in anna.get("/api/v1/inbox").json["notifications"]] == ["handover_withdrawn"]


def test_consent_that_expires_ends_access_and_the_daily_command_tells_the_device(app, anna, petya, clock, runner):
    case_id = anna.new_case(country="BG")
    plan = new_record(anna, case_id)
    body = handover_body("animus", [plan], consent=consent(expires="2026-06-30"))
    handover_id = anna.post(f"/api/v1/cases/{case_id}/handovers", body).json["id"]
    cursor = petya.post("/api/v1/sync", {"since": None}).json["cursor"]
    clock.day = "2026-06-30"
    assert petya.get(f"/api/v1/records/{plan}").status_code == 200
    clock.day = "2026-07-01"
    assert petya.get(f"/api/v1/records/{plan}").status_code == 404
    assert petya.get("/api/v1/handovers").json["handovers"][0]["status"] == "expired"
    result = runner.invoke(args=["notify-due"])
    assert result.exit_code == 0 and "1 expired consents" in result.output
    feed = petya.post("/api/v1/sync", {"since": cursor}).json
    assert [(c["kind"], c["handover"]["id"], c["handover"]["status"]) for c in feed["changes"]] == [
        ("handover", handover_id, "expired")]
    assert "1 expired" not in runner.invoke(args=["notify-due"]).output  # once


def test_resending_a_handover_with_its_id_returns_the_first(anna, petya):
    case_id = anna.new_case(country="BG")
    plan = new_record(anna, case_id)
    body = handover_body("animus", [plan], id=str(uuid.uuid4()))
    first = anna.post(f"/api/v1/cases/{case_id}/handovers", body)
    again = anna.post(f"/api/v1/cases/{case_id}/handovers", body)
    assert first.status_code == 201 and again.status_code == 200 and again.json == first.json
    assert {"200", "201"} <= SPEC["paths"]["/cases/{case_id}/handovers"]["post"]["responses"].keys()
    assert len(anna.get(f"/api/v1/cases/{case_id}/handovers").json["handovers"]) == 1
    assert len(petya.get("/api/v1/inbox").json["notifications"]) == 1
    other_case = anna.new_case(country="BG")
    r = anna.post(f"/api/v1/cases/{other_case}/handovers", {**body, "record_ids": [new_record(anna, other_case)]})
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/id"]


def test_monitoring_events_move_the_schedule_and_reminders_come_once(world, anna, petya, clock, runner):
    hid = world.handover["id"]
    r = anna.post(f"/api/v1/handovers/{hid}/monitoring", {"item": "departed", "date": "2026-03-10"})
    assert r.status_code == 200 and r.json["anchor"] == {"source": "departed", "date": "2026-03-10"}
    r = petya.post(f"/api/v1/handovers/{hid}/monitoring", {"item": "arrival_confirmed", "date": "2026-03-10"})
    items = {i["item"]: i for i in r.json["items"]}
    assert items["arrival_confirmed"]["status"] == "done" and items["first_contact"]["due"] == "2026-04-10"
    bad = petya.post(f"/api/v1/handovers/{hid}/monitoring", {"item": "report_6", "date": "2026-03-20"})
    assert bad.status_code == 422 and {e["path"] for e in bad.json["errors"]} == {"/item", "/date"}
    clock.day = "2026-04-05"  # first contact due on 04-10: a week ahead it is due
    result = runner.invoke(args=["notify-due"])
    assert result.exit_code == 0 and result.output.startswith("1 monitoring reminders")
    assert runner.invoke(args=["notify-due"]).output.startswith("0 monitoring reminders")
    for api in (anna, petya):
        notes = [n for n in api.get("/api/v1/inbox").json["notifications"] if n["kind"] == "monitoring_due"]
        assert [(n["item"], n["handover_id"]) for n in notes] == [("first_contact", hid)]
    clock.day = "2026-09-01"  # first contact overdue (already reminded), 6-month report due on 09-10
    # Reminders wait for a departure date: a handover without one reminds nobody.
    other = anna.post(f"/api/v1/cases/{world.case_id}/handovers", handover_body("cosudow", [world.plan])).json
    assert runner.invoke(args=["notify-due"]).output.startswith("1 monitoring reminders")
    schedule, waiting = anna.get(f"/api/v1/cases/{world.case_id}/monitoring").json["handovers"]
    assert {i["item"]: i["status"] for i in schedule["items"]} == {
        "arrival_confirmed": "done", "first_contact": "overdue", "report_6": "due", "report_12": "upcoming"}
    assert waiting["handover_id"] == other["id"] and waiting["anchor"] == {"source": "unknown", "date": None}
    assert {i["status"] for i in waiting["items"]} == {"awaiting_departure"}


def test_a_conflict_is_told_to_both_authors(app, world, anna):
    colleague = Api(app, "carla@shelter-a.nl")
    base = anna.get(f"/api/v1/records/{world.plan}").json["rev"]
    mine = anna.put(f"/api/v1/records/{world.plan}", change(world.case_id, overzicht1(nl_f3="+"), base_rev=base))
    assert mine.status_code == 200
    r = colleague.put(f"/api/v1/records/{world.plan}", change(world.case_id, overzicht1(nl_f3="-"), base_rev=base))
    assert r.status_code == 409
    for api in (anna, colleague):
        notes = api.get("/api/v1/inbox").json["notifications"]
        assert [(n["kind"], n["record_id"]) for n in notes] == [("conflict", world.plan)]


def test_the_inbox_marks_read_only_ones_own_notifications(world, petya, ade):
    (note,) = petya.get("/api/v1/inbox").json["notifications"]
    assert note["kind"] == "handover" and note["read_at"] is None
    assert ade.post(f"/api/v1/inbox/{note['id']}/read").status_code == 404
    assert petya.post(f"/api/v1/inbox/{note['id']}/read").status_code == 204
    inbox = petya.get("/api/v1/inbox").json
    assert inbox["unread"] == 0 and inbox["notifications"][0]["read_at"]
    assert petya.post("/api/v1/inbox/not-an-id/read").status_code == 404


def test_the_audit_trail_is_for_the_owning_coordinators_and_shows_the_partners_reads(world, petya, anna, carla, ade):
    petya.get(f"/api/v1/records/{world.plan}")
    r = carla.get(f"/api/v1/cases/{world.case_id}/audit")
    assert r.status_code == 200
    events = r.json["events"]
    assert any(e["action"] == "read_record" and e["actor_email"] == "petya@animus.bg"
               and e["record_id"] == world.plan for e in events)
    handover = next(e for e in events if e["action"] == "handover")
    assert handover["details"] == {"handover_id": world.handover["id"], "to_org": "animus", "record_ids": [world.plan]}
    assert NAME not in r.get_data(as_text=True) and "Re-integration support" not in r.get_data(as_text=True)
    assert anna.get(f"/api/v1/cases/{world.case_id}/audit").status_code == 403
    assert petya.get(f"/api/v1/cases/{world.case_id}/audit").status_code == 403
    assert ade.get(f"/api/v1/cases/{world.case_id}/audit").status_code == 404


def test_partner_organisations_to_choose_from(anna, petya):
    orgs = anna.get("/api/v1/partner-organisations").json["organisations"]
    assert orgs == [{"id": "animus", "name": "Animus", "country": "BG"}, {"id": "cosudow", "name": "Cosudow",
                                                                           "country": "NG"}]
    assert petya.get("/api/v1/partner-organisations").status_code == 403


def test_a_partner_is_offered_no_step_change_while_the_case_is_in_the_netherlands(tmp_path):
    """The overview lists only moves its reader may make: the partner moves the re-integration steps only."""
    from tests.api.partners import add_org, add_user, handover_body, make_app, new_record
    from tests.conftest import Api

    app = make_app(tmp_path)
    add_org(app, "shelter-a", "counselling", "NL")
    add_org(app, "animus", "partner", "BG")
    add_user(app, "anna@shelter-a.nl", "shelter-a", "counsellor")
    add_user(app, "petya@animus.bg", "animus", "partner")
    anna, petya = Api(app, "anna@shelter-a.nl"), Api(app, "petya@animus.bg")
    case_id = anna.new_case(country="BG")
    plan = new_record(anna, case_id, {"status": "b8_3"})
    assert anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("animus", [plan])).status_code == 201
    assert anna.get(f"/api/v1/cases/{case_id}/overview").json["moves"]
    assert petya.get(f"/api/v1/cases/{case_id}/overview").json["moves"] == []
    assert petya.post(f"/api/v1/cases/{case_id}/step", {"step": "NL-2"}).status_code == 403


WRITE_ACTIONS = {"create_case", "update_case", "consent_recorded", "handover", "monitoring_recorded",
                 "consent_withdrawn", "write_record"}


def test_case_step_handover_monitoring_and_withdrawal_events_are_written_in_the_writes_own_step(app, anna):
    """A crash between a write and a separate append of its event would leave the write unaudited (and its
    resend is a replay that writes none): the services hand each write's events to the store's write itself.
    Here a separate append of a write's event fails the request, and every write still gets its event."""
    store = app.extensions["safefuture"].store
    separate_append = store.append_audit_many

    def reads_only(events):
        assert not WRITE_ACTIONS & {e.action for e in events}, "a write's audit event appended on its own"
        return separate_append(events)

    store.append_audit_many = reads_only
    case_id = anna.new_case(country="BG", code="SA-2026-018")
    assert anna.post(f"/api/v1/cases/{case_id}/step", {"step": "NL-2"}).status_code == 200
    plan = new_record(anna, case_id, overzicht1(nl_f1="+"))
    handover = anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("animus", [plan])).json
    assert anna.post(f"/api/v1/handovers/{handover['id']}/monitoring",
                     {"item": "departed", "date": "2026-03-10"}).status_code == 200
    assert anna.post(f"/api/v1/handovers/{handover['id']}/withdrawal").json["status"] == "withdrawn"
    actions = [e.action for e in store.audit_events(case_id) if e.action in WRITE_ACTIONS]
    assert actions == ["create_case", "update_case", "write_record", "consent_recorded", "handover",
                       "monitoring_recorded", "consent_withdrawn"]
