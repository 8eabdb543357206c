"""Provisional decision (I-17, step 8): the client's provisional choice; its options route the case."""
import pytest

FORM = "provisional-decision"
VALID = {
    "decided_on": "2024-05-02",
    "decision": "stay_no_lawful_residence",
    "after_lawful_residence": "family_location",
    "reasons": "Wants the children to finish the school year here.",
    "weighing_factors": "Safety in the country of origin scored very negative.",
    "consequences": "Short-term goal: prepare the move to the family location.",
    "notes": "Explained with an interpreter.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


@pytest.mark.parametrize("pointer", ["/decided_on", "/decision", "/after_lawful_residence"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


def test_other_decision_needs_its_description(errors, changed):
    assert errors(FORM, changed(VALID, "/decision", "other")) == [("/decision_other", "This field is required.")]


@pytest.mark.parametrize("pointer, value, message", [
    ("/decision", "emigrate", "Choose one of the allowed options."),
    ("/after_lawful_residence", "shelter", "Choose one of the allowed options."),
    ("/decided_on", "2024-13-45", "Not a valid %(format)s value."),
    ("/reasons", ["a list"], "Wrong type: expected %(type)s."),
    ("/notes", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/decision_other", "x" * 501, "Too long: at most %(limit)s characters."),
    ("/verdict", "return", "Unknown field."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
