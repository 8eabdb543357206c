"""Every screen and every instrument on a 320 px phone, in each language: nothing scrolls sideways, the count of
what waits to be sent is never cut off, no English phrase of the catalogs is left on a Dutch or Bulgarian screen
(offline, after the language changed), a form opens at its top with the keyboard on its heading, and the sticky
Save/Finalise bar never hides the field that has focus. One page serves the whole sweep (about 75 screens per
language)."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, english_left, english_phrases
from .test_case_view import score_overzicht_1

pytestmark = pytest.mark.browser

LANGUAGES = ("nl", "en", "bg")
NARROW = {"width": 320, "height": 640}
SPACE_USED = {"nl": re.compile(r"^\d+(,\d)? MB van \d+(,\d)? [MG]B$"),
              "en": re.compile(r"^\d+(\.\d)? MB of \d+(\.\d)? [MG]B$"),
              "bg": re.compile(r"^\d+(,\d)? MB от \d+(,\d)? [MG]B$")}

# What is wider than the screen, with the widest element that causes it (for the failure message).
OVERFLOW = """() => {
  const limit = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= limit) return null;
  let widest = null;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 0.5 && (!widest || r.right > widest.right)) {
      widest = { right: r.right, what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : '')
        + ' ' + (el.textContent || '').trim().slice(0, 40) };
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, widest };
}"""


def visit(page, hash_: str):
    """Opens a screen the way a link does and waits until it is drawn."""
    page.evaluate("document.getElementById('main').replaceChildren()")
    page.evaluate("(hash) => { location.hash = hash; }", hash_)
    expect(page.locator("main h1")).to_be_visible()


def test_no_screen_scrolls_sideways_at_320_px(device, server):
    app, page = device, device.page
    with urllib.request.urlopen(server.url + "/api/v1/forms") as response:
        forms = [f["id"] for f in json.load(response)]
    app.first_login("nora")
    app.new_case("NL-Beslissingsbekwaamheid-0001", "NG")
    case_id = re.search(r"#/case/([\w-]+)", page.url).group(1)
    score_overzicht_1(app, "2026-01-12", {"/nl/f1": "--", "/coo/f1": "+"}, final=True)
    record_id = re.search(r"#/record/([\w-]+)", page.url).group(1)
    app.expect_all_sent()
    # The case view online once: the device keeps its moves (from the server) for offline use.
    page.evaluate("(hash) => { location.hash = hash; }", f"#/case/{case_id}")
    expect(page.locator('.moves button[data-target="NL-2"]')).to_be_enabled(timeout=15000)
    page.evaluate("(hash) => { location.hash = hash; }", f"#/record/{record_id}")
    # Offline with a change waiting: the status area shows all it can (offline, unsent) and the outbox and
    # inbox tabs carry their counts.
    page.context.set_offline(True)
    assert app.network_is_cut()
    page.get_by_role("link", name="Edit").click()
    app.write_note("/nl/f1", "Beslissingsbekwaamheid/Wilsbekwaamheid")
    app.save_draft()
    page.set_viewport_size(NARROW)

    screens = ["#/cases", "#/cases/new", f"#/case/{case_id}", f"#/record/{record_id}", f"#/record/{record_id}/edit",
               "#/outbox", "#/settings", "#/map", "#/map/new", "#/inbox"]
    screens += [f"#/case/{case_id}/new/{form}" for form in forms]
    shots = {"#/cases": "cases", f"#/case/{case_id}": "case", f"#/record/{record_id}/edit": "overzicht-1",
             f"#/case/{case_id}/new/health-checklist": "health-checklist"}
    wide, cut, english = [], [], []
    english_of = {lang: english_phrases(lang) for lang in LANGUAGES if lang != "en"}
    for lang in LANGUAGES:
        out = ARTIFACTS / "narrow" / lang
        out.mkdir(parents=True, exist_ok=True)
        visit(page, "#/settings")
        page.locator("#settings-language").select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        # The space used in the language's own numbers and units ("1,7 MB van 10 GB").
        expect(page.locator("#space-used")).to_have_text(SPACE_USED[lang])
        for screen in screens:
            visit(page, screen)
            # The inbox's count as a busy day shows it (the app sets it after a sync with notifications).
            page.evaluate("document.getElementById('unread-count').textContent = '12'")
            found = page.evaluate(OVERFLOW)
            if lang != "en":
                english += [(lang, screen, phrase) for phrase in english_left(page, english_of[lang])]
            # What waits to be sent is read whole, never cut off ("1 wijziging nog niet v…").
            unsent = page.locator("#unsent")
            if unsent.evaluate("(el) => el.scrollWidth > el.clientWidth || !el.textContent.trim()"):
                cut.append((lang, screen, unsent.text_content()))
            if found:
                wide.append((lang, screen, found))
                page.screenshot(path=str(out / f"too-wide-{len(wide)}.png"), full_page=True)
            if screen in shots:
                page.evaluate("document.querySelectorAll('.toast').forEach((t) => t.remove())")
                page.screenshot(path=str(out / f"{shots[screen]}-320.png"), full_page=True)
    page.context.set_offline(False)
    assert wide == [], "\n".join(map(str, wide))
    assert cut == [], "\n".join(map(str, cut))
    assert english == [], "\n".join(map(str, english))


# Where the focused element is, against the window and the sticky bar (null when it is in the bar itself).
FOCUS_PLACE = """() => {
  const el = document.activeElement;
  const bar = document.querySelector('.actions.sticky');
  if (!el || el === document.body || !bar || bar.contains(el)) return null;
  const r = el.getBoundingClientRect();
  return { what: el.id || el.tagName, top: r.top, bottom: r.bottom, barTop: bar.getBoundingClientRect().top };
}"""


def test_a_form_opens_at_its_top_and_the_sticky_bar_hides_no_focused_field(device):
    app, page = device, device.page
    app.first_login("nora")
    app.new_case("NL-0002", "RO")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("window.scrollY") > 0
    page.locator("a.instrument", has_text="Overview 1").first.click()
    expect(page.locator("#finalise")).to_be_visible()
    # At its top, with the keyboard on its heading (the title and date in sight).
    assert page.evaluate("window.scrollY") == 0
    expect(page.locator("main h1")).to_be_focused()
    hidden = []
    for _ in range(60):
        page.keyboard.press("Tab")
        place = page.evaluate(FOCUS_PLACE)
        if place and (place["bottom"] > place["barTop"] + 1 or place["top"] < 0):
            hidden.append(place)
    assert hidden == [], hidden


# Every element the keyboard can reach in the open screen, each focused in turn (which scrolls it into view the
# way Tab does): those that something fixed or stuck to the window (a bar, a note, a message) overlaps, and what.
COVERED = """() => {
  const out = [];
  const overlays = [...document.querySelectorAll('body *')].filter((e) => e.getClientRects().length
    && ['fixed', 'sticky'].includes(getComputedStyle(e).position));
  const focusable = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, summary';
  for (const el of document.querySelectorAll(`main :is(${focusable})`)) {
    if (!el.getClientRects().length || el.closest('.actions.sticky, .form-nav')) continue;
    el.focus();
    const r = el.getBoundingClientRect();
    if (r.width < 2 && r.height < 2) continue; // a visually hidden input: its label is checked
    for (const o of overlays) {
      if (o.contains(el)) continue;
      const b = o.getBoundingClientRect();
      const x = Math.min(r.right, b.right) - Math.max(r.left, b.left);
      const y = Math.min(r.bottom, b.bottom) - Math.max(r.top, b.top);
      if (x > 1 && y > 1) out.push({ what: el.id || el.name || el.textContent.trim().slice(0, 30), by: o.id || o.className });
    }
  }
  return out;
}"""


def test_the_storage_note_covers_no_field_or_button(device):
    app, page = device, device.page
    app.first_login("nora")
    app.new_case("NL-0003", "RO")  # the first save asks the browser to keep the data, and says what it answered
    note = page.locator("#storage-note")
    expect(note).to_contain_text("Storage: the browser")  # the answer is in
    # It comes with a screen, never into the open one, where it would push everything down under a finger about to
    # tap.
    shown = note.is_visible()
    page.wait_for_timeout(500)
    assert note.is_visible() == shown
    app.start_instrument("Overview 1")
    expect(note).to_be_visible()
    page.get_by_label("B8/3", exact=True).check()
    app.save_draft()
    # A quiet line under the status, in the flow of the page: not an alarm, not laid over the form.
    assert page.evaluate("getComputedStyle(document.getElementById('storage-note')).position") == "static"
    assert page.evaluate("document.getElementById('topbar').contains(document.getElementById('storage-note'))")
    expect(page.locator(".toast")).to_have_count(0, timeout=10000)  # passing messages go after 4 s; the note stays
    expect(note).to_be_visible()
    covered = page.evaluate(COVERED)
    assert covered == [], covered
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "narrow" / "storage-note-360.png"))  # the phone's window, at the top
    # It speaks the language of the moment; read, it can be closed, and it does not come back.
    page.evaluate("location.hash = '#/settings'")
    page.locator("#settings-language").select_option("nl")
    expect(note).to_contain_text("Opslag: de browser")
    page.go_back()
    expect(page.locator("#save-draft")).to_be_visible()
    note.get_by_role("button", name="Sluiten").click()
    expect(note).to_be_hidden()
    page.locator("#save-draft").click()
    expect(page.locator(".toast", has_text="Concept opgeslagen").last).to_be_visible()
    expect(note).to_be_hidden()


# The words of each tab of the main navigation: where they are drawn (the union of their text's boxes).
TAB_WORDS = """() => [...document.querySelectorAll('#topbar nav a')].map((a) => {
  const range = document.createRange();
  range.selectNodeContents(a);
  const boxes = [...range.getClientRects()].filter((r) => r.width > 0);
  return { text: a.textContent, left: Math.min(...boxes.map((r) => r.left)), right: Math.max(...boxes.map((r) => r.right)),
    top: Math.min(...boxes.map((r) => r.top)), bottom: Math.max(...boxes.map((r) => r.bottom)),
    linkLeft: a.getBoundingClientRect().left, linkRight: a.getBoundingClientRect().right };
})"""


def test_the_tabs_keep_their_words_apart_at_320_px_in_every_language(device):
    app, page = device, device.page
    app.first_login("nico")  # a coordinator: five tabs, Reports too
    page.set_viewport_size({"width": 320, "height": 640})
    cramped = []
    for lang in ("nl", "en", "bg"):
        page.evaluate("location.hash = '#/settings'")
        page.locator("#settings-language").select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        tabs = page.evaluate(TAB_WORDS)
        assert len(tabs) == 5, tabs
        for tab in tabs:
            if tab["left"] < 0 or tab["right"] > 320:
                cramped.append((lang, tab["text"], "outside the screen"))
        for a, b in zip(tabs, tabs[1:]):
            same_line = a["bottom"] > b["top"] and b["bottom"] > a["top"]
            if same_line and b["left"] - a["right"] < 12:  # at least 12 px between the words of two tabs
                cramped.append((lang, a["text"], b["text"], round(b["left"] - a["right"], 1)))
        page.screenshot(path=str(ARTIFACTS / "narrow" / f"tabs-{lang}-320.png"), clip={"x": 0, "y": 0, "width": 320, "height": 200})
    assert cramped == [], cramped


def test_a_redraw_after_a_sync_keeps_what_the_user_looks_at_in_place(device):
    """The new case's first sync opens the step change above the instruments; the list the user scrolled to (and may
    be tapping) stays where it is on screen."""
    app, page = device, device.page
    app.first_login("nora")
    page.route("**/api/v1/sync", lambda route: route.abort())  # the case stays unsent until the test has scrolled
    app.new_case("NL-0004", "RO")
    link = page.locator("a.instrument", has_text="Overview 1").first
    link.scroll_into_view_if_needed()
    top = link.evaluate("(e) => e.getBoundingClientRect().top")
    page.unroute("**/api/v1/sync")
    page.locator("#sync-button").dispatch_event("click")  # "Sync now", without scrolling to it
    expect(page.locator("main")).not_to_contain_text("Not sent yet", timeout=15000)
    expect(page.locator("main")).to_contain_text("Close the case for another reason")  # the step change is open
    assert abs(link.evaluate("(e) => e.getBoundingClientRect().top") - top) <= 2  # whole pixels of scrolling


def test_a_sync_that_brings_changes_does_not_clear_what_the_user_types_on_settings(device):
    """Settings is redrawn after a sync that changed something (it shows the last sync and the space used), but
    not over a device name or a password the user is typing."""
    app, page = device, device.page
    app.first_login("nora")
    page.route("**/api/v1/sync", lambda route: route.abort())  # the new case waits in the outbox
    app.new_case("NL-0005", "RO")
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Name of this device").fill("Tablet 3, Utrecht office")
    page.get_by_label("Current password").fill("half a passw")
    page.unroute("**/api/v1/sync")
    page.locator("#sync-button").dispatch_event("click")  # "Sync now", without moving the focus
    app.expect_all_sent()
    page.wait_for_timeout(300)  # the redraw, if any, follows the status line
    expect(page.get_by_label("Name of this device")).to_have_value("Tablet 3, Utrecht office")
    expect(page.get_by_label("Current password")).to_have_value("half a passw")
    # Once left, the screen shows what the sync brought.
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_label("Name of this device")).not_to_have_value("Tablet 3, Utrecht office")


def test_what_the_user_types_while_a_redraw_is_being_built_stays(device):
    """A sync's redraw of Settings reads the device's storage first; a device name typed in that moment is not drawn
    over (CI once lost it this way between a fill and a click)."""
    app, page = device, device.page
    app.first_login("nora")
    page.route("**/api/v1/sync", lambda route: route.abort())  # the new case waits in the outbox
    app.new_case("NL-0006", "RO")
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_label("Name of this device")).to_be_visible()
    app.hold_storage_reading()  # the redraw is held half built
    page.unroute("**/api/v1/sync")
    page.locator("#sync-button").dispatch_event("click")
    app.wait_until_storage_reading_held()
    page.get_by_label("Name of this device").fill("Tablet 4, Utrecht office")
    app.release_storage_reading()
    app.expect_all_sent()
    page.wait_for_timeout(300)
    expect(page.get_by_label("Name of this device")).to_have_value("Tablet 4, Utrecht office")
