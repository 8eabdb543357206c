"""Telling users that something needs their attention: an inbox entry per user, and a web push to each of
their devices that allowed it.

The inbox is read over the session, so it may name the case (by id); the push carries nothing at all
(see services.push). Where push is unavailable the inbox alone does the job.

Documents: `notifications` {id, user_id, kind, case_id, handover_id, record_id, item, created_at, read_at}.
"""
from __future__ import annotations

import uuid

from ..domain.access import Scope
from ..domain.errors import N_, NotFound
from ..domain.model import Case, User
from ..domain.validation import uuid_error
from . import push
from .container import Container

COLLECTION = "notifications"
KINDS = ("handover", "handover_withdrawn", "handover_expired", "monitoring_due", "monitoring_report", "conflict")
# Kinds that stay in a partner's inbox after its access to the case ended: they say that it ended.
ABOUT_ENDED_ACCESS = ("handover_withdrawn", "handover_expired")
INBOX_LIMIT = 200


def org_users(c: Container, org_id: str, roles: tuple[str, ...]) -> list[str]:
    return [u.id for u in c.store.list_users(org_id) if u.active and u.role in roles]


def case_team(c: Container, case: Case | None) -> list[str]:
    """Who at the owning organisation hears about a case: its counsellor and the coordinators."""
    if case is None:
        return []
    team = org_users(c, case.org_id, ("coordinator",))
    counsellor = c.store.get_user(case.counsellor_id) if case.counsellor_id else None
    if counsellor and counsellor.active and counsellor.org_id == case.org_id:
        team.insert(0, counsellor.id)
    return list(dict.fromkeys(team))


def notify(c: Container, user_ids, kind: str, *, case_id: str | None = None, handover_id: str | None = None,
           record_id: str | None = None, item: str | None = None) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    for user_id in dict.fromkeys(u for u in user_ids if u):
        c.store.put_doc(COLLECTION, {"id": str(uuid.uuid4()), "user_id": user_id, "kind": kind, "case_id": case_id,
                                     "handover_id": handover_id, "record_id": record_id, "item": item,
                                     "created_at": c.now(), "read_at": None})
        push.send_to_user(c, user_id)


def inbox(c: Container, user: User, scope: Scope) -> list[dict]:
    """The user's notifications, newest first, without those about cases the user can no longer see."""
    cases: dict[str, Case | None] = {}

    def still_visible(note: dict) -> bool:
        if note["case_id"] is None or note["kind"] in ABOUT_ENDED_ACCESS:
            return True
        if note["case_id"] not in cases:
            cases[note["case_id"]] = c.store.get_case(note["case_id"])
        case = cases[note["case_id"]]
        return case is not None and scope.sees_case(case)

    notes = sorted(c.store.list_docs(COLLECTION, user_id=user.id), key=lambda n: (n["created_at"], n["id"]),
                   reverse=True)
    return [{k: v for k, v in n.items() if k != "user_id"} for n in notes if still_visible(n)][:INBOX_LIMIT]


def mark_read(c: Container, user: User, notification_id: str) -> None:
    note = c.store.get_doc(COLLECTION, notification_id) if not uuid_error(notification_id, "") else None
    if note is None or note["user_id"] != user.id:
        raise NotFound(N_("No such notification."))
    if note["read_at"] is None:
        c.store.put_doc(COLLECTION, {**note, "read_at": c.now()})
