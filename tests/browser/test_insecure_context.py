"""Opened over plain http on a name that is not this machine, the app shows the page that asks for HTTPS (in the UI
language, with the https address) and no login form: without a secure context it could not work."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE, FieldApp

pytestmark = pytest.mark.browser


@pytest.fixture
def named_browser(playwright, server):
    """A browser that reaches the test server by a name, as a tablet reaches a real one (plain http)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
        *CHROMIUM_ARGS, "--host-resolver-rules=MAP safefuture.test 127.0.0.1"])
    yield browser
    browser.close()


@pytest.mark.parametrize("locale, heading, link_text", [
    ("en-GB", "Safe Future needs a secure connection", "https://safefuture.test/"),
    ("nl-NL", "Safe Future heeft een beveiligde verbinding nodig", "https://safefuture.test/"),
])
def test_plain_http_on_a_name_shows_the_https_page_not_the_login(named_browser, server, locale, heading, link_text):
    context = named_browser.new_context(viewport=PHONE, locale=locale)
    try:
        app = FieldApp(context.new_page())
        page = app.page
        page.goto(f"http://safefuture.test:{server.port}/")
        assert page.evaluate("window.isSecureContext") is False
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(page.get_by_role("link", name=link_text)).to_have_attribute("href", link_text)
        expect(page.locator("input[type=password]")).to_have_count(0)
        expect(page.locator("form")).to_have_count(0)
        if locale.startswith("en"):
            app.screenshot("00-needs-https", widths=(360,))
            page.get_by_label("Language").select_option("bg")
            expect(page.get_by_role("heading", name="Safe Future се нуждае от защитена връзка")).to_be_visible()
        app.assert_no_policy_violations()
    finally:
        context.close()
