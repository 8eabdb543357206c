"""A change the server refuses stays in the outbox with the reason shown, until the user fixes and resends it;
an ended session keeps the outbox too; logging out is refused while anything is unsent."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OCCASION = "Occasion (for example: first future conversation, after a decision of the immigration service)"


def test_refused_change_stays_until_fixed_and_resent(device, api_as):
    app, page = device, device.page
    app.first_login("cem")
    app.new_case("NL-3003", "NL")
    app.start_instrument()

    # A draft is never blocked on the device: the too-long answer is marked, and saved anyway.
    too_long = "x" * 501
    page.get_by_label(OCCASION).fill(too_long)
    app.save_draft()
    expect(page.locator('[data-pointer="/occasion"] .field-error')).to_have_text("Too long: at most 500 characters.")

    # The server refuses it (drafts still obey lengths): the change stays, with the server's reason.
    expect(app.unsent()).to_have_text("1 change not sent yet (1 refused)", timeout=15000)
    page.get_by_role("link", name="Outbox").click()
    entry = page.locator("#outbox-list > li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Refused by the server")
    expect(entry).to_contain_text("The record does not match its form.")
    expect(entry).to_contain_text(f"{OCCASION}: Too long: at most 500 characters.")
    app.screenshot("12-outbox-refused")
    # In another language (a colleague's, on a shared tablet), the kept reasons speak it too.
    page.get_by_role("link", name="Settings").click()
    page.locator("#settings-language").select_option("nl")
    page.get_by_role("link", name="Te verzenden").click()
    expect(entry).to_contain_text("Het ingevulde formulier klopt niet met het formulier.")
    expect(entry).to_contain_text("Aanleiding (bijvoorbeeld: eerste toekomstgesprek, na een besluit van de IND): "
                                  "Te lang: hoogstens 500 tekens.")
    page.get_by_role("link", name="Instellingen").click()
    page.locator("#settings-language").select_option("en")

    # Logging out now would lose it: refused, with the reason.
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("alert")).to_contain_text("You cannot log out yet: 1 change has not reached the server.")

    # The server session ends (expiry, or a logout elsewhere): syncing asks for a login and keeps everything.
    assert page.evaluate("fetch('/api/v1/session', {method: 'DELETE', headers: {'X-Requested-With': 'safefuture'}})"
                         ".then((r) => r.status)") == 204
    page.get_by_role("link", name="Outbox").click()
    page.get_by_role("link", name="Open and fix").click()
    expect(page.locator('[data-pointer="/occasion"] .field-error')).to_have_text("Too long: at most 500 characters.")
    page.get_by_label(OCCASION).fill("After the decision of the immigration service")
    app.save_draft()
    expect(page.locator(".banner.login")).to_be_visible(timeout=15000)
    expect(app.unsent()).to_have_text("1 change not sent yet")

    page.locator(".banner.login").get_by_role("link", name="Log in").click()
    expect(page.get_by_label("E-mail address")).to_have_value("cem@reject.example.org")
    app.login("cem")
    app.expect_all_sent()
    expect(page.locator(".banner.login")).to_be_hidden()

    api = api_as("cem")
    case = next(c for c in api.get("/cases")["cases"] if c["client_code"] == "NL-3003")
    [row] = api.get(f"/cases/{case['id']}")["records"]
    record = api.get(f"/records/{row['id']}")
    assert record["status"] == "draft"
    assert record["data"]["occasion"] == "After the decision of the immigration service"
