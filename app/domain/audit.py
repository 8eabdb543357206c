"""The audit trail: who did what to which case or record, when, hash-chained so tampering shows.

Events hold ids and codes only (never case text, names or client codes), so reading the log leaks nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields

from .jsontext import canonical

ACTIONS = ("login", "login_failed", "logout", "read_case", "read_record", "write_record", "create_case",
           "update_case", "export_pdf", "handover", "consent_recorded", "consent_withdrawn", "monitoring_recorded",
           "read_audit", "socialmap_edit", "export_data", "export_report",
           # Running the organisation (services.users, services.devices): details hold ids and codes only.
           "password_changed", "user_created", "user_updated", "setup_link_issued", "password_set", "org_created",
           "org_updated", "device_wipe_ordered", "device_wipe_delivered", "device_wipe_confirmed")
GENESIS = "0" * 64


# The audit events that put a case in a step (its creation and each step change), with the step in details["step"].
STEP_ACTIONS = ("create_case", "update_case")


@dataclass
class AuditEvent:
    seq: int
    at: str
    actor_id: str | None
    org_id: str | None
    action: str
    case_id: str | None = None
    record_id: str | None = None
    device_id: str | None = None
    details: dict = field(default_factory=dict)
    prev_hash: str = GENESIS
    hash: str = ""

    def to_dict(self) -> dict:
        """A copy as a dict (details hold codes and ids only, so a shallow copy of them is a full one)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["details"] = dict(self.details)
        return out

    def computed_hash(self) -> str:
        body = self.to_dict()
        del body["hash"]
        return hashlib.sha256(canonical(body)).hexdigest()


def chain(prev: AuditEvent | None, event: AuditEvent) -> AuditEvent:
    """Link `event` after `prev` (None for the first) and seal it."""
    event.seq = prev.seq + 1 if prev else 1
    event.prev_hash = prev.hash if prev else GENESIS
    event.hash = event.computed_hash()
    return event


def anchor(events) -> str | None:
    """The last event as "seq:hash": written down outside the store, it later shows whether the trail still
    holds that event unchanged (see `anchor_problem`). The chain alone cannot show that its end was cut off."""
    return f"{events[-1].seq}:{events[-1].hash}" if events else None


def anchor_problem(events, noted: str) -> str | None:
    """What is wrong with the trail against an anchor noted earlier, or None when it still holds that event.
    Raises ValueError for text that is not an anchor."""
    seq_text, _, noted_hash = noted.strip().partition(":")
    if not seq_text.isdigit() or len(noted_hash) != 64:
        raise ValueError("an anchor is the 'seq:hash' that verify-audit printed")
    seq = int(seq_text)
    if seq > len(events):
        return f"the trail ends at event {len(events)}, before the anchor's event {seq}: events were removed"
    if events[seq - 1].seq != seq or events[seq - 1].hash != noted_hash:
        return f"event {seq} is not the one the anchor noted: the trail was rewritten"
    return None


def first_broken_link(events) -> int | None:
    """The seq of the first event whose hash or link does not hold, or None when the chain is intact."""
    prev_hash, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq or event.prev_hash != prev_hash or event.hash != event.computed_hash():
            return event.seq if event.seq == expected_seq else expected_seq
        prev_hash, expected_seq = event.hash, expected_seq + 1
    return None
