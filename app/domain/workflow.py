"""The methodology's workflow (seed-spec §2): its steps, the instruments of each step, the step changes it allows,
and where a case stands.

Steps NL-1…NL-12 are the Netherlands (Ch. 5–6), R-1…R-6 the re-integration abroad (Ch. 7, which numbers again from
1). Which instruments belong to a step comes from the schemas (`x-step`, `x-optionalIn`, `x-stepField`, see
forms/README.md). Records are passed as their API views (`RecordState.view()`): dicts with `id`, `form_id`,
`status`, `data` and `saved_at`. Titles and refusals are English msgids of the `messages` domain.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from .errors import N_, Invalid
from .forms import Form


@dataclass(frozen=True)
class Step:
    id: str
    number: int  # the source's own numbering, shown to users
    phase: str  # "nl" or "abroad"
    title: str  # msgid


STEP_LIST = (
    Step("NL-1", 1, "nl", N_("First needs and safety")),
    Step("NL-2", 2, "nl", N_("First counselling talks and information")),
    Step("NL-3", 3, "nl", N_("Strengths inventory: inventorying wishes, ambitions, strengths and resources")),
    Step("NL-4", 4, "nl", N_("Action plan for short-term goals")),
    Step("NL-5", 5, "nl", N_("Future conversation")),
    Step("NL-6", 6, "nl", N_("Supplementing the action plan for short-term goals")),
    Step("NL-7", 7, "nl", N_("Interim changes and evaluation")),
    Step("NL-8", 8, "nl", N_("Provisional decision")),
    Step("NL-9", 9, "nl", N_("Back to the action plan for short-term goals")),
    Step("NL-10", 10, "nl", N_("Personal Return Action Plan")),
    Step("NL-11", 11, "nl", N_("Update of the risk inventory")),
    Step("NL-12", 12, "nl", N_("Handover, departure, reception and monitoring")),
    Step("R-1", 1, "abroad", N_("Attention to safety and first necessities of life")),
    Step("R-2", 2, "abroad", N_("Legal matters")),
    Step("R-3", 3, "abroad", N_("Strengths inventory")),
    Step("R-4", 4, "abroad", N_("Setting goals and making an action plan")),
    Step("R-5", 5, "abroad", N_("Strengthening personal and social resources")),
    Step("R-6", 6, "abroad", N_("Monitoring")),
)
STEP_BY_ID = {s.id: s for s in STEP_LIST}
NL_STEPS = tuple(s.id for s in STEP_LIST if s.phase == "nl")
ABROAD_STEPS = tuple(s.id for s in STEP_LIST if s.phase == "abroad")
STEPS = NL_STEPS + ABROAD_STEPS
PHASE_TITLES = {"nl": N_("Shelter and support in the Netherlands"),
                "abroad": N_("Re-integration in the country of origin")}

# Where a case ends (seed-spec §2.3); nothing follows them.
END_STATES = {
    "closed_stay_permit": N_("Closed: stays in the Netherlands with a residence permit"),
    "closed_stay_litigating": N_("Closed: stays in the Netherlands and continues the legal procedures"),
    "closed_irregular_stay": N_("Closed: stays in the Netherlands without lawful residence"),
    "closed_family_location_or_vbl": N_("Closed: moved to a family location or a freedom-restricting location"),
    "closed_quiet_departure": N_("Closed: departed without support"),
    "closed_returned_no_partner": N_("Closed: returned without a partner organisation"),
    "closed_after_monitoring": N_("Closed: monitoring after the return has ended"),
    "closed_other": N_("Closed for another reason"),
}
STATES = STEPS + tuple(END_STATES)

# The forms and answers that steer the workflow; tests/unit/test_workflow.py checks the schemas still have them.
WISH_FORMS = ("step2-information", "strengths-inventory")  # `wish_to_return` == "ja"
DECISION_FORM = "provisional-decision"  # `decision`: "return" or anything else
QUIET_DEPARTURE_FORM = "quiet-departure"
MONITORING_FORM = "monitoring-report"  # `period` 12, `monitoring_ends`, `client_declines`


class _Context:
    """What the guards look at: the case's records (latest last) and whether a consented handover exists."""

    def __init__(self, records: Iterable[Mapping], handed_over: bool):
        self.records = sorted(records, key=lambda r: r.get("saved_at") or "")
        self.handed_over = handed_over

    def of(self, form_ids: Sequence[str], final_only: bool = False) -> list[Mapping]:
        return [r for r in self.records if r["form_id"] in form_ids and (r["status"] == "final" or not final_only)]


