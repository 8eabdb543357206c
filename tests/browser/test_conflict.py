"""Two counsellors change the same record: the server keeps both, the app shows both field by field, and the
resolution chosen in the app reaches the server."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, FieldApp, email

pytestmark = pytest.mark.browser


def test_conflict_from_a_second_device_is_resolved_field_by_field(device, browser, server, api_as):
    bob, page = device, device.page
    bob.first_login("bob")
    bob.new_case("BG-0077", "BG")
    bob.start_instrument()
    page.get_by_label("Dependent residence status").check()
    bob.score("/nl/f1", "+")
    page.get_by_label("Occasion (for example: first future conversation", exact=False).fill("First talk")
    bob.save_draft()
    bob.expect_all_sent()

    # A colleague's tablet (a second browser context) receives the record, changes it and sends it first.
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    try:
        bea = FieldApp(context.new_page())
        bea.first_login("bea")
        bea.page.get_by_role("link", name="Settings").click()
        bea.page.get_by_label("Name of this device").fill("Tablet 2, Sofia office")
        bea.page.get_by_role("button", name="Save the name").click()
        expect(bea.page.locator(".toast", has_text="Saved.")).to_be_visible()
        bea.expect_synced()
        bea.open_case("BG-0077")
        bea.page.locator("#record-list a").click()
        bea.score("/nl/f1", "--")
        bea.save_draft()
        bea.expect_all_sent()
        bea.assert_no_policy_violations()
    finally:
        context.close()

    # Bob, who has not synced since, changes the same answer and adds another.
    bob.score("/nl/f1", "++")
    bob.write_note("/coo/f2", "Police protection promised by the partner NGO")
    bob.save_draft()
    expect(page.locator(".toast", has_text="Someone else changed a record you changed")).to_be_visible(timeout=15000)
    bob.expect_all_sent()

    api = api_as("bob")
    case = next(c for c in api.get("/cases")["cases"] if c["client_code"] == "BG-0077")
    record_id = api.get(f"/cases/{case['id']}")["records"][0]["id"]
    on_server = api.get(f"/records/{record_id}")
    assert on_server["data"]["nl"]["f1"]["score"] == "--" and len(on_server["conflicts"]) == 1

    bob.open_case("BG-0077")
    expect(page.locator("#record-list .badge.conflict")).to_be_visible()
    page.locator("#record-list a").click()
    page.get_by_role("link", name="Compare and choose").click()
    expect(page.get_by_role("heading", name="Choose what to keep")).to_be_visible()
    score_choice = page.locator('.conflict-field[data-pointer="/nl/f1/score"]')
    note_choice = page.locator('.conflict-field[data-pointer="/coo/f2/note"]')
    expect(score_choice).to_contain_text("Very negative")  # the colleague's answer
    expect(score_choice).to_contain_text("Very positive")  # Bob's answer
    expect(note_choice).to_contain_text("Police protection promised by the partner NGO")
    expect(page.locator(".conflict-field")).to_have_count(2)
    # Each version says who saved it, on which device and when.
    colleague = f"{email('bea')}, on Tablet 2, Sofia office"
    expect(page.locator(".version-list li").filter(has_text=colleague)).to_contain_text("saved ")
    expect(page.locator(".version-list li").filter(has_text="Your version, from this device")).to_have_count(1)
    bob.screenshot("11-conflict")

    # Keep the colleague's score and Bob's note.
    score_choice.get_by_label(colleague).check()
    note_choice.get_by_label("Your version, from this device").check()
    page.get_by_role("button", name="Keep these answers").click()
    expect(page.locator(".toast", has_text="Your choice is saved on this device")).to_be_visible()
    bob.expect_all_sent()
    expect(page.locator(".record .badge.conflict")).to_have_count(0)

    resolved = api.get(f"/records/{record_id}")
    assert resolved["conflicts"] == []
    assert resolved["data"]["nl"]["f1"]["score"] == "--"
    assert resolved["data"]["coo"]["f2"]["note"] == "Police protection promised by the partner NGO"
    assert resolved["data"]["occasion"] == "First talk"
    assert resolved["data"]["status"] == "dependent"
