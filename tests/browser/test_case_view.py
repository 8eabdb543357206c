"""The case view: the client's path worked out on the device (and the same as the server's), step changes
through the server, Overzicht 1 over time, and PDFs of a record and of chosen records."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STATUSES = ("final", "draft", "missing", "optional")


def path_on_screen(page) -> dict:
    """step id -> {visited, current, instruments: {form id: status}} as the case view shows it."""
    return page.evaluate("""(statuses) => Object.fromEntries([...document.querySelectorAll('.path-step')].map((s) => [
        s.dataset.step, {current: s.getAttribute('aria-current') === 'step',
          visited: s.classList.contains('visited') || s.classList.contains('current'),
          instruments: Object.fromEntries([...s.querySelectorAll('.path-instrument')].map((i) => [
            i.dataset.form, statuses.find((c) => i.classList.contains(c))]))}]))""", list(STATUSES))


def path_of_server(overview: dict) -> dict:
    return {s["id"]: {"current": s["current"], "visited": s["visited"],
                      "instruments": {i["form_id"]: i["status"] for i in s["instruments"]}}
            for s in overview["progress"]["steps"]}


def back_to_case(page, code: str):
    page.get_by_role("link", name=f"← Case {code}").click()
    expect(page.get_by_role("heading", name=f"Case {code}")).to_be_visible()


def score_overzicht_1(app, date: str, scores: dict[str, str], *, final: bool):
    page = app.page
    app.start_instrument("Overview 1")
    page.get_by_label("B8/3", exact=True).check()
    page.get_by_label("Date of this scoring").fill(date)
    for pointer, value in scores.items():
        app.score(pointer, value)
    if final:
        page.locator("#finalise").click()
        expect(page.locator(".record .badge.final")).to_be_visible()
    else:
        app.save_draft()


def test_path_statuses_step_changes_and_score_chart(device, api_as):
    app, page = device, device.page
    app.first_login("cas")
    app.new_case("RO-0101", "RO")
    path = path_on_screen(page)
    assert path["NL-1"] == {"current": True, "visited": True,
                            "instruments": {"risk-analysis": "missing", "safety-plan": "missing"}}
    assert path["NL-3"]["instruments"]["genogram"] == "optional"
    assert not path["NL-2"]["visited"]
    expect(page.locator('.path-step[aria-current="step"]')).to_have_attribute("data-step", "NL-1")

    # Once the case reached the server, its moves come from there; a guarded move says why it is refused.
    app.expect_all_sent()
    next_step = page.locator('.moves button[data-target="NL-2"]')
    expect(next_step).to_be_enabled(timeout=15000)
    next_step.click()
    expect(page.locator('.path-step[aria-current="step"]')).to_have_attribute("data-step", "NL-2")
    expect(page.locator(".current-step")).to_contain_text("Step 2: First counselling talks and information")
    expect(page.locator('.moves button[data-target="NL-10"]')).to_be_disabled()
    expect(page.locator(".moves li", has=page.locator('[data-target="NL-10"]'))).to_contain_text(
        "First record that the client wishes to return from the start")

    # A draft, then a final Overzicht 1: the steps it belongs to (5, 7 and 8) follow.
    score_overzicht_1(app, "2026-01-12", {"/nl/f1": "--", "/coo/f1": "+"}, final=False)
    back_to_case(page, "RO-0101")
    path = path_on_screen(page)
    assert {path[s]["instruments"]["overzicht-1"] for s in ("NL-5", "NL-7", "NL-8")} == {"draft"}
    page.locator("#record-list a").first.click()
    page.locator("#finalise").click()
    expect(page.locator(".record .badge.final")).to_be_visible()
    back_to_case(page, "RO-0101")
    assert {path_on_screen(page)[s]["instruments"]["overzicht-1"] for s in ("NL-5", "NL-7", "NL-8")} == {"final"}
    expect(page.locator(".chart-block").first.locator("thead th")).to_have_count(2)  # factor + one scoring

    # Scored again at an evaluation: the chart gets a second column, in date order.
    score_overzicht_1(app, "2026-04-20", {"/nl/f1": "+", "/coo/f1": "++"}, final=True)
    back_to_case(page, "RO-0101")
    nl_block = page.locator(".chart-block").first
    expect(nl_block.locator(".chart-date")).to_have_count(2)
    expect(nl_block.locator("circle.chart-dot")).to_have_count(2)  # f1 scored twice, the rest never
    first_row = nl_block.locator("tbody tr").first
    expect(first_row.locator("td")).to_have_text(["−− Very negative", "+ Positive"])
    expect(page.locator(".chart-block").nth(1).locator("tbody tr").first.locator("td")).to_have_text(
        ["+ Positive", "++ Very positive"])
    app.screenshot("11-case-path")

    # What the device worked out is what the server works out.
    app.expect_all_sent()
    case_id = re.search(r"#/case/([\w-]+)", page.url).group(1)
    page.reload()
    app.unlock()
    expect(page.get_by_role("heading", name="Case RO-0101")).to_be_visible()
    expect(page.locator('.moves button[data-target="NL-3"]')).to_be_enabled(timeout=15000)
    server = api_as("cas").get(f"/cases/{case_id}/overview")
    assert path_on_screen(page) == path_of_server(server)

    # Offline the path stays, and the moves say they need the server.
    page.context.set_offline(True)
    page.reload()
    app.unlock()
    expect(page.get_by_role("heading", name="Case RO-0101")).to_be_visible()
    assert path_on_screen(page) == path_of_server(server)
    expect(page.locator('.moves button[data-target="NL-3"]')).to_be_disabled()
    expect(page.locator(".moves-section")).to_contain_text("Changing the step needs a connection")
    # Offline in another language: the moves the device kept speak it too.
    page.evaluate("location.hash = '#/settings'")
    page.locator("#settings-language").select_option("nl")
    page.evaluate("h => { location.hash = h; }", f"#/case/{case_id}")
    expect(page.locator('.moves button[data-target="NL-3"]')).to_have_text("Volgende stap")
    expect(page.locator(".moves li", has=page.locator('[data-target="NL-10"]'))).to_contain_text(
        "Leg eerst vast dat de cliënt vanaf het begin wil terugkeren")
    page.context.set_offline(False)


def download_pdf(page, panel):
    with page.expect_download() as download, page.expect_response(lambda r: "/pdf?" in r.url) as response:
        panel.get_by_role("button", name="Download PDF").click()
    assert response.value.headers["content-type"] == "application/pdf"
    return response.value.url, download.value.path().read_bytes()


def test_pdf_of_a_record_and_of_chosen_records(device):
    app, page = device, device.page
    app.first_login("cas")
    app.new_case("RO-0202", "RO")
    score_overzicht_1(app, "2026-02-01", {"/nl/f2": "++"}, final=True)
    back_to_case(page, "RO-0202")
    score_overzicht_1(app, "2026-03-01", {"/nl/f2": "+"}, final=False)
    app.expect_all_sent()
    back_to_case(page, "RO-0202")
    page.locator("#record-list a", has=page.locator(".badge.final")).click()

    # One record, in Bulgarian with Dutch beside it, whatever the UI language.
    panel = page.locator("details.pdf-panel")
    panel.locator("summary").click()
    panel.get_by_label("Language of the document").select_option("bg")
    panel.get_by_label("Second language beside it").select_option("nl")
    url, content = download_pdf(page, panel)
    assert "lang=bg" in url and "lang2=nl" in url
    assert content.startswith(b"%PDF")

    # The case, with only the chosen record.
    back_to_case(page, "RO-0202")
    panel = page.locator("details.pdf-panel")
    panel.locator("summary").click()
    boxes = panel.get_by_role("checkbox")
    expect(boxes).to_have_count(2)
    boxes.nth(0).uncheck()
    url, content = download_pdf(page, panel)
    assert re.search(r"records=[\w-]+$", url) and "lang=en" in url
    assert content.startswith(b"%PDF")
    app.screenshot("12-case-pdf")

    # Offline the button explains instead of failing silently.
    page.context.set_offline(True)
    page.reload()
    app.unlock()
    expect(page.get_by_role("heading", name="Case RO-0202")).to_be_visible()
    panel.locator("summary").click()
    panel.get_by_role("button", name="Download PDF").click()
    expect(panel.get_by_role("alert")).to_have_text("The server makes the PDF: connect to the internet first.")
    page.context.set_offline(False)


def test_leaving_a_new_form_by_its_back_link_keeps_what_was_typed_and_opens_the_case(device):
    """The first save of a new form happens on the way out; it must not send the user back to the form."""
    app, page = device, device.page
    app.first_login("cas")
    app.new_case("NG-LEAVE")
    app.start_instrument("Overview 1")
    page.get_by_label("Date of this scoring").fill("2026-11-20")
    back_to_case(page, "NG-LEAVE")
    drafts = page.locator("#record-list a", has_text="Overview 1")
    expect(drafts).to_have_count(1)
    drafts.click()  # a draft opens ready to go on
    expect(page.get_by_label("Date of this scoring")).to_have_value("2026-11-20")
