"""The form renderer is generic over forms/README.md: every widget, rows, conditions and help, with labels for
screen readers, touch targets of at least 44 px on a 360 px phone, and errors next to their fields."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "every-widget.schema.json").read_text(encoding="utf-8"))

RENDER = """async (schema) => {
  const { renderForm } = await import('/js/form-renderer.js');
  window.testForm = renderForm(schema, { places: ['Benin City'] });
  const main = document.getElementById('main');
  main.replaceChildren(window.testForm.element);
}"""

# Every control has an accessible name: its own <label> (radios and boxes sit inside theirs), or, for groups,
# the legend of its fieldset.
UNNAMED = """() => [...document.querySelectorAll('#main input, #main select, #main textarea, #main fieldset')]
  .filter((el) => el.tagName === 'FIELDSET'
    ? !(el.firstElementChild && el.firstElementChild.tagName === 'LEGEND' && el.firstElementChild.textContent.trim())
    : !(el.labels && el.labels.length && el.labels[0].textContent.trim()))
  .map((el) => el.outerHTML.slice(0, 120))"""

TOO_SMALL = """() => [...document.querySelectorAll(['#main button', '#main select', '#main textarea',
    '#main label.option', '#main input:not([type=radio]):not([type=checkbox])'].join(', '))]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
  .filter(([, r]) => r.height < 44 || r.width < 44)
  .map(([html, r]) => `${html} ${Math.round(r.width)}x${Math.round(r.height)}`)"""


def test_every_widget_renders_edits_and_reports_errors(device):
    app, page = device, device.page
    app.open()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()  # the app has drawn its first screen
    page.evaluate(RENDER, SCHEMA)
    assert page.evaluate(UNNAMED) == []
    assert page.evaluate(TOO_SMALL) == []

    # Help on demand, with the example questions.
    help_button = page.get_by_role("button", name="Help: Name of the contact person")
    expect(help_button).to_have_attribute("aria-expanded", "false")
    help_button.click()
    expect(help_button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".help")).to_contain_text("Only a first name or a role.")
    expect(page.locator(".help")).to_contain_text("Who would you call first?")
    name = page.get_by_role("textbox", name="Name of the contact person (needed to finalise)")
    expect(name).to_have_attribute("placeholder", "For example: aunt in Lagos")

    name.fill("Aunt Ada")
    page.get_by_label("What happened").fill("Line one\nLine two")
    page.get_by_label("First met on").fill("2025-12-24")
    page.get_by_label("Region").select_option(label="Plovdiv")
    planned = page.get_by_label("Planned return date")
    expect(planned).to_be_hidden()  # a conditional part
    page.get_by_label("yes", exact=True).check()
    expect(planned).to_be_visible()
    planned.fill("2026-06-01")
    page.get_by_label("The client agrees to contact").check()
    page.get_by_label("Legal help").check()
    page.get_by_label("Shelter").check()
    page.get_by_label("Number of children").fill("2")

    add = page.get_by_role("button", name="Add: Contact")
    add.click()
    page.locator('[data-pointer="/contacts/0/who"] input').fill("Brother")
    add.click()
    page.locator('[data-pointer="/contacts/1/who"] input').fill("Pastor")
    page.locator('[data-pointer="/contacts/1/phone_known"] input').check()
    expect(add).to_be_disabled()  # maxItems 2
    remove_first = page.get_by_role("button", name="Remove: Contact 1")
    remove_first.click()  # a row with answers asks once more
    page.get_by_role("button", name="Really remove Contact 1?").click()
    expect(page.locator('[data-pointer="/contacts/0/who"] input')).to_have_value("Pastor")
    expect(add).to_be_enabled()

    page.get_by_role("button", name="Add: Entry").click()
    page.locator('[data-pointer="/places/1"] input').fill("Sofia")
    page.get_by_label("City").fill("Lagos")

    # Hidden answers are kept, not deleted.
    page.get_by_label("no", exact=True).check()
    expect(planned).to_be_hidden()

    assert page.evaluate("window.testForm.data()") == {
        "name": "Aunt Ada", "story": "Line one\nLine two", "met_on": "2025-12-24", "region": "plovdiv",
        "returns": "nee", "return_date": "2026-06-01", "consent": True, "needs": ["shelter", "legal_help"],
        "children": 2, "contacts": [{"who": "Pastor", "phone_known": True}], "places": ["Benin City", "Sofia"],
        "address": {"city": "Lagos"},
    }

    # Errors sit next to their fields, are linked from the summary, and mark the control invalid.
    count = page.evaluate("""() => window.testForm.setErrors([
      {path: '/contacts/0/who', message: 'Too long: at most %(limit)s characters.', params: {limit: 500}},
      {path: '/needs', message: 'An option is chosen twice.', params: {}}])""")
    assert count == 2
    who = page.locator('[data-pointer="/contacts/0/who"]')
    expect(who.locator(".field-error")).to_have_text("Too long: at most 500 characters.")
    expect(who.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(who.locator("input")).to_have_attribute("aria-describedby", who.locator(".field-error").get_attribute("id"))
    expect(page.locator('[data-pointer="/needs"]')).to_have_attribute("aria-invalid", "true")
    page.get_by_role("link", name="Contacts › Contact 1 › Who: Too long: at most 500 characters.").click()
    expect(who.locator("input")).to_be_focused()
    app.screenshot("14-every-widget", widths=(360,))


def test_read_only_view_shows_answers_as_text(device):
    page = device.open().page
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.evaluate("""async (schema) => {
      const { renderForm } = await import('/js/form-renderer.js');
      const form = renderForm(schema, {name: 'Aunt Ada', region: 'varna', needs: ['medical_help'], consent: true,
                                        contacts: [{who: 'Pastor'}]}, {readOnly: true});
      document.getElementById('main').replaceChildren(form.element);
    }""", SCHEMA)
    main = page.locator("#main")
    expect(main.locator("input, select, textarea")).to_have_count(0)
    for text in ("Aunt Ada", "Varna", "Medical help", "Yes", "Contact 1", "Pastor"):
        expect(main).to_contain_text(text)
    expect(page.locator('[data-pointer="/story"] .value.empty')).to_have_text("No answer")


FORMS = Path(__file__).resolve().parents[2] / "forms"


def test_choosing_a_factor_in_overview_2_starts_its_score_from_the_latest_overview_1(device):
    """forms/README.md, x-refersTo: the row's empty score is filled with the factor's latest Overzicht 1 score,
    which the counsellor may change; a score already given is never replaced."""
    page = device.open().page
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    overview_2, overview_1 = (json.loads((FORMS / f"{name}.schema.json").read_text(encoding="utf-8"))
                              for name in ("overzicht-2", "overzicht-1"))
    page.evaluate("""async ([schema, referred]) => {
      const { renderForm } = await import('/js/form-renderer.js');
      const data = {status: 'b8_3', nl: {f1: {score: '--'}}, coo: {f1: {score: '++'}, f2: {score: '-'}}};
      window.testForm = renderForm(schema, {}, {references: {'overzicht-1': {schema: referred, data}}});
      document.getElementById('main').replaceChildren(window.testForm.element);
    }""", [overview_2, overview_1])
    page.get_by_role("button", name="Add: Factor").click()
    row = page.locator('fieldset.row[data-pointer="/rows/0"]')
    factor = row.get_by_label("Factor name")
    scores = row.locator('[data-pointer="/rows/0/score"] input[type=radio]')
    # Options are numbered by their place in the schema's enum: /status, /nl/f1 … /nl/f10, /coo/f1 … /coo/f10.
    expect(factor.locator('option[value="1"]')).to_contain_text("(now: −− Very negative)")

    factor.select_option(value="1")  # /nl/f1
    expect(scores.nth(0)).to_be_checked()  # -- taken over from Overzicht 1
    assert page.evaluate("window.testForm.data().rows[0].score") == "--"

    row.locator('[data-pointer="/rows/0/score"] label.option').nth(2).click()  # the counsellor says +
    factor.select_option(value="11")  # /coo/f1, ++ in Overzicht 1
    expect(scores.nth(2)).to_be_checked()
    assert page.evaluate("window.testForm.data().rows[0]") == {"factor": "/coo/f1", "score": "+"}

    # A factor without a score in Overzicht 1, or the residence status (not a score), leaves an empty score empty.
    row.get_by_role("button", name="Clear answer").click()
    factor.select_option(value="2")  # /nl/f2, not scored
    factor.select_option(value="0")  # /status
    assert page.evaluate("window.testForm.data().rows[0]") == {"factor": "/status"}
    for n in range(4):
        expect(scores.nth(n)).not_to_be_checked()
    factor.select_option(value="12")  # /coo/f2, - in Overzicht 1
    expect(scores.nth(1)).to_be_checked()
    expect(row.get_by_role("button", name="Clear answer")).to_be_visible()
    device.screenshot("15-overview-2-score-from-overview-1", widths=(360,))
