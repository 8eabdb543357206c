"""Family contact (I-21, re-integration step 5): explicit consent and the risk check before any contact."""
import pytest

FORM = "family-contact"
RISK_CHECK = {key: {"answer": "nee"} for key in (
    "family_involved", "other_violence", "witnessed_violence", "family_attitude", "social_competence", "means",
    "other")}
RISK_CHECK["family_attitude"] = {"answer": "onbekend", "explanation": "Mother may blame her; to be explored."}
VALID = {
    "recorded_on": "2024-10-02",
    "consent": "ja",
    "consent_date": "2024-09-30",
    "risk_check": RISK_CHECK,
    "talk_modes": ["family_only", "with_client"],
    "talks_held_by": "counsellor",
    "shareable_information": "That she worked abroad and came back to learn a trade. Nothing about the exploitation.",
    "family_receives": ["emotional_support", "guidelines"],
    "talks": [{"date": "2024-10-10", "mode": "family_only", "participants": "Mother, sister",
               "notes": "Calm; mother wants to help."}],
    "notes": "",
}

DRAFT_ONLY = "With this answer the record can only be kept as a draft."


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_without_consent_a_record_cannot_be_final_but_a_draft_can_be_kept(errors):
    refused = {"recorded_on": "2024-10-02", "consent": "nee"}
    assert errors(FORM, refused) == [("/consent", DRAFT_ONLY)]
    assert errors(FORM, refused, "draft") == []
    assert errors(FORM, {**VALID, "consent": "nee"}) == [("/consent", DRAFT_ONLY)]
    assert errors(FORM, {**VALID, "consent": "nee"}, "draft") == []


def test_version_1_records_without_consent_still_validate(errors):
    assert errors(FORM + "@1", {"recorded_on": "2024-10-02", "consent": "nee"}) == []


@pytest.mark.parametrize("pointer", [
    "/recorded_on", "/consent", "/consent_date", "/risk_check", "/risk_check/means", "/risk_check/means/answer",
    "/talks/0/date"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/consent", "verbal", "Choose one of the allowed options."),
    ("/risk_check/family_involved/answer", "yes", "Choose one of the allowed options."),
    ("/talk_modes/0", "by_phone", "Choose one of the allowed options."),
    ("/talks/0/date", "yesterday", "Not a valid %(format)s value."),
    ("/talks", {"date": "2024-10-10"}, "Wrong type: expected %(type)s."),
    ("/shareable_information", "x" * 20001, "Too long: at most %(limit)s characters."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
