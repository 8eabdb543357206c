"""Writing, reading and verifying the audit trail. Every use case that reads or changes case data calls
`record`."""
from __future__ import annotations

from ..domain.access import Scope
from ..domain.audit import ACTIONS, AuditEvent, anchor, anchor_problem, first_broken_link
from ..domain.errors import N_, Forbidden, NotFound
from ..domain.model import User
from ..domain.validation import uuid_error
from .container import Container


def event(c: Container, user: User | None, action: str, *, case_id: str | None = None,
          record_id: str | None = None, device_id: str | None = None, **details) -> AuditEvent:
    """An unsealed event. `details` must hold codes and ids only (a language, a form id), never case text."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return AuditEvent(seq=0, at=c.now(), actor_id=user.id if user else None, org_id=user.org_id if user else None,
                      action=action, case_id=case_id, record_id=record_id, device_id=device_id, details=details)


def record(c: Container, user: User | None, action: str, **kwargs) -> AuditEvent:
    """Append one event (see `event`)."""
    return c.store.append_audit(event(c, user, action, **kwargs))


def record_many(c: Container, events: list[AuditEvent]) -> None:
    """Append several events in one write (a sync pull reads many cases and records at once)."""
    if events:
        c.store.append_audit_many(events)


def case_events(c: Container, user: User, scope: Scope, case_id: str) -> list[dict]:
    """The audit trail of one case, for coordinators of the organisation that owns it."""
    case = c.store.get_case(case_id.lower()) if not uuid_error(case_id, "") else None
    if case is None or not scope.sees_case(case):
        raise NotFound(N_("No such case."))
    if not (scope.owns_case(case) and user.role == "coordinator"):
        raise Forbidden(N_("Only coordinators of the case's organisation read its audit trail."))
    events = c.store.audit_events(case.id)
    record(c, user, "read_audit", case_id=case.id)
    emails: dict[str, str | None] = {}
    for actor_id in {e.actor_id for e in events if e.actor_id}:
        actor = c.store.get_user(actor_id)
        emails[actor_id] = actor.email if actor else None
    return [{**{k: v for k, v in e.to_dict().items() if k not in ("prev_hash", "hash")},
             "actor_email": emails.get(e.actor_id)} for e in events]


def verify(c: Container, noted_anchor: str | None = None) -> dict:
    """{count, broken: seq of the first broken link or None, anchor: the trail's anchor now, anchor_problem: what
    is wrong against `noted_anchor` or None}. ValueError for a malformed `noted_anchor`."""
    events = c.store.audit_events()
    return {"count": len(events), "broken": first_broken_link(events), "anchor": anchor(events),
            "anchor_problem": anchor_problem(events, noted_anchor) if noted_anchor else None}
