"""The case workflow (seed-spec §2.3) against the real instrument schemas in forms/."""
from pathlib import Path

import pytest

from app.domain.errors import Invalid
from app.domain.forms import FormRegistry
from app.domain.workflow import (END_STATES, NL_STEPS, STEP_BY_ID, STEPS, case_progress, instruments_by_step,
                                 next_moves, require_step_change)

FORMS = FormRegistry(Path(__file__).resolve().parents[2] / "forms")


def record(form_id, data, status="final", saved_at="2024-01-01T10:00:00Z", rid=None):
    return {"id": rid or f"{form_id}-{saved_at}", "form_id": form_id, "status": status, "data": data,
            "saved_at": saved_at}


def refusal(current, target, records=(), handed_over=False):
    """The msgid saying why the change is refused, or None when it is allowed."""
    try:
        require_step_change(current, target, records, handed_over=handed_over)
    except Invalid as e:
        assert [err["path"] for err in e.errors] == ["/step"]
        return e.errors[0]["message"]
    return None


NOT_ON_THE_PATH = "The methodology does not lead from the current step to this one."
NO_DECISION = "First record the provisional decision (step 8) as final."


def test_steps_keep_their_ids_and_the_source_numbering():
    assert STEPS == tuple(f"NL-{i}" for i in range(1, 13)) + tuple(f"R-{i}" for i in range(1, 7))
    assert [STEP_BY_ID[s].number for s in ("NL-12", "R-1", "R-6")] == [12, 1, 6]


def test_the_schemas_still_hold_the_answers_that_steer_the_workflow():
    decision = FORMS.get("provisional-decision").schema["properties"]["decision"]["enum"]
    assert "return" in decision and len(decision) > 1
    for form_id in ("step2-information", "strengths-inventory"):
        assert "ja" in FORMS.get(form_id).schema["properties"]["wish_to_return"]["enum"]
    monitoring = FORMS.get("monitoring-report").schema["properties"]
    assert monitoring["period"]["enum"] == [6, 12]
    assert monitoring["monitoring_ends"]["type"] == monitoring["client_declines"]["type"] == "boolean"
    assert FORMS.get("quiet-departure").schema["x-step"] == []


def test_instruments_belong_to_the_steps_their_schemas_name():
    by_step = {step: [f.id for f in forms] for step, forms in instruments_by_step(FORMS.current()).items()}
    assert "provisional-decision" in by_step["NL-8"]
    assert "evaluation" in by_step["NL-7"]
    assert {"short-term-action-plan"} <= set(by_step["NL-4"]) & set(by_step["NL-6"]) & set(by_step["NL-9"])
    assert {"strengths-inventory-abroad", "genogram", "ecogram"} <= set(by_step["R-3"])
    assert "monitoring-report" in by_step["R-6"]
    assert not any("quiet-departure" in ids for ids in by_step.values())


@pytest.mark.parametrize("current, target", [("NL-1", "NL-2"), ("NL-5", "NL-6"), ("NL-7", "NL-8"),
                                             ("NL-10", "NL-11"), ("NL-11", "NL-12"), ("R-1", "R-2"), ("R-5", "R-6")])
def test_the_next_step_is_always_allowed(current, target):
    assert refusal(current, target) is None


@pytest.mark.parametrize("current, target", [("NL-1", "NL-3"), ("NL-6", "NL-5"), ("NL-9", "NL-10"),
                                             ("NL-12", "R-2"), ("R-2", "NL-3"), ("R-6", "R-5")])
def test_steps_off_the_flowchart_are_refused(current, target):
    assert refusal(current, target) == NOT_ON_THE_PATH


@pytest.mark.parametrize("current", ["NL-2", "NL-3"])
def test_shortcut_to_the_return_plan_needs_the_recorded_wish_to_return(current):
    assert refusal(current, "NL-10") == (
        "First record that the client wishes to return from the start (step 2 talk or strengths inventory).")
    wish = record("step2-information", {"wish_to_return": "ja"}, status="draft")
    assert refusal(current, "NL-10", [wish]) is None


