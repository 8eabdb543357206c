"""A long form on a phone: the sticky contents bar shows the whole form's progress and jumps to a section,
each section says how much of it is answered and ends with "Next section", and a draft reopens at the section
where the user left it."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, DESKTOP

pytestmark = pytest.mark.browser

PLAN = "Personal Return Action Plan"
GOALS = "2a Personal goals: housing, work, education"


def heading_in_view(page, name: str, timeout: float = 5) -> bool:
    """The section's heading has the keyboard and sits in the window, below the sticky contents bar (asked again
    for a few seconds: a busy machine may paint late)."""
    deadline = time.monotonic() + timeout
    while not heading_in_view_now(page, name):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def heading_in_view_now(page, name: str) -> bool:
    return page.evaluate("""(name) => {
      const el = document.activeElement;
      if (!el || !el.textContent.startsWith(name)) return false;
      const r = el.getBoundingClientRect();
      const bar = document.querySelector('.form-nav').getBoundingClientRect();
      return r.top >= bar.bottom - 1 && r.bottom <= window.innerHeight;
    }""", name)


def test_sections_progress_next_section_and_reopening_where_left(device):
    app, page = device, device.page
    app.first_login("nora")
    app.new_case("NL-0003", "NG")
    app.start_instrument(PLAN)
    nav = page.locator(".form-nav")
    expect(nav.locator("summary")).to_contain_text(re.compile(r"0 of \d+ answered"))
    total = re.search(r"0 of (\d+)", nav.locator("summary").inner_text()).group(1)

    # The contents list jumps to a section.
    nav.locator("summary").click()
    nav.get_by_role("button", name=GOALS).click()
    expect(nav).not_to_have_attribute("open", "")
    assert heading_in_view(page, GOALS)
    page.get_by_label("What kind of work would you like to do on return to your country of origin?").fill("Tailoring")
    expect(nav.locator("summary")).to_contain_text(f"1 of {total} answered")
    nav.locator("summary").click()
    goals = nav.get_by_role("button", name=GOALS)
    expect(goals).to_contain_text("1 of")
    expect(goals).to_have_attribute("aria-current", "location")
    page.screenshot(path=str(ARTIFACTS / "long-form-contents-360.png"), animations="disabled")
    nav.locator("summary").click()

    # "Next section" at the end of the section goes on to the next one.
    section = page.locator('[data-pointer="/goals"]')
    section.locator(".next-section").click()
    next_title = page.locator('[data-pointer="/goals"] + [data-pointer] > .field-label').first.evaluate(
        "(el) => el.firstChild.textContent")
    assert heading_in_view(page, next_title)

    # A draft reopens where the user left it.
    app.save_draft()
    page.get_by_role("link", name="← Case NL-0003").click()
    expect(page.get_by_role("heading", name="Case NL-0003")).to_be_visible()
    page.locator("#record-list a").first.click()
    expect(page.locator("#finalise")).to_be_visible()
    expect(page.locator(".field-label:focus")).to_have_count(1)
    assert heading_in_view(page, next_title)
    app.screenshot("long-form-reopened", widths=(360,))


def test_the_contents_bar_stays_in_sight_below_the_top_bar_at_1280_px(device):
    app, page = device, device.page
    page.set_viewport_size(DESKTOP)
    app.first_login("nora")
    app.new_case("NL-0004", "NG")
    app.start_instrument(PLAN)
    nav = page.locator(".form-nav")
    expect(nav.locator("summary")).to_contain_text(re.compile(r"0 of \d+ answered"))
    stuck = """() => {
      const bar = document.getElementById('topbar').getBoundingClientRect();
      const nav = document.querySelector('.form-nav').getBoundingClientRect();
      return { barBottom: bar.bottom, navTop: nav.top, navBottom: nav.bottom };
    }"""
    # Far down the form, the contents bar sits right below the top bar, both in sight.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    place = page.evaluate(stuck)
    assert place["barBottom"] > 0 and abs(place["navTop"] - place["barBottom"]) <= 1, place
    # It still jumps to a section, whose heading shows below both bars.
    nav.locator("summary").click()
    nav.get_by_role("button", name=GOALS).click()
    assert heading_in_view(page, GOALS)
    place = page.evaluate(stuck)
    assert abs(place["navTop"] - place["barBottom"]) <= 1, place
    # A field reached by the keyboard is not hidden under the bars either.
    hidden = []
    for _ in range(25):
        page.keyboard.press("Tab")
        top = page.evaluate("document.activeElement.closest('.form-nav, #topbar, .actions.sticky') ? null "
                            ": document.activeElement.getBoundingClientRect().top")
        if top is not None and top < page.evaluate(stuck)["navBottom"] - 1:
            hidden.append(top)
    assert hidden == [], hidden
    page.screenshot(path=str(ARTIFACTS / "long-form-contents-1280.png"), animations="disabled")


def test_a_draft_opening_while_a_sync_ends_is_not_drawn_again_and_stays_at_its_section(device):
    """A sync that ends while a draft is still opening does not draw the form a second time once it is open (that
    lost the place the draft reopened at, and the keyboard's focus, once in CI): a redraw asks at its turn whether
    the screen is a form being filled in."""
    app, page = device, device.page
    app.first_login("nora")
    app.new_case("NL-0005", "NG")
    app.expect_all_sent()
    app.start_instrument(PLAN)
    nav = page.locator(".form-nav")
    nav.locator("summary").click()
    nav.get_by_role("button", name=GOALS).click()
    assert heading_in_view(page, GOALS)
    page.route("**/api/v1/sync", lambda route: route.abort())  # the draft waits in the outbox
    page.get_by_label("What kind of work would you like to do on return to your country of origin?").fill("Tailoring")
    app.save_draft()
    page.get_by_role("link", name="← Case NL-0005").click()
    draft = page.locator("#record-list a").first.get_attribute("href")

    # Settings opens slowly (the test holds its reading of the storage); meanwhile the user opens the draft, and the
    # sync ends while the draft waits its turn to be drawn.
    app.hold_storage_reading()
    page.get_by_role("link", name="Settings").click()
    app.wait_until_storage_reading_held()
    page.evaluate("(hash) => { location.hash = hash; }", draft)
    page.unroute("**/api/v1/sync")
    page.locator("#sync-button").dispatch_event("click")
    app.expect_all_sent()  # the sync has ended (and asked for its redraw) before the draft is drawn
    app.release_storage_reading()
    expect(page.locator("#finalise")).to_be_visible()
    page.wait_for_timeout(500)  # the redraw's turn, right after the draft's
    expect(page.locator(".field-label:focus")).to_have_count(1)
    assert heading_in_view(page, GOALS)
