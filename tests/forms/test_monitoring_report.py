"""Monitoring report (I-22, re-integration step 6): one instrument, period 6 or 12 months."""
import pytest

FORM = "monitoring-report"
VALID = {
    "period": 6,
    "reported_on": "2025-02-01",
    "returned_on": "2024-08-01",
    "reporting_organisation": "Animus Association",
    "last_contact": "2025-01-20",
    "wellbeing": "Lives with her aunt, feels safe, sleeps better.",
    "reintegration_result": "Finished the course; sells at the market twice a week.",
    "budget_spending": "Sewing machine and fabric bought.",
    "budget_spent": 640.5,
    "budget_currency": "EUR",
    "client_declines": False,
    "monitoring_ends": False,
    "next_steps": "Next report after a year.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_the_year_report_is_the_same_instrument(errors, changed):
    assert errors(FORM, changed(VALID, "/period", 12)) == []


@pytest.mark.parametrize("pointer", ["/period", "/reported_on", "/wellbeing", "/reintegration_result"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/period", 9, "Choose one of the allowed options."),
    ("/budget_spent", -1, "Must be at least %(limit)s."),
    ("/budget_spent", "640", "Wrong type: expected %(type)s."),
    ("/budget_currency", "eur", "Not in the expected form."),
    ("/reintegration_result", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/monitoring_ends", "ja", "Wrong type: expected %(type)s."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
