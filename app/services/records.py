"""Saving records (filled instruments) with revisions and conflicts, and reading them back."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..domain.access import Scope
from ..domain.audit import AuditEvent
from ..domain.errors import N_, DomainError, Forbidden, Invalid, NotFound
from ..domain.handover import report_period
from ..domain.model import RECORD_STATUSES, Case, RecordState, User
from ..domain.revisions import Outcome, RecordChange, decide
from ..domain.validation import collect, string_error, type_error, uuid_error
from . import audit, handovers, monitoring, notifications
from .container import Container

CHANGE_FIELDS = {"id", "case_id", "form_id", "form_version", "status", "data", "base_rev", "resolves", "device_id"}
MAX_RESOLVES = 100


@dataclass
class SaveResult:
    status: str  # "ok" or "conflict"
    rev: str
    created: bool
    record: RecordState
    partner_record: bool = False  # created by a partner organisation in a handed-over case
    seq: int | None = None  # the change feed's number for this save (None when it changed nothing)

    def body(self) -> dict:
        if self.status == "ok":
            return {"id": self.record.id, "rev": self.rev, "status": "ok"}
        return {"id": self.record.id, "rev": self.rev, "status": "conflict", "error": "conflict",
                "message": N_("Someone changed this record in the meantime. Both versions are kept."),
                "current": self.record.view()}


def _parse(record_id: str, payload) -> dict:
    if not isinstance(payload, dict):
        raise Invalid(N_("The change must be a JSON object."), [type_error("", "object")])
    errors = collect(uuid_error(record_id, "/id"), uuid_error(payload.get("case_id"), "/case_id"),
                     string_error(payload.get("form_id"), "/form_id", 100),
                     uuid_error(payload["device_id"], "/device_id") if payload.get("device_id") is not None else None)
    if "id" in payload and payload["id"] != record_id:
        errors.append({"path": "/id", "message": N_("The id in the body differs from the id in the address.")})
    version = payload.get("form_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.append({"path": "/form_version", "message": N_("Wrong type: expected %(type)s."), "params": {"type": "integer"}})
    if payload.get("status") not in RECORD_STATUSES:
        errors.append({"path": "/status", "message": N_("Choose draft or final.")})
    if not isinstance(payload.get("data"), dict):
        errors.append(type_error("/data", "object"))
    base = payload.get("base_rev")
    if base is not None and (not isinstance(base, str) or len(base) > 64):
        errors.append({"path": "/base_rev", "message": N_("Unknown revision")})
    resolves = payload.get("resolves", [])
    if not isinstance(resolves, list) or len(resolves) > MAX_RESOLVES or not all(
            isinstance(r, str) and len(r) <= 64 for r in resolves):
        errors.append({"path": "/resolves", "message": N_("Unknown revision")})
    errors.extend({"path": f"/{k}", "message": N_("Unknown field.")} for k in payload if k not in CHANGE_FIELDS)
    if errors:
        raise Invalid(N_("The change is not valid."), errors)
    return payload


def _change(c: Container, user: User, scope: Scope, record_id: str, payload,
            case_of: Callable[[str], Case | None]) -> tuple[RecordChange, Case]:
    """The change a request asks for, parsed, authorised for its case and validated against its form."""
    p = _parse(record_id, payload)
    case = case_of(p["case_id"].lower())
    if case is None or not scope.may_write_case(case):
        # The same answer whether the case exists elsewhere or not at all: nothing leaks.
        raise Forbidden(N_("You may not write records in this case."))
    try:
        form = c.forms.get(p["form_id"], p["form_version"])
    except NotFound:
        raise Invalid(N_("Unknown form or form version."),
                      [{"path": "/form_version" if any(f.id == p["form_id"] for f in c.forms.current()) else "/form_id",
                        "message": N_("Unknown form or form version.")}])
    try:
        data = c.forms.prepare(form, p["data"], p["status"])
    except Invalid as e:
        for err in e.errors:  # paths are reported from the change's root, where the data lives under /data
            err["path"] = "/data" + err["path"]
        raise
    change = RecordChange(id=record_id.lower(), case_id=case.id, form_id=form.id, form_version=form.version,
                          status=p["status"], data=data, base_rev=p.get("base_rev"), saved_by=user.id,
                          saved_at=c.now(), device_id=p.get("device_id"), resolves=list(p.get("resolves", [])))
    return change, case


class _Guard:
    """`decide` behind the scope's check on the record itself, run by the store under its lock. A record that
    a partner organisation creates in a handed-over case is theirs to write from then on, in the same batch too."""

    def __init__(self, scope: Scope):
        self.scope = scope

    def __call__(self, state: RecordState | None, change: RecordChange, org_id: str) -> Outcome:
        if state is not None and state.id in self.scope.partner_record_ids:
            raise Forbidden(N_("This record belongs to a partner organisation: you can read it, not change it."))
        if state is not None and not self.scope.may_write_record(state):
            raise Forbidden(N_("You may not write records in this case."))
        outcome = decide(state, change, org_id)
        if outcome.created and org_id not in self.scope.org_ids:
            self.scope = self.scope.with_own_record(change.id)
        return outcome


def save_records(c: Container, user: User, scope: Scope,
                 items: list[tuple[str, object]]) -> tuple[list[SaveResult | DomainError], Scope]:
    """Save a batch of changes (record id, payload) in one store step; returns a result or the error for each,
    in order, and the scope after the batch (a partner's new records are theirs)."""
    results: list[SaveResult | DomainError | None] = [None] * len(items)
    prepared: list[tuple[int, RecordChange, Case]] = []
    cases: dict[str, Case | None] = {}  # a week of work touches a few cases: read each once

    def case_of(case_id: str) -> Case | None:
        if case_id not in cases:
            cases[case_id] = c.store.get_case(case_id)
        return cases[case_id]

    for i, (record_id, payload) in enumerate(items):
        try:
            prepared.append((i, *_change(c, user, scope, record_id, payload, case_of)))
        except DomainError as e:
            results[i] = e
    guard = _Guard(scope)

    def write_event(change: RecordChange, outcome: Outcome) -> AuditEvent:  # written by the store with the change
        return audit.event(c, user, "write_record", case_id=change.case_id, record_id=change.id,
                           device_id=change.device_id, status=outcome.status, rev=outcome.rev)

    outcomes = c.store.apply_record_changes([(change, case.org_id) for _, change, case in prepared], guard,
                                            write_event)
    for (i, change, case), outcome in zip(prepared, outcomes):
        if isinstance(outcome, DomainError):
            results[i] = outcome
            continue
        partner_record = outcome.created and not scope.owns_case(case)
        if partner_record:
            handovers.register_partner_record(c, user, case, change.id)
        if outcome.changed:
            _tell_others(c, user, case, outcome)
        results[i] = SaveResult(outcome.status, outcome.rev, outcome.created, outcome.state, partner_record,
                                outcome.seq)
    return results, guard.scope


def save_record(c: Container, user: User, scope: Scope, record_id: str, payload) -> SaveResult:
    (result,), _ = save_records(c, user, scope, [(record_id, payload)])
    if isinstance(result, DomainError):
        raise result
    return result


def _tell_others(c: Container, user: User, case: Case, outcome: Outcome) -> None:
    """A conflict concerns its author and the author of the version it conflicts with; a monitoring report that
    became final concerns the case's team."""
    state = outcome.state
    if outcome.status == "conflict":
        notifications.notify(c, [user.id, state.head.saved_by], "conflict", case_id=case.id, record_id=state.id)
        return
    head, previous = state.head, state.revisions[-2] if len(state.revisions) > 1 else None
    if report_period(head.form_id, head.status, head.data) and not (
            previous and report_period(previous.form_id, previous.status, previous.data)):
        monitoring.report_filed(c, user, case, state.id)


def record_view(scope: Scope, state: RecordState) -> dict:
    """The record as the API shows it to a user: `read_only` when the user may read it and not change it (a
    partner's record on the counselling side, a handed-over record on the partner's)."""
    return {**state.view(), "read_only": not scope.may_write_record(state)}


def get_record(c: Container, user: User, scope: Scope, record_id: str) -> RecordState:
    state = c.store.get_record(record_id.lower()) if not uuid_error(record_id, "") else None
    if state is None or not scope.sees_record(state):
        raise NotFound(N_("No such record."))
    audit.record(c, user, "read_record", case_id=state.case_id, record_id=state.id)
    return state
