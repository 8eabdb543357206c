"""The app on a field network: an answer lost after the server stored the batch, a reload halfway through
sending, and a server out of space. Nothing is stored twice, nothing is lost, and the user is told."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RECORDS = 30
NOTE = "Notes typed in the field, long enough to fill a batch. " * 360  # ~20 KB: 30 records need several batches


def add_records(page, case_code: str, count: int) -> None:
    """Save `count` draft records in the case through the app, as the record view does (it is the sync that is
    tested here, not typing)."""
    page.evaluate("""async ([code, count, note]) => {
      const { app } = await import('/js/app.js');
      const value = (await app.store.listCases()).find((c) => c.client_code === code);
      for (let n = 0; n < count; n += 1) {
        await app.saveRecord({ id: crypto.randomUUID(), case_id: value.id, form_id: 'overzicht-1', form_version: 1,
          status: 'draft', data: { occasion: `visit ${n}`, status_note: note } });
      }
    }""", [case_code, count, NOTE])


def pushes(route) -> bool:
    body = route.request.post_data
    return bool(body) and bool(json.loads(body).get("push") or json.loads(body).get("cases"))


def test_an_answer_lost_three_times_and_a_reload_store_every_change_once(device, api_as):
    app, page = device, device.page
    app.first_login("nat")
    page.context.set_offline(True)
    app.new_case("NW-0001", "NG")
    add_records(page, "NW-0001", RECORDS)
    expect(app.unsent()).to_have_text(f"{RECORDS + 1} changes not sent yet")

    # The first batch reaches the server three times and its answer is lost each time; the fourth answer
    # arrives. The next batch's answer is lost when the app is reloaded; after the reload, it is held until
    # the progress is checked.
    seen, held = [], []

    def network(route):
        if not pushes(route):
            return route.continue_()
        seen.append(route.request.post_data)
        n = len(seen)
        if n <= 3 or n == 5:
            route.fetch()  # the server stores the batch ...
            return route.abort("connectionreset")  # ... and the answer never arrives
        if n == 6:
            return held.append(route)
        return route.continue_()

    page.route("**/api/v1/sync", network)
    page.context.set_offline(False)  # online: the app syncs at once, then retries with back-off by itself
    for _ in range(1200):
        if len(seen) >= 5:
            break
        page.wait_for_timeout(50)
    assert len(seen) >= 5, f"{len(seen)} batches sent"
    assert seen[0] == seen[1] == seen[2] == seen[3], "a batch whose answer was lost is sent again unchanged"
    first_batch = len(json.loads(seen[0])["push"]) + len(json.loads(seen[0])["cases"])
    assert 1 < first_batch < RECORDS + 1, "bounded in bytes: the records go in several batches"
    assert all(len(body.encode()) < 300 * 1024 for body in seen)

    page.reload()  # the fifth batch is on the server; its answer is lost with the page
    app.unlock()
    for _ in range(600):
        if held:
            break
        page.wait_for_timeout(50)
    assert held and held[0].request.post_data == seen[4], "after the reload, the batch in flight goes again"
    # The progress survives the reload: it goes on from what was sent, not from 0.
    expect(app.unsent()).to_have_text(f"Sending {first_batch} of {RECORDS + 1}")
    held[0].continue_()
    app.expect_all_sent(timeout=60_000)
    page.unroute("**/api/v1/sync")

    api = api_as("nat")
    [case] = [c for c in api.get("/cases")["cases"] if c["client_code"] == "NW-0001"]
    summaries = api.get(f"/cases/{case['id']}")["records"]
    assert len(summaries) == RECORDS
    for summary in summaries:
        record = api.get(f"/records/{summary['id']}")
        assert record["rev"].startswith("1-") and record["conflicts"] == [], record["rev"]


def test_a_server_out_of_space_is_told_and_the_change_stays_in_the_outbox(device, api_as):
    app, page = device, device.page
    app.first_login("ned")
    message = ("The server is out of storage space and could not save your change. It stays on this device "
               "and is sent again later.")

    def full(route):
        if not pushes(route):
            return route.continue_()
        route.fulfill(status=507, content_type="application/json",
                      body=json.dumps({"error": "out_of_space", "message": message}))

    page.route("**/api/v1/sync", full)
    app.new_case("NW-0507", "BG")
    expect(page.locator(".toast", has_text=message).first).to_be_visible(timeout=20_000)
    expect(app.unsent()).to_have_text("1 change not sent yet")
    page.get_by_role("link", name="Outbox").click()
    expect(page.locator("#outbox-list > li")).to_have_count(1)
    app.screenshot("13-out-of-space")
    assert not [c for c in api_as("ned").get("/cases")["cases"] if c["client_code"] == "NW-0507"]

    page.unroute("**/api/v1/sync")  # space returns
    app.sync_now()
    app.expect_all_sent()
    assert [c for c in api_as("ned").get("/cases")["cases"] if c["client_code"] == "NW-0507"]


def test_a_hung_sync_gives_up_at_its_timeout_and_is_tried_again_by_itself(device, api_as):
    app, page = device, device.page
    page.clock.install()  # the page's timers run as usual until the test pauses them and moves time on
    app.first_login("nat")
    held = []

    def hang_once(route):
        if not pushes(route) or held:
            return route.continue_()
        held.append(route)  # the connection hangs: no answer, no error

    page.route("**/api/v1/sync", hang_once)
    app.new_case("NW-HANG", "NG")
    for _ in range(600):
        if held:
            break
        page.wait_for_timeout(50)
    assert held
    expect(app.unsent()).to_have_text("Sending 0 of 1")
    page.clock.pause_at(datetime.fromtimestamp(page.evaluate("Date.now()") / 1000 + 0.1, tz=timezone.utc))
    page.clock.fast_forward(121_000)  # past the sync request's 120 s
    expect(app.unsent()).to_have_text("1 change not sent yet")  # and it stays so while time stands still
    page.clock.fast_forward(2_000)  # the first retry comes after 1-2 s
    page.clock.resume()
    app.expect_all_sent()
    assert [c for c in api_as("nat").get("/cases")["cases"] if c["client_code"] == "NW-HANG"]
