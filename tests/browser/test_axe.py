"""axe-core (tests/vendor/axe-core@<version>/, MPL-2.0) on every screen of the field app in Dutch, English and
Bulgarian: no serious or critical violation anywhere, and no moderate one either; and no English phrase of the
catalogs left on a Dutch or Bulgarian screen (online, as a coordinator). What axe found is written to
the artifacts folder (axe/<language>.json), moderate and minor findings included.

axe is evaluated into the page through the DevTools protocol: the app's Content Security Policy stays as it is."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, PASSPHRASE, PASSWORD, PROJECT, email, english_left, english_phrases

pytestmark = pytest.mark.browser

AXE = next((PROJECT / "tests" / "vendor").glob("axe-core@*/axe.min.js"))
LANGUAGES = ("nl", "en", "bg")
# Forms of several kinds: the score matrix, long sectioned forms, drawings, a monitoring report.
FORMS = ("overzicht-1", "return-file", "reintegration-plan", "genogram", "ecogram", "safety-plan", "monitoring-report")


def axe(page, screen: str) -> list[dict]:
    """axe's violations on the open screen, each as {screen, rule, impact, nodes: [selectors]}."""
    if not page.evaluate("Boolean(window.axe)"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ rule: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
    }""")
    return [{"screen": screen, **v} for v in found]


def show(page, hash_: str):
    page.evaluate("(h) => { location.hash = h; }", hash_)
    expect(page.locator("main h1").first).to_be_visible()
    page.wait_for_load_state("networkidle")


def test_axe_finds_nothing_serious_on_any_screen_in_any_language(device, api_as):
    app, page = device, device.page
    found = {lang: [] for lang in LANGUAGES}

    # Log in and the passphrase, in each language (the login screen has its own language choice).
    page.goto("/")
    for lang in ("nl", "bg", "en"):
        page.evaluate("location.hash = '#/login'")
        page.locator("#language").select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.locator("#email")).to_be_visible()
        found[lang] += axe(page, "login")
        page.locator("#email").fill(email("axel"))
        page.locator("#password").fill(PASSWORD)
        page.locator("form button[type=submit]").click()
        expect(page.locator("#passphrase")).to_be_visible()
        found[lang] += axe(page, "passphrase")
    page.locator("#passphrase").fill(PASSPHRASE)
    page.locator("#passphrase-repeat").fill(PASSPHRASE)
    page.locator("form button[type=submit]").click()
    expect(page.locator("#sync-button")).to_be_visible()

    # A case with a final Overzicht 1 and a draft in conflict with a version saved elsewhere.
    app.new_case("AXE-0001", "NG")
    case_id = re.search(r"#/case/([\w-]+)", page.url).group(1)
    app.start_instrument("Overview 1")
    page.get_by_label("B8/3", exact=True).check()
    page.get_by_label("Date of this scoring").fill("2026-03-02")
    app.score("/nl/f1", "+")
    page.locator("#finalise").click()
    expect(page.locator(".record .badge.final")).to_be_visible()
    final_id = re.search(r"#/record/([\w-]+)", page.url).group(1)
    show(page, f"#/case/{case_id}/new/safety-plan")
    page.locator(".form-fields textarea").first.fill("Calls the counsellor first")
    app.save_draft()
    draft_id = re.search(r"#/record/([\w-]+)", page.url).group(1)
    app.expect_all_sent()
    api = api_as("axel")
    on_server = api.get(f"/records/{draft_id}")
    other = {k: on_server[k] for k in ("case_id", "form_id", "form_version", "status", "data")}
    other["data"] = {**other["data"]}
    first_key = next(iter(other["data"]))
    other["data"][first_key] = "Written on another device"
    assert api.put(f"/records/{draft_id}", {**other, "base_rev": None}).status == 409
    app.sync_now()
    expect(page.locator(".banner.conflict")).to_be_visible(timeout=15000)

    screens = {"cases": "#/cases", "new case": "#/cases/new", "case": f"#/case/{case_id}",
               "final record": f"#/record/{final_id}", "record edit": f"#/record/{final_id}/edit",
               "conflict": f"#/record/{draft_id}/conflict", "handover": f"#/case/{case_id}/handover",
               "outbox": "#/outbox", "inbox": "#/inbox", "settings": "#/settings", "map": "#/map",
               "map entry new": "#/map/new", "reports": "#/reports", "users": "#/users", "devices": "#/devices",
               **{f"form {f}": f"#/case/{case_id}/new/{f}" for f in FORMS}}
    english_of = {lang: english_phrases(lang) for lang in LANGUAGES if lang != "en"}
    english = []
    for lang in LANGUAGES:
        show(page, "#/settings")
        page.locator("#settings-language").select_option(lang)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        for screen, address in screens.items():
            show(page, address)
            found[lang] += axe(page, screen)
            if lang != "en":
                english += [(lang, screen, phrase) for phrase in english_left(page, english_of[lang])]
        show(page, "#/map")
        page.locator("#map-list a, .cards a.card").first.click()
        expect(page.locator("main h1")).to_be_visible()
        found[lang] += axe(page, "map entry")

    out = ARTIFACTS / "axe"
    out.mkdir(parents=True, exist_ok=True)
    for lang, violations in found.items():
        (out / f"{lang}.json").write_text(json.dumps(violations, indent=1, ensure_ascii=False), encoding="utf-8")
    summary = sorted({(lang, v["impact"], v["rule"], v["screen"]) for lang, vs in found.items() for v in vs})
    print("\n".join(map(str, summary)))
    serious = [v for vs in found.values() for v in vs if v["impact"] in ("serious", "critical")]
    assert serious == [], json.dumps(serious, indent=1, ensure_ascii=False)
    moderate = sorted({(v["rule"], v["screen"]) for vs in found.values() for v in vs if v["impact"] == "moderate"})
    assert moderate == [], moderate
    assert english == [], "\n".join(map(str, english))
