"""The core journey on the Safari engine: WebKitGTK's MiniBrowser driven through its WebDriver
(/usr/bin/WebKitWebDriver, Debian's webkit2gtk-driver) under xvfb-run, with Selenium. Log in, choose the
passphrase, reload offline, fill in and finalise Overzicht 1, sync, and the conflict screen. Screenshots go beside
Chromium's as test-artifacts/screenshots/webkit/*.png."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import json
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, ORGS, PASSPHRASE, PASSWORD, Server, email

pytestmark = pytest.mark.browser

DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser"
SHOTS = ARTIFACTS / "webkit"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def webkit():
    for path in (DRIVER, MINIBROWSER, "/usr/bin/xvfb-run"):
        if not Path(path).exists():
            pytest.fail(f"{path} is missing: apt-get install webkit2gtk-driver xvfb")
    from selenium import webdriver
    from selenium.webdriver.webkitgtk.options import Options

    port = free_port()
    driver_process = subprocess.Popen(["xvfb-run", "-a", DRIVER, f"--port={port}"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "WebKitWebDriver did not start"
                time.sleep(0.2)
        options = Options()
        options.binary_location = MINIBROWSER
        options.add_argument("--automation")
        browser = webdriver.Remote(command_executor=f"http://127.0.0.1:{port}", options=options)
        browser.set_window_size(390, 844)
        yield browser
        browser.quit()
    finally:
        os.killpg(driver_process.pid, signal.SIGTERM)
        driver_process.wait(timeout=20)


def wait_for(browser, script: str, timeout: float = 20, *args):
    """Waits until `script` (a function body returning a value) returns something true; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        value = browser.execute_script(script, *args)
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for: {script}"
        time.sleep(0.2)


def shot(browser, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def fill(browser, element_id: str, text: str):
    element = browser.find_element("id", element_id)
    element.clear()
    element.send_keys(text)


class Colleague:
    """The other counsellor, through the JSON API (a cookie session, as the app has)."""

    def __init__(self, url: str, who: str):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.call("POST", "/session", {"email": email(who), "password": PASSWORD})

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(self.url + "/api/v1" + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Content-Type": "application/json", "X-Requested-With": "safefuture"})
        with self.opener.open(request, timeout=20) as response:
            return json.load(response)


def click_label(b, css: str):
    b.execute_script("document.querySelector(arguments[0]).click()", css)


def set_value(b, element_id: str, value: str):
    """A date input takes its value as the browser's picker would give it."""
    b.execute_script("""const el = document.getElementById(arguments[0]); el.value = arguments[1];
      el.dispatchEvent(new Event('input', {bubbles: true}));""", element_id, value)


def test_core_journey_on_webkit(webkit, tmp_path):
    # A server of its own: stopping it is what airplane mode is to the page (nothing answers).
    own = Server(tmp_path, ["webkit"])
    own.start()
    try:
        journey(webkit, own)
    finally:
        own.stop()


def journey(b, server):
    b.get(server.url + "/")
    wait_for(b, "return document.getElementById('email')")
    fill(b, "email", email("wes"))
    fill(b, "password", PASSWORD)
    b.find_element("css selector", "form button[type=submit]").click()
    wait_for(b, "return document.getElementById('passphrase')")
    shot(b, "01-passphrase")
    fill(b, "passphrase", PASSPHRASE)
    fill(b, "passphrase-repeat", PASSPHRASE)
    b.find_element("css selector", "form button[type=submit]").click()
    wait_for(b, "return location.hash === '#/cases' && document.querySelector('main h1')")
    wait_for(b, "return navigator.serviceWorker.controller !== null", 60)
    shot(b, "02-cases")

    # A case, then airplane mode and a reload: the app opens from its cache and unlocks offline.
    b.execute_script("location.hash = '#/cases/new'")
    wait_for(b, "return document.getElementById('client-code')")
    fill(b, "client-code", "WK-0001")
    b.execute_script("const s = document.getElementById('country'); s.value = 'NG'; s.dispatchEvent(new Event('change'))")
    b.find_element("css selector", "form button[type=submit]").click()
    wait_for(b, "return /^#\\/case\\//.test(location.hash)")
    case_id = b.execute_script("return location.hash.split('/')[2]")
    wait_for(b, "return document.getElementById('unsent').textContent === 'All changes sent'", 30)
    # The first worker is no update, though WebKit may still call it waiting once it controls the page.
    assert not b.execute_script("return document.querySelector('.banner.update:not([hidden])')")
    server.stop()
    b.refresh()
    wait_for(b, "return document.getElementById('unlock-passphrase')", 30)
    shot(b, "03-unlock-offline")
    fill(b, "unlock-passphrase", PASSPHRASE)
    b.find_element("css selector", "form button[type=submit]").click()
    wait_for(b, "return document.querySelector('main h1') && document.querySelector('main h1').textContent === 'Case WK-0001'", 30)

    # Overzicht 1, filled in and finalised offline.
    b.execute_script("location.hash = arguments[0]", f"#/case/{case_id}/new/overzicht-1")
    wait_for(b, "return document.getElementById('finalise')")
    set_value(b, "f_2f_scored_on", "2026-01-12")
    click_label(b, '[data-pointer="/status"] input[value="0"]')
    for pointer, index in (("/nl/f1", 0), ("/coo/f1", 2)):
        click_label(b, f'[data-pointer="{pointer}/score"] label.option:nth-child({index + 1})')
    b.find_element("id", "finalise").click()
    wait_for(b, "return document.querySelector('.record .badge.final')", 20)
    record_id = b.execute_script("return location.hash.split('/')[2]")
    shot(b, "04-overzicht-1-final-offline")

    # Back online: the sync sends it.
    server.start()
    wait_for(b, "document.getElementById('sync-button').click(); return true")
    wait_for(b, "return document.getElementById('unsent').textContent === 'All changes sent'", 40)

    # A colleague changes the same record on the server; this device changes it too: the conflict screen.
    colleague = Colleague(server.url, "wim")
    current = colleague.call("GET", f"/records/{record_id}")
    data = current["data"]
    data["nl"]["f1"]["score"] = "++"
    colleague.call("PUT", f"/records/{record_id}", {"case_id": case_id, "form_id": "overzicht-1",
                   "form_version": current["form_version"], "status": "final", "data": data,
                   "base_rev": current["rev"]})
    b.execute_script("location.hash = arguments[0]", f"#/record/{record_id}/edit")
    wait_for(b, "return document.getElementById('finalise')")
    click_label(b, '[data-pointer="/nl/f1/score"] label.option:nth-child(2)')
    b.find_element("id", "save-draft").click()
    wait_for(b, "document.getElementById('sync-button').click(); return true")
    wait_for(b, "return document.querySelector('#record-badges .badge.conflict, .banner.conflict')", 40)
    b.execute_script("location.hash = arguments[0]", f"#/record/{record_id}/conflict")
    wait_for(b, "return document.querySelector('.conflict-field')", 20)
    names = b.execute_script("return [...document.querySelectorAll('.conflict-field .version-name')].map((n) => n.textContent)")
    assert "A colleague's version" in names and "Your version, from this device" in names, names
    wait_for(b, "return document.querySelector('main h1').textContent === 'Choose what to keep'")
    b.execute_script("document.querySelectorAll('.toast').forEach((t) => t.remove())")
    time.sleep(0.5)  # WebKit paints the new screen after the script returns
    shot(b, "05-conflict")
