"""Every instrument opens offline in every language, with its translated title and translated validation
messages; a full-page screenshot of each at 360 px goes to test-artifacts/screenshots/forms/<lang>/<form>.png."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from .conftest import ARTIFACTS, PROJECT

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "nl", "bg")
REQUIRED = {"en": "This field is required.", "nl": "Dit veld is verplicht.", "bg": None}


def catalog(lang: str, domain: str) -> dict[str, str]:
    with (PROJECT / "translations" / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and isinstance(m.id, str)}


def test_every_instrument_offline_in_every_language(device, server):
    app, page = device, device.page
    with urllib.request.urlopen(server.url + "/api/v1/forms") as response:
        forms = json.load(response)
    assert len(forms) >= 20
    app.first_login("fay")
    app.new_case("BG-0001", "BG")
    case_id = re.search(r"#/case/([\w-]+)", page.url).group(1)
    # Let the new case reach the server and the case view finish asking about it, so that only what happens
    # offline is counted below.
    expect(page.locator("#unsent.pending")).to_have_count(0, timeout=15000)
    page.wait_for_load_state("networkidle")
    errors, attempts = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: attempts.append(r.url))
    page.context.set_offline(True)
    assert app.network_is_cut()
    # The browser logs that probe's refused request, maybe later than this line; every other error counts,
    # and so does any request the app itself tries while offline.
    probe = "Failed to load resource: net::ERR_INTERNET_DISCONNECTED"

    for lang in LANGUAGES:
        titles = catalog(lang, "forms")
        required = catalog(lang, "messages")["This field is required."]
        page.evaluate("location.hash = '#/settings'")
        page.locator("#settings-language").select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        out = ARTIFACTS / "forms" / lang
        out.mkdir(parents=True, exist_ok=True)
        for form in forms:
            page.evaluate("(hash) => { location.hash = hash; }", f"#/case/{case_id}/new/{form['id']}")
            schema = json.loads((PROJECT / "forms" / f"{form['id']}.schema.json").read_text(encoding="utf-8"))
            expect(page.locator("h1")).to_have_text(titles[schema["title"]] or schema["title"])
            page.screenshot(path=str(out / f"{form['id']}.png"), full_page=True, animations="disabled")
        # The device's validation messages come from the same catalogs as the server's.
        page.locator("#finalise").click()
        expect(page.locator(".error-summary")).to_contain_text(required)
    page.context.set_offline(False)
    assert [e for e in errors if e != probe] == [] and errors.count(probe) <= 1, errors
    assert [u for u in attempts if not u.endswith("/api/v1/session")] == [], attempts
