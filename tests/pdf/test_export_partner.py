"""A partner organisation prints what was handed over to it, and learns no more from the PDF than from the API:
not the client code, not the records that were not handed over."""
from __future__ import annotations

import pytest

from app.services import accounts
from tests.api.partners import FAST_HASHER, add_org, add_user, handover_body, new_record
from tests.conftest import Api

from .helpers import has, pdf_text, save_artifact

CODE = "SECRETCODE77"
PLAN = "PLANMARKER4711"
INTAKE = "INTAKEMARKER0815"


@pytest.fixture
def handed_over(app, monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", FAST_HASHER)
    add_org(app, "shelter-a", "counselling", "NL")
    add_org(app, "animus", "partner", "BG")
    anna = Api(app, add_user(app, "anna@shelter-a.nl", "shelter-a", "counsellor"))
    petya = Api(app, add_user(app, "petya@animus.bg", "animus", "partner"))
    case_id = anna.new_case(country="BG", code=CODE)
    plan = new_record(anna, case_id, {"status": "b8_3", "status_note": PLAN})
    intake = new_record(anna, case_id, {"status": "b8_3", "status_note": INTAKE})
    r = anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("animus", [plan]))
    assert r.status_code == 201, r.json
    return petya, case_id, plan, intake


def test_a_partner_prints_the_handed_over_records_under_the_case_number(engine, handed_over):
    petya, case_id, plan, intake = handed_over
    dossier = petya.get(f"/api/v1/cases/{case_id}/pdf?lang=bg&lang2=en")
    assert dossier.status_code == 200, dossier.get_json()
    save_artifact(f"partner-dossier-{engine}", dossier.data)
    text = pdf_text(dossier.data)
    assert has(text, PLAN) and not has(text, INTAKE) and not has(text, CODE)
    assert has(text, "Case number") and has(text, case_id[:8])
    assert CODE not in dossier.headers["Content-Disposition"]
    assert dossier.headers["Content-Disposition"].startswith(f'attachment; filename="dossier_{case_id[:8]}_')
    record = petya.get(f"/api/v1/records/{plan}/pdf?lang=en")
    assert record.status_code == 200 and CODE not in record.headers["Content-Disposition"]
    assert not has(pdf_text(record.data), CODE)
    assert petya.get(f"/api/v1/records/{intake}/pdf?lang=en").status_code == 404
    assert petya.get(f"/api/v1/cases/{case_id}/pdf?lang=en&records={intake}").status_code == 404
