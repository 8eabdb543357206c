"""Return file (I-23, step 10): allowance received and the organisation the client returns through."""
import pytest

FORM = "return-file"
VALID = {
    "opened_on": "2024-06-20",
    "return_organisations": ["iom", "partner"],
    "organisations": ["nl-iom-den-haag"],
    "client_wish": "Return with IOM; guidance by the partner in Benin City.",
    "allowance_amount": 1500,
    "allowance_currency": "EUR",
    "allowance_form": ["in_kind", "course"],
    "agreed_purpose": "Sewing course and a sewing machine.",
    "receiving_organisation": ["ng-cosudow"],
    "transferred_on": "2024-07-15",
    "monitoring_agreed": "ja",
    "notes": "",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


@pytest.mark.parametrize("pointer", ["/opened_on", "/return_organisations"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/allowance_amount", -10, "Must be at least %(limit)s."),
    ("/allowance_currency", "E1R", "Not in the expected form."),
    ("/return_organisations/0", "unhcr", "Choose one of the allowed options."),
    ("/monitoring_agreed", "yes", "Choose one of the allowed options."),
    ("/receiving_organisation", "ng-cosudow", "Wrong type: expected %(type)s."),
    ("/agreed_purpose", "x" * 20001, "Too long: at most %(limit)s characters."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
