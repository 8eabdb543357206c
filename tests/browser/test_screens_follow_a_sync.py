"""Screens follow a sync: a counsellor's open case view shows what a colleague changed on another device
(a record finalised, the step changed) without navigating away, keeping the counsellor's focus, what they
typed in the instrument filter and their place on the screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, FieldApp

pytestmark = pytest.mark.browser

CODE = "FOL-0042"


def focus_top(page) -> float:
    """Where the focused element sits in the window (px from its top)."""
    return page.evaluate("document.activeElement.getBoundingClientRect().top")


def test_an_open_case_view_shows_a_colleagues_change_keeping_focus_and_place(device, browser, server):
    fenna, page = device, device.page
    fenna.first_login("fenna")
    fenna.new_case(CODE, "RO")
    fenna.start_instrument("Overview 1")
    page.get_by_label("B8/3", exact=True).check()
    page.get_by_label("Date of this scoring").fill("2026-03-02")
    fenna.score("/nl/f1", "+")
    fenna.save_draft()
    fenna.expect_all_sent()
    page.get_by_role("link", name=f"← Case {CODE}").click()
    expect(page.locator("#record-list .badge.draft")).to_have_count(1)
    expect(page.locator(".current-step")).to_contain_text("Step 1")

    # Fenna looks for an instrument: the filter box has her words and the focus, well down the screen.
    box = page.locator("#instrument-filter")
    box.fill("plan")
    box.focus()
    page.evaluate("(el) => window.scrollBy(0, el.getBoundingClientRect().top - 300)", box.element_handle())
    page.wait_for_function("window.scrollY > 300 && Math.abs(document.activeElement.getBoundingClientRect().top - 300) < 2")
    before = {"y": page.evaluate("window.scrollY"), "top": focus_top(page)}

    # A colleague's tablet finalises her draft and moves the case to step 2.
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    try:
        floor = FieldApp(context.new_page())
        floor.first_login("floor")
        floor.expect_synced()
        floor.open_case(CODE)
        floor.page.locator("#record-list a").click()
        floor.page.locator("#finalise").click()
        expect(floor.page.locator(".record .badge.final")).to_be_visible()
        floor.expect_all_sent()
        floor.page.get_by_role("link", name=f"← Case {CODE}").click()
        next_step = floor.page.locator('.moves button[data-target="NL-2"]')
        expect(next_step).to_be_enabled(timeout=15000)
        next_step.click()
        expect(floor.page.locator(".current-step")).to_contain_text("Step 2")
        floor.assert_no_policy_violations()
    finally:
        context.close()

    # Fenna's connection comes back: the app syncs by itself and her open case view follows.
    page.context.set_offline(True)
    page.context.set_offline(False)
    expect(page.locator(".current-step")).to_contain_text("Step 2", timeout=20000)
    expect(page.locator("#record-list .badge.final")).to_have_count(1)
    expect(page.locator("#record-list .badge.draft")).to_have_count(0)
    expect(page).to_have_url(f"{server.url}/{page.url.split('/', 3)[3]}")
    assert page.evaluate("location.hash").startswith("#/case/")
    # Her focus, her words and her place stay.
    expect(page.locator("#instrument-filter")).to_be_focused()
    expect(page.locator("#instrument-filter")).to_have_value("plan")
    expect(page.locator(".all-instruments li:not([hidden])").first).to_contain_text("plan", ignore_case=True)
    expect(page.locator('.moves button[data-target="NL-3"]')).to_be_enabled()  # the moves, fresh from the server
    assert abs(focus_top(page) - before["top"]) <= 2, (focus_top(page), before)
    fenna.screenshot("follow/01-case-after-colleagues-change", widths=(360,))