Guard = Callable[[_Context], "str | None"]


def _wishes_to_return(ctx: _Context):
    answers = [r["data"]["wish_to_return"] for r in ctx.of(WISH_FORMS) if r["data"].get("wish_to_return")]
    if answers and answers[-1] == "ja":
        return None
    return N_("First record that the client wishes to return from the start (step 2 talk or strengths inventory).")


def _latest_decision(ctx: _Context):
    decisions = ctx.of((DECISION_FORM,), final_only=True)
    return decisions[-1]["data"].get("decision") if decisions else None


def _decided_to_return(ctx: _Context):
    decision = _latest_decision(ctx)
    if decision is None:
        return N_("First record the provisional decision (step 8) as final.")
    return None if decision == "return" else N_("The latest provisional decision is not to return.")


def _decided_otherwise(ctx: _Context):
    decision = _latest_decision(ctx)
    if decision is None:
        return N_("First record the provisional decision (step 8) as final.")
    return N_("The latest provisional decision is to return: the next step is step 10.") if decision == "return" else None


def _partner_takes_over(ctx: _Context):
    return None if ctx.handed_over else N_(
        "A partner organisation takes over only after a handover with the client's consent.")


def _departed_quietly(ctx: _Context):
    return None if ctx.of((QUIET_DEPARTURE_FORM,), final_only=True) else N_(
        "First record the departure without support as final.")


def _monitoring_over(ctx: _Context):
    for report in ctx.of((MONITORING_FORM,), final_only=True):
        data = report["data"]
        if data.get("period") == 12 or data.get("monitoring_ends") is True or data.get("client_declines") is True:
            return None
    return N_("Monitoring ends with the final 12-month report, or earlier when a final report says it ends or the "
              "client declines it.")


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    label: str  # msgid: what taking this move means
    guard: Guard | None = None


def _build_moves() -> tuple[Move, ...]:
    moves: list[Move] = []

    def add(sources, target, label, guard=None):
        moves.extend(Move(source, target, label, guard) for source in sources)

    def chain(steps):
        for source, target in zip(steps, steps[1:]):
            add([source], target, N_("Next step"))

    chain(NL_STEPS[:8])  # NL-1 … NL-8
    chain(("NL-10", "NL-11", "NL-12"))
    chain(ABROAD_STEPS)
    add(["NL-2", "NL-3"], "NL-10", N_("The client wishes to return from the start"), _wishes_to_return)
    add(["NL-4", "NL-5", "NL-6", "NL-8", "NL-9"], "NL-7", N_("Something changed: evaluate again"))
    add(["NL-10", "NL-11"], "NL-7", N_("The client reconsiders the decision to return"))
    add(["NL-8"], "NL-10", N_("Provisional decision: return"), _decided_to_return)
    add(["NL-8"], "NL-9", N_("Provisional decision: stay, undecided or other"), _decided_otherwise)
    add(["NL-12"], "R-1", N_("Departure: the partner organisation takes over"), _partner_takes_over)
    add(["R-5"], "R-4", N_("New short-term plans"))
    for end in ("closed_stay_permit", "closed_stay_litigating", "closed_irregular_stay",
                "closed_family_location_or_vbl"):
        add(["NL-9"], end, N_("Goals reached: the client leaves the shelter"))
    add(["NL-12"], "closed_returned_no_partner", N_("Departure without a partner organisation"))
    add(["R-6"], "closed_after_monitoring", N_("End of monitoring"), _monitoring_over)
    add(NL_STEPS, "closed_quiet_departure", N_("The client leaves without support"), _departed_quietly)
    add(STEPS, "closed_other", N_("Close the case for another reason"))
    return tuple(moves)


