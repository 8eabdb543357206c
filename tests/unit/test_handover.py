"""The handover domain: consent rules, status over time, the monitoring schedule, and scopes."""
import uuid
from datetime import date

import pytest

from app.domain.access import Grants, Scope, scope_for
from app.domain.errors import Invalid
from app.domain.handover import (Consent, Handover, MonitoringEvent, add_months, parse_monitoring_event,
                                 parse_request, report_period, schedule)
from app.domain.model import Case, Change, RecordState, User

TODAY = "2026-03-10"
R1, R2 = str(uuid.uuid4()), str(uuid.uuid4())


def consent(**overrides) -> dict:
    return {"given_by": "client", "date": "2026-03-01", "purpose": "Re-integration support after return",
            "language": "en", **overrides}


def request(**overrides) -> dict:
    return {"to_org": "animus", "record_ids": [R1], "consent": consent(), **overrides}


def paths(payload) -> set[str]:
    with pytest.raises(Invalid) as e:
        parse_request(payload, TODAY)
    return {err["path"] for err in e.value.errors}


def test_a_complete_request_passes():
    assert parse_request(request(consent=consent(expires="2027-03-01"), departure_date="2026-04-01"), TODAY)


def test_no_consent_no_handover():
    assert paths(request(consent=None)) == {"/consent"}
    del_consent = request()
    del del_consent["consent"]
    assert paths(del_consent) == {"/consent"}


@pytest.mark.parametrize("bad, path", [
    ({"given_by": "counsellor"}, "/consent/given_by"),
    ({"date": "01-03-2026"}, "/consent/date"),
    ({"date": "2026-03-11"}, "/consent/date"),  # in the future
    ({"purpose": "  "}, "/consent/purpose"),
    ({"language": "Bulgarian"}, "/consent/language"),
    ({"expires": "2026-02-01"}, "/consent/expires"),  # before it was given
    ({"date": "2026-01-01", "expires": "2026-03-09"}, "/consent/expires"),  # expired already
    ({"surprise": 1}, "/consent/surprise"),
])
def test_each_consent_problem_is_reported_at_its_path(bad, path):
    assert paths(request(consent=consent(**bad))) == {path}


@pytest.mark.parametrize("bad, path", [
    ({"record_ids": []}, "/record_ids"),
    ({"record_ids": "all"}, "/record_ids"),
    ({"record_ids": [R1, "x"]}, "/record_ids/1"),
    ({"record_ids": [R1, R1]}, "/record_ids"),
    ({"to_org": ""}, "/to_org"),
    ({"departure_date": "soon"}, "/departure_date"),
    ({"id": "not-a-uuid"}, "/id"),
    ({"extra": True}, "/extra"),
])
def test_each_request_problem_is_reported_at_its_path(bad, path):
    assert path in paths(request(**bad))


def test_a_request_that_is_not_an_object_is_invalid():
    assert paths([request()]) == {""}


def handover(**consent_overrides) -> Handover:
    c = Consent(given_by="client", date="2026-03-01", documents=[R1], to_org="animus", purpose="x", language="bg",
                recorded_by="u1", recorded_at="2026-03-01T10:00:00.000Z", **consent_overrides)
    return Handover(id="h1", case_id="c1", from_org="shelter-a", to_org="animus", record_ids=[R1], consent=c,
                    created_by="u1", created_at="2026-03-01T10:00:00.000Z")


def test_status_follows_withdrawal_and_expiry():
    assert handover().status(TODAY) == "active" and handover().active(TODAY)
    assert handover(expires="2026-03-10").status(TODAY) == "active"  # valid through its expiry date
    assert handover(expires="2026-03-10").status("2026-03-11") == "expired"
    withdrawn = handover(withdrawn_at="2026-03-05T09:00:00.000Z", withdrawn_by="u1")
    assert withdrawn.status(TODAY) == "withdrawn" and not withdrawn.active(TODAY)


@pytest.mark.parametrize("start, months, expected", [
    ("2026-01-31", 1, "2026-02-28"), ("2028-01-31", 1, "2028-02-29"), ("2026-08-31", 6, "2027-02-28"),
    ("2026-03-15", 12, "2027-03-15"), ("2026-12-01", 1, "2027-01-01"), ("2026-05-10", 0, "2026-05-10"),
])
def test_add_months_keeps_the_day_or_takes_the_months_last(start, months, expected):
    assert add_months(date.fromisoformat(start), months).isoformat() == expected


def by_item(items) -> dict:
    return {i["item"]: i for i in items}


def test_the_schedule_waits_for_a_departure_date_then_counts_from_the_planned_then_the_actual_one():
    h = handover()
    assert [(i["due"], i["status"]) for i in schedule(h, {}, TODAY)] == [(None, "awaiting_departure")] * 4
    h.departure_date = "2026-05-20"
    assert by_item(schedule(h, {}, TODAY))["report_6"]["due"] == "2026-11-20"
    h.events["departed"] = MonitoringEvent("departed", "2026-05-25", "u1", "2026-05-25T08:00:00Z")
    items = by_item(schedule(h, {}, TODAY))
    assert items["arrival_confirmed"]["due"] == "2026-05-25" and items["report_12"]["due"] == "2027-05-25"


