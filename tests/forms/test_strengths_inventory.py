"""Strengths inventory, Netherlands (I-8, step 3): 10 life domains × I am / I can / I have / I want / I know."""
import pytest

FORM = "strengths-inventory"
DOMAIN = {
    "wishes": "Wants to feel safe going outside again.",
    "i_am": "Careful, determined.",
    "i_can": "Recognise when someone follows me.",
    "i_have": "A friend in the shelter who walks with me.",
    "i_want": "To take a self-defence course.",
    "i_know": "Where the police station is.",
    "past_resources": "At home, her brother protected her.",
    "priority": True,
}
VALID = {
    "recorded_on": "2024-02-10",
    "wish_to_return": "nee",
    "domains": {"safety": DOMAIN, "children": {"wishes": "Her son goes to school.", "priority": False}},
    "resource_kinds": ["individual", "relational"],
    "summary": "Draws strength from her faith and her son.",
    "notes": "First session, to be continued.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_every_life_domain_has_the_five_kinds_of_strengths(registry):
    domains = registry.get(FORM).schema["properties"]["domains"]["properties"]
    assert len(domains) == 10
    for domain in domains.values():
        assert {"i_am", "i_can", "i_have", "i_want", "i_know"} <= set(domain["properties"])


def test_missing_date_blocks_final_but_not_draft(errors, without):
    record = without(VALID, "/recorded_on")
    assert errors(FORM, record) == [("/recorded_on", "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/wish_to_return", "maybe", "Choose one of the allowed options."),
    ("/resource_kinds/1", "spiritual", "Choose one of the allowed options."),
    ("/resource_kinds", ["individual", "individual"], "An option is chosen twice."),
    ("/domains/safety/priority", "yes", "Wrong type: expected %(type)s."),
    ("/domains/safety/i_am", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/domains/housing", {"wishes": "A room of her own."}, "Unknown field."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
