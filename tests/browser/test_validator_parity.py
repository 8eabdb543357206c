"""The device validates with the same schema as the server and reports the same errors: the same JSON-pointer
paths, msgids and parameters (so one translation serves both). The device's validator runs in Chromium."""
from __future__ import annotations

import json

import pytest

from app.domain.errors import Invalid
from app.domain.forms import FormRegistry
from tests.browser.conftest import PROJECT

pytestmark = pytest.mark.browser

FORMS = FormRegistry(PROJECT / "forms")
SCORES = {f"f{i}": {"score": s} for i, s in enumerate(["--", "-", "+", "++", "+", "-", "++", "--", "+", "-"], 1)}

# (status, data): records that break Overzicht 1 in every way its schema can be broken, and two valid ones.
CASES = [
    ("draft", {"status": "bogus"}),
    ("draft", {"nl": {"f1": {"score": "+++"}}}),
    ("draft", {"occasion": "x" * 501}),
    ("draft", {"nl": {"f1": {"note": "y" * 20001}}}),
    ("draft", {"scored_on": "2024-02-30"}),
    ("draft", {"scored_on": "02-03-2024"}),
    ("draft", {"scored_on": "２０２４-01-01"}),
    ("draft", {"extra": 1, "nl": {"f11": {}}}),
    ("draft", {"nl": {"f1": {"score": "+", "mood": "calm"}}}),
    ("draft", {"nl": "everything is fine"}),
    ("draft", {"occasion": 12, "status_note": ["a"]}),
    ("draft", {"status": None}),
    ("draft", {"nl": {"f1": {"score": 2}}, "coo": {"f2": {"score": True}}}),
    ("draft", {"status": "other"}),
    ("draft", {"totals": {"nl_minus": "not a number"}, "status": "b8_3"}),
    ("final", {}),
    ("final", {"occasion": "   "}),
    ("final", {"status": "other"}),
    ("final", {"status": "other", "status_other": "", "coo": {"f1": {"score": "?"}}}),
    ("final", {"status": "b8_3", "occasion": "z" * 600, "nl": {"f2": {"note": 5}}, "coo": SCORES}),
    ("final", {"status": "undocumented", "nl": SCORES, "coo": SCORES, "scored_on": "2026-01-31"}),
    ("draft", {"nl": {"f1": {"score": "++"}}, "coo": {"f10": {"score": "--"}, "f3": {"score": "-"}}}),
]


def server_side(status: str, data: dict, form_id: str = "overzicht-1") -> tuple[set, dict | None]:
    try:
        prepared = FORMS.prepare(FORMS.get(form_id), data, status)
    except Invalid as e:
        return {(err["path"], err["message"], json.dumps(err["params"], sort_keys=True)) for err in e.errors}, None
    return set(), prepared


DEVICE_SIDE = """async ([schema, cases]) => {
  const { prepare } = await import('/js/schema-validate.js');
  return cases.map(([status, data]) => prepare(schema, data, status));
}"""


def test_device_and_server_report_the_same_errors(device):
    page = device.open().page
    schema = FORMS.get("overzicht-1").schema
    results = page.evaluate(DEVICE_SIDE, [schema, CASES])
    for (status, data), result in zip(CASES, results):
        expected_errors, prepared = server_side(status, data)
        errors = {(e["path"], e["message"], json.dumps(e["params"], sort_keys=True)) for e in result["errors"]}
        assert errors == expected_errors, (status, data)
        if prepared is not None:  # valid on both sides: the same computed totals
            assert result["data"]["totals"] == prepared["totals"]
    assert sum(1 for status, data in CASES if server_side(status, data)[0]) >= 18  # the cases do break the form


def test_every_instrument_uses_only_what_the_device_validator_applies(device):
    page = device.open().page
    schemas = [form.schema for form in FORMS.versions()]
    unsupported = page.evaluate("""async (schemas) => {
      const { unsupportedKeywords } = await import('/js/schema-validate.js');
      return schemas.map((s) => [s['$id'], s.version, unsupportedKeywords(s)]);
    }""", schemas)
    assert [u for u in unsupported if u[2]] == []
    assert len(unsupported) == len(schemas)


# Rules only a final record must meet (`x-finalOnly`, `const: true`): family contact needs the client's consent,
# a departure without support the local organisation's contact details.
FINAL_ONLY = [
    ("family-contact", "final", {"recorded_on": "2024-10-02", "consent": "nee"}),
    ("family-contact", "draft", {"recorded_on": "2024-10-02", "consent": "nee"}),
    ("family-contact", "final", {"recorded_on": "2024-10-02", "consent": "ja"}),
    ("family-contact", "draft", {"consent": "maybe"}),
    ("quiet-departure", "final", {"departed_on": "2024-04-18"}),
    ("quiet-departure", "draft", {"departed_on": "2024-04-18"}),
    ("quiet-departure", "final", {"departed_on": "2024-04-18", "local_contact_given": False}),
]


def test_device_and_server_agree_on_rules_only_a_final_record_must_meet(device):
    page = device.open().page
    results = page.evaluate("""async (cases) => {
      const { prepare } = await import('/js/schema-validate.js');
      return cases.map(([schema, status, data]) => prepare(schema, data, status));
    }""", [[FORMS.get(form_id).schema, status, data] for form_id, status, data in FINAL_ONLY])
    for (form_id, status, data), result in zip(FINAL_ONLY, results):
        errors = {(e["path"], e["message"], json.dumps(e["params"], sort_keys=True)) for e in result["errors"]}
        assert errors == server_side(status, data, form_id)[0], (form_id, status, data)
    draft_only = ("/consent", "With this answer the record can only be kept as a draft.", "{}")
    assert draft_only in server_side(*FINAL_ONLY[0][1:], "family-contact")[0]
    assert server_side(*FINAL_ONLY[1][1:], "family-contact")[0] == set()
