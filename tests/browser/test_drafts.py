"""Drafts on the device: opening a form and leaving it without an answer makes no record; a draft the server
never had can be discarded after a second tap, one it has is kept there as a discarded revision; two drafts of one instrument are told apart by their first
answers; an open form follows the sync that sends it."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PLAN = "Personal Return Action Plan"


def back_to_case(page, code: str):
    page.get_by_role("link", name=f"← Case {code}").click()
    expect(page.get_by_role("heading", name=f"Case {code}")).to_be_visible()


def test_no_empty_records_discard_and_first_answers(device, api_as):
    app, page = device, device.page
    app.first_login("nora")
    app.new_case("NL-0005", "NG")
    app.expect_all_sent()
    page.context.set_offline(True)
    assert app.network_is_cut()

    # Opened and left without an answer: nothing was made.
    app.start_instrument(PLAN)
    back_to_case(page, "NL-0005")
    expect(page.locator("#record-list")).to_have_count(0)
    expect(app.unsent()).to_have_text("All changes sent")

    # Two drafts of one instrument, told apart by their first answers.
    for name in ("Ada Obi", "Grace Eze"):
        app.start_instrument(PLAN)
        page.get_by_label("Client name").fill(name)
        back_to_case(page, "NL-0005")
    cards = page.locator("#record-list .card")
    expect(cards).to_have_count(2)
    expect(cards.locator(".first-answers")).to_have_text(["Grace Eze", "Ada Obi"])

    # Discarding asks once more, then the draft leaves the device and the outbox.
    cards.filter(has_text="Grace Eze").click()
    discard = page.locator("#discard-draft")
    discard.click()
    expect(discard).to_contain_text("Really discard this draft?")
    expect(page.locator("#record-list")).to_have_count(0)  # still on the form
    discard.click()
    expect(page.get_by_role("heading", name="Case NL-0005")).to_be_visible()
    expect(page.locator("#record-list .card")).to_have_count(1)
    expect(page.locator("#record-list .card")).to_contain_text("Ada Obi")
    expect(app.unsent()).to_contain_text("1 change not sent yet")

    # Back online, the form stays open while the sync sends it, and says so.
    page.context.set_offline(False)
    page.locator("#record-list .card").click()
    page.get_by_label("Counsellor name").fill("Nora")
    app.save_draft()
    expect(page.locator("#record-badges")).to_contain_text("Sent", timeout=20000)
    expect(page.get_by_label("Counsellor name")).to_have_value("Nora")
    expect(page.get_by_label("Client name")).to_have_value("Ada Obi")

    # A sent draft is discarded too, after a second tap: the server keeps it as a discarded revision.
    record_id = page.url.split("#/record/", 1)[1].split("/", 1)[0]
    discard = page.locator("#discard-draft")
    discard.click()
    expect(discard).to_contain_text("The server keeps it as a discarded version.")
    discard.click()
    expect(page.get_by_role("heading", name="Case NL-0005")).to_be_visible()
    expect(page.locator("#record-list")).to_have_count(0)
    app.expect_all_sent()
    on_server = api_as("nora").get(f"/records/{record_id}")
    assert on_server["status"] == "discarded" and "Ada Obi" in json.dumps(on_server["data"])
    # A sync brings nothing back.
    app.sync_now()
    app.expect_all_sent()
    expect(page.locator("#record-list")).to_have_count(0)
