"""Goals and action plan abroad (I-10, re-integration steps 4 and 5), with social-map organisations."""
import pytest

FORM = "reintegration-plan"
VALID = {
    "drawn_up_on": "2024-09-20",
    "client_ambitions": "Run my own tailoring business and send my son to school.",
    "expected_of_counsellor": "Help with the business plan and the school registration.",
    "long_term_goals": [{
        "goal": "I want to earn my own living with my hands.",
        "domain": "activities_work_education",
        "short_term_goals": [{
            "goal": "Follow the small-business course.",
            "activities": [{"what": "Register for the course", "who": "Client", "when": "2024-10-01",
                            "status": "open"}],
            "status": "open",
        }],
    }],
    "available_resources": "Sewing machine, aunt's market stall.",
    "organisations": ["bg-animus-association", "bg-iom-sofia"],
    "elements": ["socio_economic", "autonomy_safety"],
    "inner_resources": {"trauma_stage": "stage_2"},
    "social_skills": {"risk_behaviour": ["passivity"], "approach": ["self_confidence"],
                      "skills": ["household"], "violence_victims": ["confidentiality"]},
    "income": {"exploitation_risks": True, "focus": ["job_skills", "job_strategy"]},
    "institutional": {"matters": ["children", "income"]},
    "progress": "Registered for the course.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_organisations_are_picked_from_the_social_map(registry):
    assert registry.get(FORM).schema["properties"]["organisations"]["x-socialmap"] is True


@pytest.mark.parametrize("pointer", [
    "/drawn_up_on", "/long_term_goals", "/long_term_goals/0/goal", "/long_term_goals/0/short_term_goals/0/goal",
    "/long_term_goals/0/short_term_goals/0/activities/0/what"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/long_term_goals/0/short_term_goals/0/activities/0/status", "half", "Choose one of the allowed options."),
    ("/long_term_goals/0/domain", "housing", "Choose one of the allowed options."),
    ("/inner_resources/trauma_stage", "stage_4", "Choose one of the allowed options."),
    ("/elements/0", "spiritual", "Choose one of the allowed options."),
    ("/organisations", ["bg-iom-sofia", "bg-iom-sofia"], "An option is chosen twice."),
    ("/organisations/0", 17, "Wrong type: expected %(type)s."),
    ("/income/exploitation_risks", "ja", "Wrong type: expected %(type)s."),
    ("/long_term_goals/0/goal", "x" * 20001, "Too long: at most %(limit)s characters."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
