"""Cases: create (idempotent, device-generated ids), read and list within the user's scope."""
from __future__ import annotations

from dataclasses import asdict

from ..domain.access import Scope
from ..domain.errors import N_, Conflict, Forbidden, Invalid, NotFound
from ..domain.model import Case, User
from ..domain import workflow
from ..domain.scores import overzicht1_history
from ..domain.validation import collect, country_error, string_error, type_error, uuid_error
from ..domain.workflow import STEPS
from ..storage.base import AlreadyExists
from . import audit, handovers
from .container import Container

CASE_FIELDS = {"id", "client_code", "country_of_origin", "step", "counsellor_id"}


# What a partner organisation sees of a handed-over case: not the client code (a pseudonym that may still
# identify the client) and not the Dutch organisation's staff.
PARTNER_CASE_FIELDS = ("id", "org_id", "country_of_origin", "step")


def case_view(case: Case, scope: Scope) -> dict:
    full = asdict(case)
    return full if scope.owns_case(case) else {k: full[k] for k in PARTNER_CASE_FIELDS}


def _parse(payload) -> dict:
    if not isinstance(payload, dict):
        raise Invalid(N_("The case must be a JSON object."), [type_error("", "object")])
    errors = collect(
        uuid_error(payload.get("id"), "/id"),
        string_error(payload.get("client_code"), "/client_code", 64),
        country_error(payload.get("country_of_origin"), "/country_of_origin"),
    )
    if payload.get("step") is not None and payload.get("step") not in STEPS:
        errors.append({"path": "/step", "message": N_("Choose one of the allowed options.")})
    if payload.get("counsellor_id") is not None:
        errors.extend(collect(uuid_error(payload.get("counsellor_id"), "/counsellor_id")))
    errors.extend({"path": f"/{k}", "message": N_("Unknown field.")} for k in payload if k not in CASE_FIELDS)
    if errors:
        raise Invalid(N_("The case is not valid."), errors)
    return payload


def _counsellor_error(c: Container, user: User, counsellor_id: str | None) -> list[dict]:
    """A case's counsellor is someone of the organisation creating it."""
    if counsellor_id is None or counsellor_id.lower() == user.id:
        return []
    counsellor = c.store.get_user(counsellor_id.lower())
    if counsellor is not None and counsellor.org_id == user.org_id:
        return []
    return [{"path": "/counsellor_id", "message": N_("Not a user of your organisation.")}]


def _differences(existing: Case, case: Case) -> list[dict]:
    """What a resent case says otherwise than the stored one (its step and counsellor may have moved on since)."""
    return [{"path": f"/{field}", "message": N_("Differs from the case stored under this id.")}
            for field in ("client_code", "country_of_origin") if getattr(existing, field) != getattr(case, field)]


def create_case(c: Container, user: User, scope: Scope, payload) -> tuple[Case, bool]:
    """Returns (case, created). Resending the same case is harmless: the stored case comes back. A resend that
    names another client code or country is a Conflict: the id is taken."""
    if user.role not in ("counsellor", "coordinator"):
        raise Forbidden(N_("Only counsellors and coordinators create cases."))
    p = _parse(payload)
    errors = _counsellor_error(c, user, p.get("counsellor_id"))
    if errors:
        raise Invalid(N_("The case is not valid."), errors)
    now = c.now()
    case = Case(id=p["id"].lower(), org_id=user.org_id, client_code=p["client_code"].strip(),
                country_of_origin=p["country_of_origin"], step=p.get("step") or "NL-1",
                counsellor_id=(p.get("counsellor_id") or user.id).lower(), created_at=now, updated_at=now, created_by=user.id)
    try:
        # The case and its audit event in one step: a crash never leaves a case whose creation is not audited.
        c.store.create_case(case, [audit.event(c, user, "create_case", case_id=case.id, step=case.step)])
        return case, True
    except AlreadyExists:
        existing = c.store.get_case(case.id)
        if existing is None or not scope.may_write_case(existing):
            raise Forbidden(N_("You may not write this case."))
        differences = _differences(existing, case)
        if differences:
            raise Conflict(N_("A different case already has this id."), differences)
        return existing, False


def get_case(c: Container, user: User, scope: Scope, case_id: str) -> Case:
    case = c.store.get_case(case_id) if not uuid_error(case_id, "") else None
    if case is None or not scope.sees_case(case):
        raise NotFound(N_("No such case."))
    audit.record(c, user, "read_case", case_id=case.id)
    return case


def list_cases(c: Container, scope: Scope) -> list[Case]:
    return c.store.list_cases(scope)


def overview(c: Container, scope: Scope, case: Case) -> dict:
    """The case view: the client's path through the steps, the moves possible now, the Overzicht 1 history."""
    records = [state.view() for state in c.store.list_records(case.id) if scope.sees_record(state) and not state.discarded]
    # The steps the case has been in: where it started and every step change since.
    visited = [step for _, step in c.store.case_steps(Scope(case_ids=frozenset({case.id}))).get(case.id, [])]
    handed_over = _handed_over(c, case)
    moves = [m for m in workflow.next_moves(case.step, records, handed_over=handed_over)
             if _may_move(scope, case, m["target"])]
    return {"progress": workflow.case_progress(case.step, records, c.forms.current(), visited),
            "moves": moves,
            "overzicht1_history": overzicht1_history(records, c.forms.get("overzicht-1"))}


def _handed_over(c: Container, case: Case) -> bool:
    return any(h.active(handovers.today(c)) for h in handovers.for_case(c, case.id))


def _may_move(scope: Scope, case: Case, target) -> bool:
    """The Dutch organisation moves the case along every step; the partner abroad only between the
    re-integration steps."""
    return scope.owns_case(case) or (scope.may_write_case(case) and case.step in workflow.ABROAD_STEPS
                                     and target in workflow.ABROAD_STEPS)


def change_step(c: Container, user: User, scope: Scope, case_id: str, payload) -> Case:
    """Move the case along the methodology's flowchart; refused (422 at /step, saying why) when not allowed.
    The partner abroad moves the re-integration steps; the Dutch organisation every step."""
    case = get_case(c, user, scope, case_id)
    target = payload.get("step") if isinstance(payload, dict) else None
    if not _may_move(scope, case, target):
        raise Forbidden(N_("You may not write this case."))
    records = [state.view() for state in c.store.list_records(case.id) if not state.discarded]
    workflow.require_step_change(case.step, target, records, handed_over=_handed_over(c, case))
    case.step, case.updated_at = target, c.now()
    c.store.update_case(case, [audit.event(c, user, "update_case", case_id=case.id, step=target)])
    return case


def case_records(c: Container, scope: Scope, case: Case) -> list[dict]:
    """A summary of the case's records the user may see (no data), for the case view."""
    out = []
    for state in c.store.list_records(case.id):
        if not scope.sees_record(state) or state.discarded:
            continue
        h = state.head
        out.append({"id": state.id, "form_id": h.form_id, "form_version": h.form_version, "status": h.status,
                    "rev": h.rev, "saved_at": h.saved_at, "conflicts": len(state.open_conflicts)})
    return sorted(out, key=lambda r: r["saved_at"])
