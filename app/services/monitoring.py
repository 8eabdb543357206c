"""Monitoring after return (seed-spec I-18, I-22): arrival confirmed, contact after a month, reports after six and
twelve months, tracked per handover; what is due and overdue, for both organisations; and the daily reminder.

Reports are the final records of the `monitoring-report` instrument with their `period` (6 or 12). Reminders
are sent once per handover and item (documents `monitoring_notices` {id: "<handover id>:<item>", ...}).
"""
from __future__ import annotations

from ..domain.access import Scope
from ..domain.errors import N_, NotFound
from ..domain.handover import Handover, anchor, parse_monitoring_event, report_period, schedule
from ..domain.model import Case, User
from ..domain.validation import uuid_error
from . import audit, handovers, notifications
from .container import Container

NOTICES = "monitoring_notices"


def reports(c: Container, case_id: str) -> dict[int, dict]:
    """The earliest final monitoring report of each period in the case: {period: {record_id, date}}."""
    found: dict[int, dict] = {}
    for state in c.store.list_records(case_id):
        head = state.head
        period = report_period(head.form_id, head.status, head.data)
        day = head.saved_at[:10]
        if period and (period not in found or day < found[period]["date"]):
            found[period] = {"record_id": state.id, "date": day}
    return found


def handover_view(c: Container, handover: Handover, case_reports: dict[int, dict], scope: Scope) -> dict:
    items = schedule(handover, case_reports, handovers.today(c))
    for item in items:  # a report the user cannot open is shown as done, without its id
        if "record_id" in item:
            state = c.store.get_record(item["record_id"])
            if state is None or not scope.sees_record(state):
                del item["record_id"]
    org = c.store.get_org(handover.to_org)
    source, day = anchor(handover)
    return {"handover_id": handover.id, "to_org": handover.to_org, "to_org_name": org.name if org else None,
            "status": handover.status(handovers.today(c)), "anchor": {"source": source, "date": day}, "items": items}


def case_monitoring(c: Container, user: User, scope: Scope, case_id: str) -> dict:
    """The monitoring schedule of every handover of the case the user's organisation sent or (actively) holds."""
    case = c.store.get_case(case_id.lower()) if not uuid_error(case_id, "") else None
    if case is None or not scope.sees_case(case):
        raise NotFound(N_("No such case."))
    shown = [h for h in handovers.for_case(c, case.id)
             if handovers.is_sender(user, h) or (handovers.is_receiver(user, h) and h.active(handovers.today(c)))]
    case_reports = reports(c, case.id)
    return {"case_id": case.id, "today": handovers.today(c),
            "handovers": [handover_view(c, h, case_reports, scope) for h in shown]}


def record_event(c: Container, user: User, scope: Scope, handover_id: str, payload) -> dict:
    """Record departure, confirmed arrival or the first contact. The sending organisation may always; the
    partner while its consent holds. Recording an item again replaces its date."""
    handover = handovers.visible(c, user, handover_id)
    if handovers.is_receiver(user, handover) and not handover.active(handovers.today(c)):
        raise NotFound(N_("No such handover."))
    p = parse_monitoring_event(payload, handovers.today(c))
    handovers.put_event(c, user, handover, p["item"], p["date"],
                        audit.event(c, user, "monitoring_recorded", case_id=handover.case_id, handover_id=handover.id,
                                    item=p["item"]))
    handover = handovers.get(c, handover.id)
    return handover_view(c, handover, reports(c, handover.case_id), scope)


def report_filed(c: Container, user: User, case: Case, record_id: str) -> None:
    """A monitoring report became final: the case's team at the owning organisation hears about it."""
    team = [u for u in notifications.case_team(c, case) if u != user.id]
    notifications.notify(c, team, "monitoring_report", case_id=case.id, record_id=record_id)


def notify_due(c: Container) -> int:
    """Remind both organisations of every monitoring item that became due or overdue, once per handover and
    item. Run daily (`flask --app app notify-due`). Returns the number of reminders."""
    sent = {n["id"] for n in c.store.list_docs(NOTICES)}
    count = 0
    today = handovers.today(c)
    for handover in handovers.all_handovers(c):
        if not handover.active(today):
            continue
        for item in schedule(handover, reports(c, handover.case_id), today):
            notice_id = f"{handover.id}:{item['item']}"
            if item["status"] not in ("due", "overdue") or notice_id in sent:
                continue
            c.store.put_doc(NOTICES, {"id": notice_id, "handover_id": handover.id, "item": item["item"],
                                      "status": item["status"], "sent_at": c.now()})
            case = c.store.get_case(handover.case_id)
            recipients = notifications.org_users(c, handover.to_org, ("partner",)) + notifications.case_team(c, case)
            notifications.notify(c, recipients, "monitoring_due", case_id=handover.case_id, handover_id=handover.id,
                                 item=item["item"])
            count += 1
    return count
