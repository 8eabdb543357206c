"""Running an organisation in the app (issue 14): a coordinator adds a counsellor, who sets her password through
the one-time link and logs in; the coordinator wipes her device and at its next sync the app is empty and says
why. An admin creates an organisation with its first coordinator. Screenshots of the new screens."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PASSWORD, FieldApp

pytestmark = pytest.mark.browser
NEW_PASSWORD = "maple harbour under seven clouds"
SARA = "sara@running.example.org"


def open_settings_link(app: FieldApp, name: str):
    app.page.get_by_role("link", name="Settings").click()
    app.page.get_by_role("link", name=name, exact=True).click()
    expect(app.page.get_by_role("heading", name=name, exact=True, level=1)).to_be_visible()


def databases(app: FieldApp) -> list[str]:
    return app.page.evaluate("indexedDB.databases().then((list) => list.map((d) => d.name))")


def test_a_coordinator_adds_a_counsellor_and_wipes_her_lost_device(browser, server, device):
    coordinator = FieldApp(browser.new_context(base_url=server.url, viewport=DESKTOP).new_page())
    coordinator.first_login("rosa")
    open_settings_link(coordinator, "Users")
    form = coordinator.page.locator("#add-user")
    form.get_by_label("E-mail address").fill(SARA)
    form.get_by_label("Role").select_option("counsellor")
    form.get_by_role("button", name="Add the user").click()
    link = coordinator.page.get_by_label("Set-up link")
    expect(link).to_be_visible()
    setup_url = link.input_value()
    assert "#/setup/" in setup_url and PASSWORD not in coordinator.page.content()
    expect(coordinator.page.locator("#user-list")).to_contain_text(SARA)
    # Each user's organisation by its name ("Running"), not its id ("running").
    expect(coordinator.page.locator("#user-list li", has_text=SARA).locator(".card-meta")).to_contain_text("Running ·")
    coordinator.screenshot("users")

    # Sara opens the link on her phone and chooses a password; no password came from the server.
    sara = device
    # Every request her app makes to the API names her device (the instruments' downloads too).
    unnamed = []
    sara.page.on("request", lambda r: unnamed.append(r.url) if "/api/v1/" in r.url
                 and not r.headers.get("x-device-id") else None)
    sara.page.goto(setup_url)
    expect(sara.page.get_by_role("heading", name="Choose your password")).to_be_visible()
    sara.page.get_by_label("New password", exact=True).fill("123456789012")
    sara.page.get_by_label("Repeat the new password").fill("123456789012")
    sara.page.get_by_role("button", name="Save the password").click()
    expect(sara.page.locator(".field-error")).to_contain_text("too easy to guess")
    sara.screenshot("setup-password")
    sara.page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    sara.page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    sara.page.get_by_role("button", name="Save the password").click()
    expect(sara.page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(sara.page.get_by_label("E-mail address")).to_have_value(SARA)
    sara.page.get_by_label("Password").fill(NEW_PASSWORD)
    sara.page.get_by_role("button", name="Log in").click()
    sara.choose_passphrase()
    sara.new_case("WIPE-1")
    sara.sync_now()
    sara.expect_all_sent()
    sara.page.get_by_role("link", name="Settings").click()
    sara.page.get_by_label("Name of this device").fill("Tablet 2, Lagos office")
    sara.page.get_by_role("button", name="Save the name").click()
    expect(sara.page.locator(".toast", has_text="Saved.")).to_be_visible()
    sara.screenshot("settings-account")
    assert any(name.startswith("safefuture-") for name in databases(sara))
    assert unnamed == [], unnamed

    # The coordinator sees the device and wipes it.
    open_settings_link(coordinator, "Devices")
    entry = coordinator.page.locator("#device-list li", has_text="Tablet 2, Lagos office")
    expect(entry).to_contain_text(SARA)
    entry.get_by_role("button", name="Wipe…").click()
    coordinator.screenshot("devices-confirm-wipe")
    entry.get_by_role("button", name="Wipe this device").click()
    expect(coordinator.page.locator("#device-list li", has_text="Tablet 2, Lagos office")).to_contain_text(
        "Wipe ordered")

    # At Sara's next sync the app erases everything it held and says why.
    old_id = sara.page.evaluate("localStorage.getItem('safefuture-device-id')")
    # "Sync now", unless a sync of the app's own (a timer, the browser's background sync) has already met the
    # order and erased the app, button and all.
    sara.page.evaluate("document.getElementById('sync-button')?.click()")
    expect(sara.page.locator("#wiped-notice")).to_contain_text("wiped on the order of your organisation")
    assert not any(name.startswith("safefuture-") for name in databases(sara))
    assert sara.page.evaluate("""new Promise((done) => {
        const r = indexedDB.open('safefuture'); r.onsuccess = () => r.result.transaction('accounts')
          .objectStore('accounts').count().onsuccess = (e) => done(e.target.result); })""") == 0  # no wrapped key
    assert sara.page.evaluate("localStorage.getItem('safefuture-device-id')") != old_id
    sara.screenshot("wiped")

    coordinator.page.reload()
    coordinator.unlock()
    open_settings_link(coordinator, "Devices")
    expect(coordinator.page.locator("#device-list li", has_text="Tablet 2, Lagos office")).to_contain_text(
        "the device confirmed it erased everything")
    coordinator.screenshot("devices")
    coordinator.assert_no_policy_violations()
    coordinator.page.context.close()


def test_an_admin_creates_an_organisation_with_its_first_coordinator(browser, server):
    admin = FieldApp(browser.new_context(base_url=server.url, viewport=DESKTOP).new_page())
    admin.first_login("ada")
    open_settings_link(admin, "Organisations")
    admin.page.get_by_label("Short id").fill("sofia-ngo")
    admin.page.get_by_label("Name", exact=True).fill("Sofia NGO")
    admin.page.get_by_label("Country").select_option("BG")
    admin.page.get_by_label("Kind").select_option("partner")
    admin.page.get_by_label("E-mail address of the first coordinator").fill("vera@sofia-ngo.example.org")
    admin.page.get_by_role("button", name="Create the organisation").click()
    expect(admin.page.get_by_label("Set-up link")).to_be_visible()
    expect(admin.page.locator("#organisation-list")).to_contain_text("Sofia NGO")
    admin.screenshot("organisations")
    admin.page.locator("#organisation-list li", has_text="Sofia NGO").get_by_role("button", name="Deactivate").click()
    expect(admin.page.locator("#organisation-list li", has_text="Sofia NGO")).to_contain_text("Deactivated")
    # Every organisation's users, by organisation, found by e-mail address or organisation name.
    open_settings_link(admin, "Users")
    users = admin.page.locator("#user-list li.admin-item")
    orgs = [meta.split(" · ")[0] for meta in users.locator(".card-meta").all_inner_texts()]
    assert len(orgs) > 20 and orgs == sorted(orgs, key=str.lower), orgs
    search = admin.page.get_by_label("Find a user by e-mail address or organisation")
    search.fill("sofia ngo")
    expect(admin.page.locator("#user-list li.admin-item:visible")).to_have_count(1)
    expect(admin.page.locator("#user-list li.admin-item:visible")).to_contain_text("vera@sofia-ngo.example.org")
    expect(admin.page.locator("#user-count")).to_have_text("1 user")
    # A new set-up link redraws the list: the search stays, and so does what it found.
    admin.page.locator("#user-list li:visible").get_by_role("button", name="New set-up link").click()
    expect(admin.page.get_by_label("Set-up link")).to_be_visible()
    expect(search).to_have_value("sofia ngo")
    expect(admin.page.locator("#user-list li.admin-item:visible")).to_have_count(1)
    search.fill("nobody by this name")
    expect(admin.page.locator("#user-list li.empty")).to_have_text("No user matches.")
    search.fill("")
    expect(admin.page.locator("#user-list li.admin-item:visible")).to_have_count(len(orgs))
    # The same screens in Bulgarian, on a phone.
    admin.page.get_by_role("link", name="Settings").click()
    admin.page.locator("#settings-language").select_option("bg")
    expect(admin.page.get_by_role("heading", name="Настройки", level=1)).to_be_visible()
    admin.page.get_by_role("link", name="Потребители", exact=True).click()
    expect(admin.page.get_by_role("heading", name="Потребители", level=1)).to_be_visible()
    admin.screenshot("users-bg", widths=(360,))
    admin.assert_no_policy_violations()
    admin.page.context.close()
