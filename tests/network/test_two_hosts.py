"""The field app used the way it will be: from a second host, over HTTPS, through a real reverse proxy (Caddy), on a
fast link and on a 2G/EDGE-like one (tests/network/field.py sets the hosts up, tests/network/shaper.py shapes)."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.network.conftest import USERS
from tests.network.field import PLAIN_HTTP_PORT, SERVER_ADDRESS

pytestmark = [pytest.mark.browser, pytest.mark.network]

# A request as the app makes it (its headers: the device id and the key its session answers to), from the page.
APP_FETCH = """async ([method, path, body]) => {
  const { requestHeaders } = await import('/js/api.js');
  const init = {method, headers: {...requestHeaders(), 'Content-Type': 'application/json'}};
  if (body) init.body = JSON.stringify(body);
  const response = await fetch('/api/v1' + path, init);
  return {status: response.status, body: await response.json().catch(() => null)};
}"""


@pytest.fixture(autouse=True)
def patient_expectations():
    """A first visit over 2G takes tens of seconds: waits for what the user waits for are long here."""
    expect.set_options(timeout=60_000)
    yield
    expect.set_options(timeout=5_000)


def fill_overzicht_1(app, code: str):
    page = app.page
    app.new_case(code)
    app.start_instrument()
    page.get_by_label("B8/3", exact=True).check()
    page.get_by_label("Date of this scoring").fill("2026-03-02")
    app.score("/nl/f1", "++")
    app.score("/coo/f1", "--")
    app.save_draft()
    page.locator("#finalise").click()
    expect(page.locator(".record .badge.final")).to_be_visible()


def record_on_server(page, code: str) -> dict:
    def get(path):
        answer = page.evaluate(APP_FETCH, ["GET", path, None])
        assert answer["status"] == 200, answer
        return answer["body"]

    case = next(c for c in get("/cases")["cases"] if c["client_code"] == code)
    [row] = get(f"/cases/{case['id']}")["records"]
    return get(f"/records/{row['id']}")


def test_the_core_journey_from_a_second_host_over_https_through_caddy(hosts, tablet):
    app = tablet()
    page = app.page
    app.open()
    assert page.url == "https://safefuture.test/" and page.evaluate("window.isSecureContext")
    # Six failed logins for unknown e-mails from the tablet's address: a colleague there still gets in.
    for i in range(6):
        answer = page.evaluate(APP_FETCH, ["POST", "/session", {"email": f"nobody{i}@example.org",
                                                                "password": "not the password"}])
        assert answer["status"] == 401
    with page.expect_response(lambda r: r.url.endswith("/api/v1/session") and r.request.method == "POST") as login:
        app.login(USERS[0])
    assert login.value.status == 200
    app.choose_passphrase()
    app.wait_until_offline_ready()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "sf_session"]
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # A write through Caddy: the Origin check sees the real https origin.
    answer = page.evaluate(APP_FETCH, ["POST", "/cases", {"id": "0d3c7a2e-5b61-4f0e-9a4b-3c2d1e0f9a8b",
                                                          "client_code": "NG-7001", "country_of_origin": "NG"}])
    assert answer["status"] == 201, answer

    # Reload under the service worker, offline: fill and finalise Overzicht 1.
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name="Unlock Safe Future")).to_be_visible()
    assert app.network_is_cut()
    app.unlock()
    fill_overzicht_1(app, "NG-7002")
    expect(app.unsent()).to_have_text("2 changes not sent yet")
    app.screenshot("30-two-hosts-https-record", widths=(360,))

    # Online again: the app syncs by itself, and the record is on the server.
    page.context.set_offline(False)
    app.expect_all_sent(timeout=60_000)
    record = record_on_server(page, "NG-7002")
    assert record["status"] == "final" and record["form_id"] == "overzicht-1"
    assert record["data"]["status"] == "b8_3" and record["data"]["nl"]["f1"]["score"] == "++"
    app.assert_no_policy_violations()


def test_plain_http_shows_the_https_page_and_caddy_redirects_the_name_to_https(hosts, tablet):
    app = tablet()
    page = app.page
    page.goto(f"http://{SERVER_ADDRESS}:{PLAIN_HTTP_PORT}/")
    assert page.evaluate("window.isSecureContext") is False
    expect(page.get_by_role("heading", name="Safe Future needs a secure connection")).to_be_visible()
    expect(page.get_by_role("link", name=f"https://{SERVER_ADDRESS}/")).to_be_visible()
    expect(page.locator("input")).to_have_count(0)
    app.screenshot("31-plain-http", widths=(360,))
    page.goto("http://safefuture.test/")
    assert page.url == "https://safefuture.test/"
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_the_journey_over_2g_first_visit_offline_ready_then_offline_work_and_sync(hosts, tablet, tmp_path):
    profile = tmp_path / "2g-profile"
    app = tablet("2g", user_data_dir=profile)
    page = app.page
    started = time.monotonic()
    app.open()
    app.login(USERS[1])
    app.choose_passphrase()
    app.wait_until_offline_ready()
    seconds = time.monotonic() - started  # reported, not asserted: the benchmark measures
    assert app.precache_missing(ui_language_only=True) == []  # installed with everything the app needs
    print(f"2G first visit to offline-ready: {seconds:.1f} s")
    app.wait_until_everything_cached(timeout=120)  # the other languages follow
    page.context.close()

    offline = tablet("2g", offline=True, user_data_dir=profile)
    offline.open()
    expect(offline.page.get_by_role("heading", name="Unlock Safe Future")).to_be_visible()
    assert offline.network_is_cut()
    offline.unlock()
    expect(offline.page.get_by_role("heading", name="Cases")).to_be_visible()
    fill_overzicht_1(offline, "NG-7003")

    # Back online, still over 2G: the app syncs by itself and the record reaches the server.
    offline.page.context.set_offline(False)
    offline.expect_all_sent(timeout=60_000)
    record = record_on_server(offline.page, "NG-7003")
    assert record["status"] == "final" and record["data"]["coo"]["f1"]["score"] == "--"
