"""The social map on the device: a coordinator's correction reaches a second device by sync; that device browses
and searches the map offline (country, service, free text ignoring case and accents) and picks organisations
for a client's plan, whose contacts then show in the form and the read-only view."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, FieldApp

pytestmark = pytest.mark.browser

ORG = "b14-al-different-equal"  # “Different & Equal”, Albania, with a contact person
NEW_PHONE = "+355 4 222 99 99"


def test_coordinator_edit_reaches_a_second_device_which_searches_offline(browser, server, device):
    mia, page = device, device.page
    mia.first_login("mia")
    mia.expect_synced()

    # The coordinator corrects the phone number, online, on another device.
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    try:
        cora = FieldApp(context.new_page())
        cora.first_login("cora")
        cora.expect_synced()
        cora.page.get_by_role("link", name="Map", exact=True).click()
        cora.page.locator(f'#map-list a[href="#/map/{ORG}"]').click()
        expect(cora.page.get_by_role("heading", name="“Different & Equal”")).to_be_visible()
        cora.page.get_by_role("link", name="Correct this entry").click()
        cora.page.get_by_label("Phone numbers").fill(NEW_PHONE)
        cora.page.get_by_label("Why (optional)").fill("New office number")
        cora.screenshot("socialmap/03-edit")
        cora.page.get_by_role("button", name="Save the correction").click()
        expect(cora.page.locator('a[href="tel:+35542229999"]')).to_be_visible()
        expect(cora.page.locator("#map-history")).to_contain_text("New office number")
        cora.assert_no_policy_violations()
    finally:
        context.close()

    # The second device gets the change with its next sync (the open page is redrawn after it), then works
    # offline.
    page.get_by_role("link", name="Map", exact=True).click()
    page.locator(f'#map-list a[href="#/map/{ORG}"]').click()
    expect(page.locator('a[href="tel:+35542229999"]')).to_have_count(0)
    mia.sync_now()
    expect(page.locator('a[href="tel:+35542229999"]')).to_be_visible()
    page.context.set_offline(True)
    assert mia.network_is_cut()
    page.get_by_role("link", name="Map", exact=True).click()
    expect(page.get_by_role("heading", name="Social map")).to_be_visible()
    total = int(page.locator("#map-count").inner_text().split()[0])
    assert total > 100
    page.get_by_label("Country").select_option("AL")
    albania = int(page.locator("#map-count").inner_text().split()[0])
    assert 0 < albania < total
    page.get_by_label("Service").select_option("shelter")
    expect(page.locator("#map-list")).to_contain_text("Different & Equal")
    mia.screenshot("socialmap/01-browse")
    page.get_by_label("Country").select_option("")
    page.get_by_label("Service").select_option("")
    page.get_by_label("Search the map").fill("DIFFÉRENT équal")  # case and accents do not matter
    expect(page.locator("#map-list > li")).to_have_count(1)
    page.locator(f'#map-list a[href="#/map/{ORG}"]').click()
    expect(page.locator('a[href="tel:+35542229999"]')).to_be_visible()  # the correction, offline
    expect(page.locator('a[href^="mailto:"]').first).to_be_visible()
    expect(page.locator('a[href^="http"]').first).to_be_visible()
    expect(page.locator(".contacts")).to_contain_text("Contact person: Mariana Meshi")
    mia.screenshot("socialmap/02-organisation")

    # Picking organisations for an Albanian client's plan, offline: the picker offers Albania's first.
    page.get_by_role("link", name="Cases", exact=True).click()
    mia.new_case("AL-0077", country="AL")
    mia.start_instrument("Setting goals")
    field = page.locator('[data-pointer="/organisations"]')
    expect(field.locator(".picker-results")).to_contain_text("Different & Equal")
    field.get_by_placeholder("Search the map").fill("different")
    field.locator(".picker-results button.add-org").first.click()
    expect(field.locator(".picked-org")).to_contain_text("Different & Equal")
    expect(field.locator('.picked-org a[href="tel:+35542229999"]')).to_be_visible()
    mia.screenshot("socialmap/04-picker")
    page.locator('[data-pointer="/drawn_up_on"] input').fill("2026-03-02")
    page.get_by_role("button", name="Add: Long-term goal").click()
    page.locator('[data-pointer="/long_term_goals/0/goal"] textarea').fill("A safe home near her sister")
    page.locator("#finalise").click()
    picked = page.locator('.read-only [data-pointer="/organisations"] .picked-org')
    expect(picked).to_contain_text("Different & Equal")
    expect(picked.locator('a[href="tel:+35542229999"]')).to_be_visible()
    mia.screenshot("socialmap/05-read-only")


def test_a_coordinator_takes_an_organisation_off_the_map_and_puts_it_back(device):
    cora, page = device, device.page
    cora.first_login("cora")
    cora.expect_synced()
    page.get_by_role("link", name="Map", exact=True).click()
    page.get_by_label("Search the map").fill("cosudow")
    expect(page.locator("#map-list > li")).to_have_count(2)
    page.locator('#map-list a[href="#/map/b14-ng-cosudow"]').click()

    retire = page.locator("#map-retire")
    retire.get_by_role("button", name="Take off the map").click()
    expect(retire.locator(".form-error")).to_have_text("Say why.")  # nothing is sent without a reason
    cora.screenshot("socialmap/06-take-off", widths=(360,))
    retire.get_by_label("Why", exact=True).fill("Closed in 2026")
    retire.get_by_role("button", name="Take off the map").click()
    expect(page.get_by_role("heading", name="Social map")).to_be_visible()
    page.get_by_label("Search the map").fill("cosudow")
    expect(page.locator("#map-list > li")).to_have_count(1)

    page.get_by_role("link", name="Organisations taken off the map").click()
    entry = page.locator("#retired-list > li", has_text="COSUDOW")
    expect(entry).to_have_count(1)
    cora.screenshot("socialmap/07-taken-off")
    entry.get_by_label("Why", exact=True).fill("Reopened")
    entry.get_by_role("button", name="Put back on the map").click()
    expect(page.get_by_role("heading", name="COSUDOW", exact=True)).to_be_visible()
    expect(page.locator("#map-history")).to_contain_text("Reopened")
    page.get_by_role("link", name="Map", exact=True).click()
    page.get_by_label("Search the map").fill("cosudow")
    expect(page.locator("#map-list > li")).to_have_count(2)


def test_a_coordinator_notes_how_a_service_is_offered_and_where_the_organisation_supports_return_to(device):
    cora, page = device, device.page
    cora.first_login("cora")
    cora.expect_synced()
    page.evaluate("h => { location.hash = h; }", f"#/map/{ORG}/edit")
    note = page.get_by_label("Note on Shelter (optional)")
    expect(note).to_be_visible()  # Different & Equal offers every service
    airport = page.get_by_label("Airport pick-up", exact=True)
    airport.uncheck()
    expect(page.get_by_label("Note on Airport pick-up (optional)")).to_be_hidden()  # only for ticked services
    airport.check()
    note.fill("For women and their children only")
    served = page.locator('[data-path="countries_served"]')
    served.locator("summary").click()  # the list of countries is folded
    served.get_by_label("Kosovo").check()
    expect(served.locator("summary")).to_have_text("Also supports return to: Kosovo")
    cora.screenshot("socialmap/08-edit-notes-and-countries", widths=(360,))
    page.get_by_label("Why (optional)").fill("Confirmed by phone")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".services")).to_contain_text("Shelter — For women and their children only")
    expect(page.locator(".organisation")).to_contain_text("Supports return to: Kosovo")
    expect(page.locator("#map-history")).to_contain_text("countries_served, service_notes — Confirmed by phone")

    # Saving again without touching anything changes nothing (notes and countries compare in any order).
    page.evaluate("h => { location.hash = h; }", f"#/map/{ORG}/edit")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".form-error")).to_have_text("Nothing was changed.")