def test_the_latest_answer_about_the_wish_to_return_counts():
    said_yes = record("step2-information", {"wish_to_return": "ja"}, saved_at="2024-01-01T10:00:00Z")
    said_no = record("strengths-inventory", {"wish_to_return": "nee"}, saved_at="2024-02-01T10:00:00Z")
    assert refusal("NL-3", "NL-10", [said_no, said_yes]) is not None
    assert refusal("NL-3", "NL-10", [said_yes]) is None


def test_no_shortcut_to_the_return_plan_after_step_3():
    wish = record("step2-information", {"wish_to_return": "ja"})
    assert refusal("NL-4", "NL-10", [wish]) == NOT_ON_THE_PATH


@pytest.mark.parametrize("decision, allowed, refused", [
    ("return", "NL-10", "NL-9"),
    ("stay_permit", "NL-9", "NL-10"),
    ("stay_no_lawful_residence", "NL-9", "NL-10"),
    ("undecided", "NL-9", "NL-10"),
    ("other", "NL-9", "NL-10"),
])
def test_the_provisional_decision_routes_the_case(decision, allowed, refused):
    records = [record("provisional-decision", {"decided_on": "2024-05-01", "decision": decision})]
    assert refusal("NL-8", allowed, records) is None
    assert refusal("NL-8", refused, records) in (
        "The latest provisional decision is not to return.",
        "The latest provisional decision is to return: the next step is step 10.")


def test_routing_needs_a_final_decision():
    draft = record("provisional-decision", {"decision": "return"}, status="draft")
    assert refusal("NL-8", "NL-10", [draft]) == NO_DECISION
    assert refusal("NL-8", "NL-9", []) == NO_DECISION


def test_the_latest_final_decision_routes():
    older = record("provisional-decision", {"decision": "return"}, saved_at="2024-05-01T09:00:00Z")
    newer = record("provisional-decision", {"decision": "stay_litigating"}, saved_at="2024-07-01T09:00:00Z")
    assert refusal("NL-8", "NL-9", [newer, older]) is None
    assert refusal("NL-8", "NL-10", [newer, older]) == "The latest provisional decision is not to return."


@pytest.mark.parametrize("current", ["NL-4", "NL-5", "NL-6", "NL-8", "NL-9", "NL-10", "NL-11"])
def test_step_7_can_be_entered_again_whenever_something_changes(current):
    assert refusal(current, "NL-7") is None


@pytest.mark.parametrize("current", ["NL-1", "NL-2", "NL-3", "NL-12", "R-1"])
def test_step_7_is_not_reachable_before_step_4_or_after_departure(current):
    assert refusal(current, "NL-7") == NOT_ON_THE_PATH


def test_a_step_change_must_change_the_step():
    assert refusal("NL-7", "NL-7") == "The case is already at this step."


def test_new_short_term_plans_loop_back_abroad():
    assert refusal("R-5", "R-4") is None
    assert refusal("R-4", "R-5") is None


def test_the_partner_takes_over_only_after_a_consented_handover():
    assert refusal("NL-12", "R-1") == (
        "A partner organisation takes over only after a handover with the client's consent.")
    assert refusal("NL-12", "R-1", handed_over=True) is None
    assert refusal("NL-12", "closed_returned_no_partner") is None


@pytest.mark.parametrize("current", ["NL-1", "NL-5", "NL-8", "NL-12"])
def test_a_quiet_departure_ends_the_case_from_any_step_in_the_netherlands(current):
    assert refusal(current, "closed_quiet_departure") == "First record the departure without support as final."
    departure = record("quiet-departure", {"departed_on": "2024-04-18", "local_contact_given": True})
    assert refusal(current, "closed_quiet_departure", [departure]) is None


def test_a_quiet_departure_is_no_end_abroad():
    departure = record("quiet-departure", {"departed_on": "2024-04-18", "local_contact_given": True})
    assert refusal("R-2", "closed_quiet_departure", [departure]) == NOT_ON_THE_PATH


@pytest.mark.parametrize("report, ends", [
    ({"period": 6}, False),
    ({"period": 6, "client_declines": True}, True),
    ({"period": 6, "monitoring_ends": True}, True),
    ({"period": 12}, True),
])
def test_monitoring_ends_with_the_year_report_or_earlier_when_a_report_says_so(report, ends):
    problem = refusal("R-6", "closed_after_monitoring", [record("monitoring-report", report)])
    assert (problem is None) is ends


