"""First counselling talks and information (I-14, step 2): reasons explained and recommended activities."""
import pytest

FORM = "step2-information"
VALID = {
    "talk_on": "2024-01-20",
    "help_request": "Fled the trafficker and needs a safe place.",
    "reasons_explained": ["residence_procedure", "informed_choice", "temporary_stay", "prepare_return"],
    "procedure_explained": True,
    "expectations_clear": True,
    "wish_to_return": "onbekend",
    "other_sources": "Her lawyer.",
    "activities": [{"kind": "info_video", "date": "2024-02-01", "organisation": "CoMensha",
                    "notes": "Watched the Nigerian video together."}],
    "notes": "Interpreter by phone.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


@pytest.mark.parametrize("pointer", ["/talk_on", "/reasons_explained", "/activities/0/kind"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/reasons_explained/0", "money", "Choose one of the allowed options."),
    ("/activities/0/kind", "excursion", "Choose one of the allowed options."),
    ("/wish_to_return", "yes", "Choose one of the allowed options."),
    ("/procedure_explained", "yes", "Wrong type: expected %(type)s."),
    ("/help_request", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/activities/0/organisation", "x" * 501, "Too long: at most %(limit)s characters."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
