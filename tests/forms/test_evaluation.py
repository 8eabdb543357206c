"""Interim changes and evaluation (I-16, step 7): repeatable whenever something changes."""
import pytest

FORM = "evaluation"
VALID = {
    "evaluated_on": "2024-06-05",
    "trigger": "ind_decision",
    "what_changed": "The IND rejected the application.",
    "ind_decision": "negative",
    "objection_or_appeal": "objection",
    "children": "Her daughter sleeps badly since the letter came.",
    "illegality_considered": True,
    "illegality": "She knows nobody who lives without papers.",
    "follow_up": ["overview_1", "risk_analysis", "safety_plan", "partner_contact"],
    "consequences": "New goal: talk with IOM.",
    "notes": "Lawyer advises objection.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


@pytest.mark.parametrize("pointer", ["/evaluated_on", "/trigger", "/what_changed", "/ind_decision"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


def test_other_trigger_needs_its_description(errors, changed):
    assert errors(FORM, changed(VALID, "/trigger", "other")) == [("/trigger_other", "This field is required.")]


def test_new_risk_is_a_reason_to_evaluate(errors, changed, without):
    record = without(without(changed(VALID, "/trigger", "new_risk"), "/ind_decision"), "/objection_or_appeal")
    assert errors(FORM, record) == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/trigger", "holiday", "Choose one of the allowed options."),
    ("/objection_or_appeal", "court", "Choose one of the allowed options."),
    ("/follow_up/1", "overview_3", "Choose one of the allowed options."),
    ("/illegality_considered", "ja", "Wrong type: expected %(type)s."),
    ("/what_changed", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/evaluated_on", "05-06-2024", "Not a valid %(format)s value."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