MOVES = _build_moves()


def _refusal(current: str, target: str, ctx: _Context) -> str | None:
    if target not in STATES:
        return N_("Unknown step.")
    if current in END_STATES:
        return N_("The case is closed.")
    if target == current:
        return N_("The case is already at this step.")
    move = next((m for m in MOVES if m.source == current and m.target == target), None)
    if move is None:
        return N_("The methodology does not lead from the current step to this one.")
    return move.guard(ctx) if move.guard else None


def require_step_change(current: str, target, records: Iterable[Mapping], *, handed_over: bool = False) -> None:
    """Raise Invalid (at `/step`, saying why) unless the case may move from `current` to `target`."""
    problem = _refusal(current, target, _Context(records, handed_over))
    if problem:
        raise Invalid(N_("This step change is not allowed."), [{"path": "/step", "message": problem, "params": {}}])


def next_moves(current: str, records: Iterable[Mapping], *, handed_over: bool = False) -> list[dict]:
    """Every move out of `current`, each with whether it is allowed now and, if not, why."""
    ctx = _Context(records, handed_over)
    out = []
    for move in MOVES:
        if move.source == current:
            problem = move.guard(ctx) if move.guard else None
            out.append({"target": move.target, "label": move.label, "allowed": problem is None, "problem": problem})
    return out


def _counts_for(form: Form, record: Mapping) -> set[str]:
    """The steps a record counts for: the one its step field names, else every step of its instrument."""
    steps = form.schema.get("x-step", [])
    field = form.schema.get("x-stepField")
    chosen = record["data"].get(field) if field else None
    return {chosen} if chosen in steps else set(steps)


def instruments_by_step(forms: Iterable[Form]) -> dict[str, list[Form]]:
    """step id -> the instruments that belong to it, in the order of `forms`."""
    by_step: dict[str, list[Form]] = {step: [] for step in STEPS}
    for form in forms:
        for step in form.schema.get("x-step", []):
            by_step[step].append(form)
    return by_step


def case_progress(current: str, records: Iterable[Mapping], forms: Iterable[Form],
                  visited: Iterable[str] = ()) -> dict:
    """The client's path for the case view: per step its instruments as final / draft / missing / optional.

    `visited` lists the steps the case has been in (from its history); the current step always counts.
    """
    forms = list(forms)
    by_id = {f.id: f for f in forms}
    per_step: dict[tuple[str, str], list[Mapping]] = {}
    for record in records:
        form = by_id.get(record["form_id"])
        if form is not None:
            for step in _counts_for(form, record):
                per_step.setdefault((step, form.id), []).append(record)
    seen = set(visited) | {current}
    belonging = instruments_by_step(forms)
    steps = []
    for step in STEP_LIST:
        instruments = []
        for form in belonging[step.id]:
            found = per_step.get((step.id, form.id), [])
            if any(r["status"] == "final" for r in found):
                status = "final"
            elif found:
                status = "draft"
            else:
                status = "optional" if step.id in form.schema.get("x-optionalIn", []) else "missing"
            instruments.append({"form_id": form.id, "title": form.title, "status": status,
                                "record_ids": [r["id"] for r in found]})
        steps.append({"id": step.id, "number": step.number, "phase": step.phase, "title": step.title,
                      "current": step.id == current, "visited": step.id in seen, "instruments": instruments})
    return {"current": current, "closed": current in END_STATES, "title": state_title(current), "steps": steps}


def state_title(state: str) -> str:
    """The msgid naming a step or an end state."""
    return STEP_BY_ID[state].title if state in STEP_BY_ID else END_STATES[state]
