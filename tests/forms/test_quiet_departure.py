"""Departure without support (I-24): contact details of a local organisation are always given."""
import pytest

FORM = "quiet-departure"
VALID = {
    "departed_on": "2024-04-18",
    "local_contact_given": True,
    "local_organisations": ["bg-la-strada"],
    "phone_contact_offered": True,
    "phone_contact_on": "2024-06-01",
    "notes": "Left for Sofia by bus.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


@pytest.mark.parametrize("pointer", ["/departed_on", "/local_contact_given"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/local_contact_given", "ja", "Wrong type: expected %(type)s."),
    # "(always!)": the confirmation must be true, not only present.
    ("/local_contact_given", False, "Choose one of the allowed options."),
    ("/phone_contact_on", "in June", "Not a valid %(format)s value."),
    ("/local_organisations", "bg-la-strada", "Wrong type: expected %(type)s."),
    ("/notes", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/destination", "Sofia", "Unknown field."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
