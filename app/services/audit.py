"""Writing the audit trail. Every use case that reads or changes case data calls `record`."""
from __future__ import annotations

from ..domain.audit import AuditEvent
from ..domain.model import User
from .container import Container


def record(c: Container, user: User | None, action: str, *, case_id: str | None = None,
           record_id: str | None = None, device_id: str | None = None, **details) -> AuditEvent:
    """Append one event. `details` must hold codes and ids only (a language, a form id), never case text."""
    event = AuditEvent(seq=0, at=c.now(), actor_id=user.id if user else None, org_id=user.org_id if user else None,
                       action=action, case_id=case_id, record_id=record_id, device_id=device_id, details=details)
    return c.store.append_audit(event)
