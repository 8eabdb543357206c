"""Writing the audit trail. Every use case that reads or changes case data calls `record`."""
from __future__ import annotations

from ..domain.audit import AuditEvent
from ..domain.model import User
from .container import Container


def event(c: Container, user: User | None, action: str, *, case_id: str | None = None,
          record_id: str | None = None, device_id: str | None = None, **details) -> AuditEvent:
    """An unsealed event. `details` must hold codes and ids only (a language, a form id), never case text."""
    return AuditEvent(seq=0, at=c.now(), actor_id=user.id if user else None, org_id=user.org_id if user else None,
                      action=action, case_id=case_id, record_id=record_id, device_id=device_id, details=details)


def record(c: Container, user: User | None, action: str, **kwargs) -> AuditEvent:
    """Append one event (see `event`)."""
    return c.store.append_audit(event(c, user, action, **kwargs))


def record_many(c: Container, events: list[AuditEvent]) -> None:
    """Append several events in one write (a sync pull reads many records at once)."""
    if events:
        c.store.append_audit_many(events)
