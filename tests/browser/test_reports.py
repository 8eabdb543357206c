"""The Reports screen: a coordinator sees the organisation's counts (small ones as "< 5"), with bars, on a
phone and on a desktop, and downloads the report and an export; a counsellor has no Reports tab."""
from __future__ import annotations

import io
import uuid

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_narrow_screens import NARROW, OVERFLOW, visit

pytestmark = pytest.mark.browser


def make_cases(api, country: str, step: str, count: int, close_as: str | None = None) -> list[str]:
    made = []
    for _ in range(count):
        case_id = str(uuid.uuid4())
        r = api.request.post("/api/v1/cases", data={"id": case_id, "client_code": f"RPT-{case_id[:6]}",
                                                    "country_of_origin": country, "step": step})
        assert r.ok, r.text()
        if close_as:
            r = api.request.post(f"/api/v1/cases/{case_id}/step", data={"step": close_as})
            assert r.ok, r.text()
        made.append(case_id)
    return made


def score(api, case_id: str, scored_on: str, nl: dict, coo: dict) -> None:
    data = {"status": "b8_3", "scored_on": scored_on, "nl": {k: {"score": v} for k, v in nl.items()},
            "coo": {k: {"score": v} for k, v in coo.items()}}
    r = api.put(f"/records/{uuid.uuid4()}", {"case_id": case_id, "form_id": "overzicht-1", "form_version": 1,
                                             "status": "final", "data": data})
    assert r.ok, r.text()


def row(page, section: str, label: str):
    return page.locator(".report-section", has=page.get_by_role("heading", name=section)).get_by_role(
        "row", name=label)


def test_a_coordinator_reads_the_figures_and_downloads_them(device, api_as):
    rob = api_as("rob")
    make_cases(rob, "NG", "NL-12", 5, close_as="closed_returned_no_partner")
    make_cases(rob, "BG", "NL-12", 4, close_as="closed_returned_no_partner")
    make_cases(rob, "ER", "NL-3", 6)
    make_cases(rob, "ER", "NL-5", 2)
    for case_id in make_cases(rob, "ER", "NL-7", 5):
        score(rob, case_id, "2026-01-10", {"f1": "-", "f2": "--", "f3": "+"}, {"f1": "++", "f2": "-"})
        score(rob, case_id, "2026-03-10", {"f1": "+", "f2": "-", "f3": "+"}, {"f1": "+", "f2": "-"})
    app, page = device, device.page
    app.first_login("rita")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()
    expect(row(page, "Open cases by current step", "NL-3")).to_contain_text("6")
    expect(row(page, "Open cases by current step", "NL-5")).to_contain_text("< 5")
    expect(row(page, "Returns per country", "Nigeria")).to_contain_text("5")
    expect(row(page, "Returns per country", "Bulgaria")).to_contain_text("< 5")
    expect(row(page, "How cases closed", "Returned, with support")).to_contain_text("9")
    expect(page.get_by_role("row", name="Clients with at least two final scorings")).to_contain_text("5")
    assert "RPT-" not in page.content()
    app.screenshot("reports")

    page.get_by_text("Download the report").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download as PDF").click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    download.value.save_as(ARTIFACTS / "report.pdf")
    assert (ARTIFACTS / "report.pdf").read_bytes().startswith(b"%PDF")

    page.get_by_text("Export records for analysis").click()
    page.get_by_label("Instrument").select_option("overzicht-1")
    with page.expect_download() as download:
        page.get_by_role("button", name="Export the records").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert list(book["records"].values)[0][:3] == ("record_id", "case_id", "status")

    # On a 320 px phone, in every language, neither the tabs (five for a coordinator) nor the screen scroll
    # sideways.
    page.set_viewport_size(NARROW)
    for lang in ("nl", "bg", "en"):
        visit(page, "#/settings")
        page.locator("#settings-language").select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        visit(page, "#/reports")
        expect(page.locator(".report-figures")).to_be_visible()
        assert page.evaluate(OVERFLOW) is None, lang
    expect(page.get_by_role("link", name="Reports")).to_be_visible()
    app.assert_no_policy_violations()


def test_a_counsellor_has_no_reports_tab(device):
    app, page = device, device.page
    app.first_login("rob")
    expect(page.get_by_role("link", name="Cases")).to_be_visible()
    expect(page.get_by_role("link", name="Reports")).to_have_count(0)
    page.goto(page.url.split("#")[0] + "#/reports")
    expect(page.get_by_text("Reports are for coordinators.")).to_be_visible()
