"""Action plan for short-term goals (I-9, steps 4, 6 and 9): who is responsible for what, when and where."""
import pytest

FORM = "short-term-action-plan"
VALID = {
    "step": "NL-6",
    "drawn_up_on": "2024-04-01",
    "goals": [{
        "goal": "I want to know what the partner organisation can do for me.",
        "kind": "partner_skype",
        "domain": "safety",
        "origin": "future_conversation",
        "actions": [{"what": "Skype call with the partner's social worker", "who": "Counsellor and client",
                     "when": "2024-04-15", "where": "Shelter office", "done": False}],
        "status": "in_progress",
        "evaluated_on": "2024-05-01",
        "evaluation": "Call held; second call planned.",
    }],
    "notes": "Plan supplemented after the future conversation.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


@pytest.mark.parametrize("pointer", ["/step", "/drawn_up_on", "/goals", "/goals/0/goal", "/goals/0/actions/0/what"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/step", "NL-5", "Choose one of the allowed options."),
    ("/goals/0/status", "done", "Choose one of the allowed options."),
    ("/goals/0/domain", "housing", "Choose one of the allowed options."),
    ("/goals/0/actions/0/when", "next week", "Not a valid %(format)s value."),
    ("/goals/0/actions/0/done", "no", "Wrong type: expected %(type)s."),
    ("/goals", {"goal": "one goal"}, "Wrong type: expected %(type)s."),
    ("/goals/0/goal", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/goals/0/actions/0/who", "x" * 501, "Too long: at most %(limit)s characters."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
