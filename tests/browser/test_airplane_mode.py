"""Airplane mode is airplane mode: after one online visit and a browser restart, with the network cut, every
screen and every instrument opens in every language from the service worker's cache."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.domain.forms import FormRegistry
from app.i18n.catalogs import catalog_json
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, PROJECT, FieldApp

pytestmark = pytest.mark.browser

LANGUAGES = ("nl", "en", "bg")
FORMS = FormRegistry(PROJECT / "forms")


def launch(playwright, profile, server, offline: bool):
    return playwright.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, base_url=server.url, viewport=PHONE,
        offline=offline)


def test_every_screen_and_instrument_opens_offline_after_a_browser_restart(playwright, server, tmp_path):
    profile = tmp_path / "profile"
    online = launch(playwright, profile, server, offline=False)
    try:
        app = FieldApp(online.pages[0] if online.pages else online.new_page())
        app.first_login("eli")
        app.wait_until_everything_cached()  # every language, for the checks below
        app.new_case("NG-5150", "NG")
        app.expect_all_sent()
        app.assert_no_policy_violations()
    finally:
        online.close()

    offline = launch(playwright, profile, server, offline=True)
    try:
        app = FieldApp(offline.pages[0] if offline.pages else offline.new_page())
        page = app.open().page
        expect(page.get_by_role("heading", name="Unlock Safe Future")).to_be_visible()
        assert app.network_is_cut()
        app.unlock()
        expect(page.get_by_role("heading", name="Cases")).to_be_visible()
        case_url = page.locator("#case-list a", has_text="NG-5150").get_attribute("href")

        for lang in LANGUAGES:
            catalog = catalog_json(PROJECT / "translations", lang)
            tr = lambda msgid: catalog.get(msgid) or msgid  # noqa: E731
            page.goto("/#/settings")
            page.locator("#settings-language").select_option(lang)
            expect(page.get_by_role("heading", name=tr("Settings"))).to_be_visible()
            expect(page.locator("#offline-ready")).to_have_text(tr("Yes"))

            page.goto("/#/cases")
            expect(page.get_by_role("heading", name=tr("Cases"))).to_be_visible()
            page.goto(f"/{case_url}")
            expect(page.get_by_role("heading", name=tr("Case %(code)s").replace("%(code)s", "NG-5150"))).to_be_visible()
            page.goto("/#/outbox")
            expect(page.get_by_role("heading", name=tr("Outbox"))).to_be_visible()
            for form in sorted(FORMS.current(), key=lambda f: f.id):
                page.goto(f"/{case_url}/new/{form.id}")
                expect(page.locator("h1")).to_have_text(tr(form.schema["title"]))
                first_question = next(iter(form.schema["properties"].values()))
                expect(page.locator(".form-fields .field-label").first).to_contain_text(tr(first_question["title"]))
                expect(page.locator("#finalise")).to_have_text(tr("Finalise"))
            if lang == "bg":
                app.screenshot("13-form-bg-offline", widths=(360,))

        # The login and unlock screens open offline too (the login itself needs the network, and says so).
        page.get_by_role("button", name="Заключи").click()
        expect(page.get_by_role("heading", name="Отключване на Safe Future")).to_be_visible()
        page.get_by_role("link", name="Вход с друг профил").click()
        page.get_by_label("Имейл адрес").fill("someone@example.org")
        page.get_by_label("Парола").fill("anything at all")
        page.get_by_role("button", name="Вход").click()
        expect(page.get_by_role("alert")).to_contain_text("Няма връзка.")
        assert app.network_is_cut()
        app.assert_no_policy_violations()
    finally:
        offline.close()