def test_due_overdue_upcoming_and_done():
    h = handover()
    h.departure_date = "2026-03-01"
    items = by_item(schedule(h, {}, "2026-03-20"))
    assert items["arrival_confirmed"]["status"] == "overdue"
    assert items["first_contact"]["status"] == "upcoming"  # due 2026-04-01: a week ahead it is "due"
    assert by_item(schedule(h, {}, "2026-03-25"))["first_contact"]["status"] == "due"
    assert by_item(schedule(h, {}, "2026-08-18"))["report_6"]["status"] == "due"  # two weeks ahead
    assert items["report_6"]["status"] == "upcoming"
    h.events["arrival_confirmed"] = MonitoringEvent("arrival_confirmed", "2026-03-02", "p1", "2026-03-02T10:00Z")
    reports = {6: {"record_id": R2, "date": "2026-08-30"}}
    items = by_item(schedule(h, reports, "2026-09-05"))
    assert items["arrival_confirmed"] == {"item": "arrival_confirmed", "due": "2026-03-01", "status": "done",
                                          "done_on": "2026-03-02"}
    assert items["report_6"] == {"item": "report_6", "due": "2026-09-01", "status": "done", "done_on": "2026-08-30",
                                 "record_id": R2}
    assert items["first_contact"]["status"] == "overdue" and items["report_12"]["status"] == "upcoming"


def test_after_withdrawal_open_items_are_cancelled():
    h = handover(withdrawn_at="2026-03-05T09:00:00Z")
    assert {i["status"] for i in schedule(h, {}, "2026-12-01")} == {"cancelled"}


def test_only_final_monitoring_reports_with_a_period_count():
    assert report_period("monitoring-report", "final", {"period": 6}) == 6
    assert report_period("monitoring-report", "final", {"period": "12"}) == 12
    assert report_period("monitoring-report", "draft", {"period": 6}) is None
    assert report_period("monitoring-report", "final", {"period": 3}) is None
    assert report_period("monitoring-report", "final", {"period": True}) is None
    assert report_period("overzicht-1", "final", {"period": 6}) is None


def test_monitoring_events_are_validated():
    assert parse_monitoring_event({"item": "arrival_confirmed", "date": "2026-03-09"}, TODAY)
    for bad, path in (({"item": "report_6", "date": TODAY}, "/item"),
                      ({"item": "departed", "date": "2026-03-11"}, "/date"),
                      ({"item": "departed", "date": TODAY, "x": 1}, "/x")):
        with pytest.raises(Invalid) as e:
            parse_monitoring_event(bad, TODAY)
        assert [err["path"] for err in e.value.errors] == [path]


def state(record_id, org="shelter-a", case="c1") -> RecordState:
    return RecordState(record_id, case, org)


def test_a_partner_scope_sees_exactly_the_granted_records_and_writes_only_its_own():
    own = str(uuid.uuid4())
    partner = User("p", "p@animus.bg", "animus", "partner", "")
    scope = scope_for(partner, Grants(case_ids=frozenset({"c1"}), record_ids=frozenset({R1, own}),
                                      writable_record_ids=frozenset({own})))
    case = Case("c1", "shelter-a", "CODE", "BG")
    assert scope.sees_case(case) and scope.may_write_case(case) and not scope.owns_case(case)
    assert scope.sees_record(state(R1)) and not scope.may_write_record(state(R1))
    assert not scope.sees_record(state(R2))
    assert scope.sees_record(state(own)) and scope.may_write_record(state(own))
    assert not scope.sees_case(Case("c2", "shelter-a", "CODE", "BG"))


def test_the_feed_filter_works_per_record_for_partners_and_per_organisation_for_documents():
    partner = scope_for(User("p", "p@animus.bg", "animus", "partner", ""),
                        Grants(case_ids=frozenset({"c1"}), record_ids=frozenset({R1})))
    counsellor = scope_for(User("a", "a@shelter-a.nl", "shelter-a", "counsellor", ""))
    admin = scope_for(User("x", "x@shelter-a.nl", "shelter-a", "admin", ""))
    changes = {"case": Change(1, "case", "c1", "c1", "shelter-a"),
               "granted record": Change(2, "record", R1, "c1", "shelter-a"),
               "other record": Change(3, "record", R2, "c1", "shelter-a"),
               "handover to animus": Change(4, "handovers", "h1", "c1", "animus"),
               "handover to cosudow": Change(5, "handovers", "h2", "c1", "cosudow")}
    assert {k for k, ch in changes.items() if partner.sees_change(ch)} == {"case", "granted record",
                                                                           "handover to animus"}
    assert {k for k, ch in changes.items() if counsellor.sees_change(ch)} == {"case", "granted record", "other record"}
    assert not any(admin.sees_change(ch) for ch in changes.values()) and admin == Scope()


def test_a_record_created_in_the_same_request_joins_the_scope():
    scope = Scope(case_ids=frozenset({"c1"}), writable_case_ids=frozenset({"c1"}))
    new = str(uuid.uuid4())
    assert not scope.may_write_record(state(new))
    assert scope.with_own_record(new).may_write_record(state(new))
