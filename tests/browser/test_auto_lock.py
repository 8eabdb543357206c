"""The app locks itself after 5 minutes without use, and what was typed is saved first, not dropped."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_locks_after_five_idle_minutes_keeping_what_was_typed(device):
    app, page = device, device.page
    page.clock.install()  # the browser's clock, moved by the test (Date, setInterval …)
    app.first_login("lou")
    page.context.set_offline(True)
    app.new_case("BG-9001", "BG")
    app.start_instrument()
    page.get_by_label("Explain this factor here:").fill("Typed just before the tablet was put down")
    page.get_by_label("Undocumented").check()

    page.clock.fast_forward("04:00")
    page.keyboard.press("Shift")  # still in use (a key, which moves nothing): the five minutes start again
    page.clock.fast_forward("04:00")
    expect(page.locator("#finalise")).to_be_visible()

    page.clock.fast_forward("01:30")
    expect(page.get_by_role("heading", name="Unlock Safe Future")).to_be_visible()
    expect(page.locator(".notice")).to_have_text("Locked after 5 minutes without use.")
    assert "Typed just before" not in page.content()

    app.unlock()
    expect(page).to_have_url(re.compile(r"/#/record/[0-9a-f-]+/edit$"))  # back where the user was
    page.get_by_role("link", name="Case BG-9001").click()
    record = page.locator("#record-list a")
    expect(record).to_have_count(1)
    expect(record.locator(".badge.draft")).to_be_visible()
    expect(app.unsent()).to_have_text("2 changes not sent yet")
    record.click()
    expect(page.get_by_label("Explain this factor here:")).to_have_value("Typed just before the tablet was put down")
    expect(page.get_by_label("Undocumented")).to_be_checked()
