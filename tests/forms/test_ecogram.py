"""Ecogram (I-12), version 1: contacts beyond the family, each tagged with the PAGE support functions."""
import pytest

FORM = "ecogram@1"  # archived: records made with version 1 still validate (version 2: examples/ecogram.v2.json)
VALID = {
    "drawn_up_on": "2024-03-01",
    "contacts": [
        {"name": "M.", "category": "fellow_resident", "relation": "friend in the shelter", "lives_in": "netherlands",
         "support": ["companionship", "emotional"], "strength": "strong", "risk": "nee"},
        {"name": "Pastor K.", "category": "spiritual_counsellor", "lives_in": "country_of_origin",
         "support": ["advice"], "strength": "moderate", "risk": "onbekend", "notes": "Knows the family."},
        {"name": "Ex-employer", "category": "other", "support": [], "strength": "strained", "risk": "ja"},
    ],
    "summary": "M. and the pastor can give useful support.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_support_functions_are_page(registry):
    support = registry.get("ecogram", 1).schema["properties"]["contacts"]["items"]["properties"]["support"]
    assert support["items"]["enum"] == ["practical", "advice", "companionship", "emotional"]


@pytest.mark.parametrize("pointer", ["/drawn_up_on", "/contacts", "/contacts/0/name", "/contacts/0/support"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/contacts/0/support/0", "financial", "Choose one of the allowed options."),
    ("/contacts/0/support", ["advice", "advice"], "An option is chosen twice."),
    ("/contacts/0/strength", "very strong", "Choose one of the allowed options."),
    ("/contacts/0/lives_in", "abroad", "Choose one of the allowed options."),
    ("/contacts/0/name", "x" * 501, "Too long: at most %(limit)s characters."),
    ("/contacts/0/phone", "+359 000", "Unknown field."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
