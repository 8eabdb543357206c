"""Inventory of first needs abroad (I-19, re-integration step 1)."""
import pytest

FORM = "first-needs"
VALID = {
    "assessed_on": "2024-08-02",
    "topics": {
        "safety": {"needs_attention": "ja", "findings": "The trafficker's cousin lives in the same town."},
        "health": {"needs_attention": "nee", "findings": "Healthy."},
        "emergency_needs": {"needs_attention": "ja", "findings": "Needs shelter for the first weeks."},
        "other_urgent": {"needs_attention": "onbekend"},
    },
    "agreement": "Stays in the partner's shelter; meets the social worker weekly.",
    "safety_plan_made": "ja",
    "safety_information_used": True,
    "clear_information": True,
    "outcome": "referred",
    "referral_organisations": ["bg-animus-association"],
    "referral_other": "",
    "referral_consent": "ja",
    "contact_details_given": True,
    "notes": "Welcome home party planned.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_all_ten_topics_of_the_source_are_there(registry):
    assert len(registry.get(FORM).schema["properties"]["topics"]["properties"]) == 10


@pytest.mark.parametrize("pointer", ["/assessed_on", "/outcome", "/agreement", "/referral_consent"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


def test_a_client_without_further_help_must_get_the_contact_details(errors, changed, without):
    record = without(changed(VALID, "/outcome", "no_further_help"), "/contact_details_given")
    assert errors(FORM, record) == [("/contact_details_given", "This field is required.")]


@pytest.mark.parametrize("pointer, value, message", [
    ("/topics/safety/needs_attention", "misschien", "Choose one of the allowed options."),
    ("/outcome", "returned_to_nl", "Choose one of the allowed options."),
    ("/safety_information_used", "ja", "Wrong type: expected %(type)s."),
    ("/referral_organisations/0", "x" * 101, "Too long: at most %(limit)s characters."),
    ("/topics/housing", {"findings": "n/a"}, "Unknown field."),
    ("/agreement", "x" * 20001, "Too long: at most %(limit)s characters."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
