"""Legal matters (I-20, re-integration step 2, prepared before return): three checklists."""
import pytest

FORM = "legal-matters"
VALID = {
    "recorded_on": "2024-07-10",
    "victim_type": "both",
    "information_language": "Bulgarian",
    "before_return": {
        "legislation": {"status": "done", "findings": "Yes, both."},
        "trafficking_rights": {"status": "open"},
        "domestic_violence": {"status": "not_applicable"},
    },
    "after_return_trafficking": {"reflection_period": {"status": "done", "findings": "30 days, no questioning."},
                                 "compensation": {"status": "open", "findings": "Ask Animus."}},
    "after_return_domestic_violence": {"restraining_order": {"status": "open"}},
    "notes": "Information exchanged with the partner before departure.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_checklists_hold_every_item_of_the_source(registry):
    props = registry.get(FORM).schema["properties"]
    sizes = [len(props[k]["properties"]) for k in
             ("before_return", "after_return_trafficking", "after_return_domestic_violence")]
    assert sizes == [3, 11, 7]


@pytest.mark.parametrize("pointer", ["/recorded_on", "/victim_type"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/victim_type", "smuggling", "Choose one of the allowed options."),
    ("/before_return/legislation/status", "yes", "Choose one of the allowed options."),
    ("/before_return/legislation", "done", "Wrong type: expected %(type)s."),
    ("/after_return_trafficking/compensation/findings", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/information_language", "x" * 501, "Too long: at most %(limit)s characters."),
    ("/after_return_domestic_violence/divorce", {"status": "open"}, "Unknown field."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
