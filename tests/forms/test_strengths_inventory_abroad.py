"""Strengths inventory abroad (I-8, re-integration step 3): same life-domain keys, the Ch. 7 labels."""
import pytest

FORM = "strengths-inventory-abroad"
VALID = {
    "recorded_on": "2024-09-03",
    "used_inputs": ["return_action_plan", "genogram"],
    "domains": {
        "activities_work_education": {
            "wishes": "Open a small tailoring shop.",
            "i_am": "Patient.",
            "i_can": "Sew and repair clothes.",
            "i_have": "A sewing machine from the return budget.",
            "i_want": "To earn my own money.",
            "i_know": "Which market stalls sell fabric.",
            "past_resources": "Worked for an aunt before leaving.",
            "priority": True,
        },
        "meaning": {"i_want": "To go to church again."},
    },
    "resource_kinds": ["socio_economic", "institutional"],
    "summary": "Her skills and her aunt's shop are the main sources of strength.",
    "notes": "Reviewed with the partner's social worker.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_life_domain_keys_match_the_netherlands_variant(registry):
    nl = registry.get("strengths-inventory").schema["properties"]["domains"]["properties"]
    abroad = registry.get(FORM).schema["properties"]["domains"]["properties"]
    assert list(nl) == list(abroad)
    assert [d["title"] for d in nl.values()] != [d["title"] for d in abroad.values()]


def test_missing_date_blocks_final_but_not_draft(errors, without):
    record = without(VALID, "/recorded_on")
    assert errors(FORM, record) == [("/recorded_on", "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/used_inputs/0", "passport", "Choose one of the allowed options."),
    ("/used_inputs", "genogram", "Wrong type: expected %(type)s."),
    ("/domains/meaning/i_want", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/wish_to_return", "ja", "Unknown field."),
    ("/recorded_on", "3 September", "Not a valid %(format)s value."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
