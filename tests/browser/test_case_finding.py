"""Finding a case and a form: one short case number that both organisations see and the case list searches,
the current step's instruments near the top and the rest grouped by step with a filter, and the countries of
most returns first in the country list."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_case_number_search_instruments_and_countries(device, api_as):
    app, page = device, device.page
    app.first_login("nora")
    page.get_by_role("link", name="New case").click()
    first = page.locator("#country option:not([value=''])").evaluate_all("(os) => os.slice(0, 3).map((o) => o.value)")
    assert first == ["NG", "BG", "RO"]
    page.get_by_role("link", name="← Cases").click()
    app.new_case("NL-0006", "NG")
    case_id = re.search(r"#/case/([\w-]+)", page.url).group(1)
    number = case_id[:8]
    expect(page.locator(".case-number")).to_have_text(f"Case number {number}")

    # The current step's instruments come before the path; the others are grouped by step, with a filter.
    order = page.evaluate("""() => [...document.querySelectorAll('main h2')].map((h) => h.id || h.textContent)""")
    assert order.index("step-instruments-heading") < order.index("path-heading"), order
    expect(page.locator(".step-instruments a.instrument")).to_have_count(2)  # risk analysis, safety plan
    others = page.locator(".all-instruments li:visible")
    total = others.count()
    page.get_by_label("Find an instrument").fill("overview")
    expect(others).to_have_count(2)
    expect(others.first).to_contain_text("Overview 1")
    assert total > 10
    page.get_by_label("Find an instrument").fill("")
    expect(others).to_have_count(total)

    # The case list finds it by the case number and by the client code, from the first case on.
    app.expect_all_sent()
    assert any(c["id"] == case_id for c in api_as("nora").get("/cases")["cases"])
    page.get_by_role("link", name="Cases", exact=True).click()
    search = page.get_by_label("Find a case number or client code")
    search.fill(number)
    expect(page.locator("#case-list .card")).to_have_count(1)
    expect(page.locator("#case-list .card")).to_contain_text(f"Case number {number}")
    search.fill("NL-0006")
    expect(page.locator("#case-list .card")).to_have_count(1)
    search.fill("zz-nothing")
    expect(page.locator("#case-list .card")).to_have_count(0)
    app.screenshot("case-list-search", widths=(360,))
