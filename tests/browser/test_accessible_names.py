"""What keyboard and screen-reader users meet: the passphrase form names its account, each "Clear answer" and
note button says which row it belongs to, the inbox link's name is its word alone when nothing is unread, and the
focus ring on the dark top bar is light enough to see (at least 3:1)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import email

pytestmark = pytest.mark.browser

SAFETY = "Safety in the Netherlands (personal and for family)"


def luminance(rgb: str) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (float(x) for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_names_and_focus_ring(device):
    app, page = device, device.page
    app.open()
    app.login("nora")
    username = page.locator('form input[autocomplete="username"]')
    expect(username).to_have_value(email("nora"))
    expect(username).to_be_hidden()
    app.choose_passphrase()
    app.wait_until_offline_ready()

    # With nothing unread the name is the word alone (with a count, see test_handover).
    expect(page.locator("#inbox-link")).to_have_accessible_name("Inbox")

    # The focus ring on the top bar's tabs (back from the screen's heading) against the bar.
    expect(page.locator("main h1")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    ring = page.evaluate("""() => {
      const el = document.activeElement;
      return { inBar: Boolean(el.closest('#topbar nav')), focusVisible: el.matches(':focus-visible'),
               color: getComputedStyle(el).outlineColor,
               bar: getComputedStyle(document.querySelector('#topbar nav')).backgroundColor };
    }""")
    assert ring["inBar"] and ring["focusVisible"], ring
    assert contrast(ring["color"], ring["bar"]) >= 3, ring

    app.new_case("NL-0004", "NG")
    app.start_instrument("Overview 1")
    app.score("/nl/f1", "+")
    expect(page.get_by_role("button", name=f"Clear answer: {SAFETY}", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=f"Experience behind the score: {SAFETY}", exact=True)).to_be_visible()
