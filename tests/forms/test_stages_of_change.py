"""Stages of change with the motivation score (I-15): any time, typically steps 3 and 7."""
import pytest

FORM = "stages-of-change"
VALID = {
    "assessed_on": "2024-03-12",
    "stage": "contemplation",
    "motivation_score": 4,
    "notes": "Many doubts about what her family will say.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


@pytest.mark.parametrize("score", [0, 7, 10])
def test_motivation_score_runs_from_zero_to_ten(errors, changed, score):
    assert errors(FORM, changed(VALID, "/motivation_score", score)) == []


@pytest.mark.parametrize("pointer", ["/assessed_on", "/stage"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/motivation_score", 11, "Must be at most %(limit)s."),
    ("/motivation_score", -1, "Must be at least %(limit)s."),
    ("/motivation_score", 7.5, "Wrong type: expected %(type)s."),
    ("/stage", "denial", "Choose one of the allowed options."),
    ("/notes", "x" * 20001, "Too long: at most %(limit)s characters."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