def test_a_draft_year_report_does_not_end_monitoring():
    assert refusal("R-6", "closed_after_monitoring", [record("monitoring-report", {"period": 12}, "draft")]) is not None


def test_stay_outcomes_close_the_case_from_step_9_only():
    for end in ("closed_stay_permit", "closed_stay_litigating", "closed_irregular_stay",
                "closed_family_location_or_vbl"):
        assert refusal("NL-9", end) is None
        assert refusal("NL-8", end) == NOT_ON_THE_PATH


def test_a_closed_case_goes_nowhere_and_any_open_case_can_close():
    for step in STEPS:
        assert refusal(step, "closed_other") is None
    for end in END_STATES:
        assert refusal(end, "NL-1") == "The case is closed."


def test_unknown_targets_are_refused():
    assert refusal("NL-1", "NL-13") == "Unknown step."
    assert refusal("NL-1", None) == "Unknown step."


def test_next_moves_say_which_are_open_now_and_why_not():
    records = [record("provisional-decision", {"decision": "return"})]
    moves = {m["target"]: m for m in next_moves("NL-8", records)}
    assert set(moves) == {"NL-7", "NL-9", "NL-10", "closed_quiet_departure", "closed_other"}
    assert moves["NL-10"]["allowed"] and moves["NL-10"]["problem"] is None
    assert not moves["NL-9"]["allowed"]
    assert moves["NL-9"]["problem"] == "The latest provisional decision is to return: the next step is step 10."
    assert moves["NL-10"]["label"] == "Provisional decision: return"


def statuses(progress, step):
    entry = next(s for s in progress["steps"] if s["id"] == step)
    return {i["form_id"]: i["status"] for i in entry["instruments"]}


def test_progress_shows_filled_draft_missing_and_optional_instruments_per_step():
    records = [
        record("step2-information", {"talk_on": "2024-01-20"}, rid="talk"),
        record("short-term-action-plan", {"step": "NL-6"}, status="draft", rid="plan6"),
        record("genogram", {"drawn_up_on": "2024-03-01"}, status="draft", rid="geno"),
    ]
    progress = case_progress("NL-6", records, FORMS.current(), visited=["NL-1", "NL-2", "NL-3", "NL-4", "NL-5"])
    assert progress["current"] == "NL-6" and not progress["closed"]
    assert progress["title"] == "Supplementing the action plan for short-term goals"
    assert statuses(progress, "NL-2")["step2-information"] == "final"
    assert statuses(progress, "NL-6")["short-term-action-plan"] == "draft"
    assert statuses(progress, "NL-4")["short-term-action-plan"] == "missing"
    assert statuses(progress, "NL-3") == {"strengths-inventory": "missing", "stages-of-change": "optional",
                                          "genogram": "draft", "ecogram": "optional"}
    assert statuses(progress, "R-3")["ecogram"] == "missing"
    steps = {s["id"]: s for s in progress["steps"]}
    assert [s for s in steps if steps[s]["current"]] == ["NL-6"]
    assert [s for s in steps if steps[s]["visited"]] == ["NL-1", "NL-2", "NL-3", "NL-4", "NL-5", "NL-6"]
    assert next(i for i in steps["NL-6"]["instruments"] if i["form_id"] == "short-term-action-plan")[
        "record_ids"] == ["plan6"]


def test_a_record_without_its_step_answer_counts_for_every_step_of_its_instrument():
    progress = case_progress("NL-4", [record("short-term-action-plan", {}, status="draft")], FORMS.current())
    for step in ("NL-4", "NL-6", "NL-9"):
        assert statuses(progress, step)["short-term-action-plan"] == "draft"


def test_a_final_record_outweighs_a_draft_of_the_same_instrument():
    records = [record("evaluation", {}, status="draft", rid="a"), record("evaluation", {}, rid="b")]
    assert statuses(case_progress("NL-7", records, FORMS.current()), "NL-7")["evaluation"] == "final"


def test_progress_of_a_closed_case():
    progress = case_progress("closed_after_monitoring", [], FORMS.current())
    assert progress["closed"] and progress["title"] == "Closed: monitoring after the return has ended"
    assert not any(s["current"] for s in progress["steps"])
    assert len(progress["steps"]) == len(NL_STEPS) + 6
