"""A counsellor's day in airplane mode: fill and finalise Overzicht 1 offline, lock and unlock, then sync."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The scores a client gives (forms/README.md: "-" and "+" weigh 1, "--" and "++" weigh 2).
NL = {"f1": "++", "f2": "+", "f3": "-", "f4": "--", "f5": "+", "f6": "+", "f7": "++", "f8": "-", "f10": "+"}
COO = {"f1": "--", "f2": "--", "f3": "-", "f4": "+", "f5": "++", "f6": "-", "f7": "+", "f9": "-", "f10": "--"}
EXPECTED_TOTALS = {  # worked out by hand from the scores above
    "Total - (Netherlands)": 4, "Total + (Netherlands)": 8,
    "Total - (country of origin)": 9, "Total + (country of origin)": 4,
    "Total -": 13, "Total +": 12, "Factors scored (of 20)": 18,
}
NOTE = "Feels safe in the shelter; afraid of the recruiter's family at home."


def totals_on_screen(page) -> dict[str, int]:
    out = {}
    for row in page.locator(".totals .total").all():
        out[row.locator("dt").inner_text().strip()] = int(row.locator("output").inner_text())
    return out


def test_offline_fill_finalise_lock_unlock_and_sync(device, api_as):
    app, page = device, device.page
    app.open()
    app.screenshot("01-login")
    app.login("anna")
    expect(page.get_by_role("heading", name="Choose a device passphrase")).to_be_visible()
    app.screenshot("02-passphrase")
    app.choose_passphrase()
    app.wait_until_offline_ready()

    # Airplane mode, and a reload: the app comes from the service worker and is locked.
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Unlock Safe Future")).to_be_visible()
    assert app.network_is_cut()
    app.screenshot("03-unlock")
    app.unlock()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    expect(page.locator(".badge.offline")).to_be_visible()

    app.new_case("NG-0412")
    app.start_instrument()
    app.screenshot("05-form-empty")

    # Finalising an empty record is refused, with the errors announced and next to the field.
    page.locator("#finalise").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Residence status: This field is required.")
    expect(page.locator('[data-pointer="/status"] .field-error')).to_have_text("This field is required.")
    expect(page.locator('[data-pointer="/status"]')).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#announcer")).to_have_text("Not finalised: 2 answers to check.")  # for screen readers
    app.screenshot("06-form-errors")

    page.get_by_label("B8/3", exact=True).check()
    page.get_by_label("Date of this scoring").fill("2026-03-02")
    for factor, value in NL.items():
        app.score(f"/nl/{factor}", value)
    for factor, value in COO.items():
        app.score(f"/coo/{factor}", value)
    app.write_note("/nl/f1", NOTE)
    assert totals_on_screen(page) == EXPECTED_TOTALS  # live, before any save

    app.save_draft()
    expect(app.unsent()).to_have_text("2 changes not sent yet")
    page.locator("#finalise").click()
    expect(page.locator(".record .badge.final")).to_be_visible()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()
    expect(app.unsent()).to_have_text("2 changes not sent yet")  # the case and the record, still waiting
    app.screenshot("07-record-final")
    assert totals_on_screen(page) == EXPECTED_TOTALS

    page.get_by_role("link", name="Outbox").click()
    expect(page.locator("#outbox-list > li")).to_have_count(2)
    app.screenshot("08-outbox-waiting")

    # Locking drops the key: nothing of the case stays on screen, and only the passphrase brings it back.
    page.get_by_role("button", name="Lock").click()
    expect(page.get_by_role("heading", name="Unlock Safe Future")).to_be_visible()
    assert "NG-0412" not in page.content()
    app.unlock("not the passphrase at all")
    expect(page.get_by_role("alert")).to_have_text("Wrong passphrase. Try again.")
    app.unlock()
    app.open_case("NG-0412")
    expect(page.locator("#record-list .badge.final")).to_be_visible()
    app.screenshot("04-case")

    # The connection returns: the app syncs by itself, and shows how far it got.
    held = []
    page.route("**/api/v1/sync", lambda route: held.append(route))
    page.context.set_offline(False)
    expect(app.unsent()).to_have_text("Sending 0 of 2")
    held[0].continue_()
    page.unroute("**/api/v1/sync")
    app.expect_all_sent()
    expect(page.locator("#last-sync")).to_contain_text("Last sync:")
    page.get_by_role("link", name="Cases", exact=True).click()
    app.screenshot("09-cases")

    api = api_as("anna")
    case = next(c for c in api.get("/cases")["cases"] if c["client_code"] == "NG-0412")
    assert case["country_of_origin"] == "NG"
    [summary_row] = api.get(f"/cases/{case['id']}")["records"]
    record = api.get(f"/records/{summary_row['id']}")
    assert record["status"] == "final" and record["form_id"] == "overzicht-1"
    assert record["data"]["status"] == "b8_3" and record["data"]["scored_on"] == "2026-03-02"
    assert {f: v["score"] for f, v in record["data"]["nl"].items()} == NL
    assert {f: v["score"] for f, v in record["data"]["coo"].items()} == COO
    assert record["data"]["nl"]["f1"]["note"] == NOTE
    totals = record["data"]["totals"]
    assert [totals[k] for k in ("nl_minus", "nl_plus", "coo_minus", "coo_plus", "total_minus", "total_plus",
                                "scored_count")] == list(EXPECTED_TOTALS.values())
    assert record["conflicts"] == []


def test_settings_language_and_logout(device):
    app, page = device, device.page
    app.first_login("anna")
    app.expect_synced()
    page.get_by_role("link", name="Settings").click()
    expect(page.locator("#offline-ready")).to_have_text("Yes")
    app.screenshot("10-settings")

    page.get_by_label("Language").select_option("nl")
    expect(page.get_by_role("heading", name="Instellingen")).to_be_visible()
    expect(page.get_by_role("button", name="Nu synchroniseren")).to_be_visible()
    page.get_by_label("Taal").select_option("bg")
    expect(page.get_by_role("heading", name="Настройки")).to_be_visible()
    page.get_by_label("Език").select_option("en")

    # With nothing unsent, logging out ends the session and removes the account from the device.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.evaluate("indexedDB.databases().then((dbs) => dbs.map((d) => d.name))") == ["safefuture"]
    assert page.evaluate("fetch('/api/v1/session').then((r) => r.status)") == 401
