"""The core journey on the Safari engine: WebKitGTK (Debian's webkit2gtk-driver, its MiniBrowser in automation
mode on a private Xvfb display) driven through WebDriver by Selenium, against the same real server as the Chromium
tests. Log in, choose the passphrase, reload with the server gone (the service worker serves the app), fill and
finalise Overzicht 1 offline, sync when the server is back, and resolve a conflict with a colleague's change.

WebDriver has no network conditions for WebKit, so "offline" here is the server process stopped (the connection
is refused, as on a dead Wi-Fi) and started again on the same port. http://127.0.0.1 is a secure context in
WebKit too, so the service worker, IndexedDB and Web Crypto all run as on an iPhone over https.
Screenshots go beside Chromium's, as webkit/<name>-360.png.
"""
from __future__ import annotations

import os
import select
import subprocess
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import ElementClickInterceptedException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from tests.browser.conftest import ARTIFACTS, PASSPHRASE, PASSWORD, PHONE, Api, Server, email

pytestmark = [pytest.mark.browser, pytest.mark.webkit]

DRIVER = "/usr/bin/WebKitWebDriver"
MINIBROWSER = next(iter(sorted(Path("/usr/lib").glob("*/webkit2gtk-4.1/MiniBrowser"))),
                   "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")  # its folder names the architecture
SHOTS = ARTIFACTS / "webkit"
WAIT = 30  # seconds for anything the app does by itself (a sync, the worker's install), under CPU load
# MiniBrowser's window will not get narrower than its toolbar (447 px); a user style sheet for GTK (not for the
# page) shrinks the toolbar so that the page gets a phone's 360 px.
GTK_CSS = "headerbar, headerbar *, toolbar, toolbar *, entry, button " \
          "{ min-width: 0; min-height: 0; padding: 0; margin: 0; font-size: 1px; }\n"


@pytest.fixture(scope="module")
def display():
    """A private X server for the browser window: Xvfb picks a free display and tells us its number."""
    for path in (DRIVER, str(MINIBROWSER), "/usr/bin/Xvfb"):
        if not Path(path).exists():
            pytest.fail(f"{path} is missing: install Debian's webkit2gtk-driver and xvfb (scripts/setup.sh)")
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 30)
        number = os.read(read_end, 16).decode().strip() if ready else ""
        assert number, "Xvfb did not start within 30 s"
        yield f":{number}"
    finally:
        os.close(read_end)
        xvfb.terminate()
        xvfb.wait(timeout=20)


@pytest.fixture(scope="module")
def webkit_server(tmp_path_factory):
    """The real server, of this module alone: the test stops and starts it."""
    s = Server(tmp_path_factory.mktemp("webkit-server"), ["safari"])
    s.start()
    yield s
    s.stop()


@pytest.fixture
def safari(request, display, webkit_server, tmp_path):
    config = tmp_path / "config"
    (config / "gtk-3.0").mkdir(parents=True)
    (config / "gtk-3.0" / "gtk.css").write_text(GTK_CSS, encoding="utf-8")
    options = Options()
    options.binary_location = str(MINIBROWSER)
    options.add_argument("--automation")
    service = Service(executable_path=DRIVER, log_output=str(tmp_path / "webkit.log"),
                      env={**os.environ, "DISPLAY": display, "XDG_CONFIG_HOME": str(config),
                           "XDG_CACHE_HOME": str(tmp_path / "cache"), "XDG_DATA_HOME": str(tmp_path / "data")})
    driver = webdriver.WebKitGTK(options=options, service=service)
    app = WebKitApp(driver, webkit_server.url)
    failed = request.session.testsfailed
    try:
        driver.set_window_size(PHONE["width"], PHONE["height"])
        app.wait(lambda: driver.execute_script("return innerWidth") == PHONE["width"], "a 360 px wide page")
        yield app
        app.collect()
        if request.session.testsfailed > failed:
            app.screenshot("failed")  # what the screen showed when the test gave up
    finally:
        driver.quit()  # ends MiniBrowser and the driver
    app.assert_no_policy_violations()


class WebKitApp:
    """Drives the field app in WebKit the way a user does: by labels, buttons and links."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url
        self.violations = []

    # The CSP refuses inline scripts and styles and eval. WebKit's WebDriver gives no console log (and MiniBrowser
    # in automation mode writes none), so the page itself notes every refusal and uncaught error, from the moment
    # a navigation returns; the notes are collected before the next one and at the end.
    WATCH = """
      if (!window.violationsSeen) {
        window.violationsSeen = [];
        document.addEventListener('securitypolicyviolation',
          (e) => window.violationsSeen.push(`CSP ${e.violatedDirective}: ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
        window.addEventListener('error', (e) => window.violationsSeen.push(`page error: ${e.message}`));
        window.addEventListener('unhandledrejection', (e) => window.violationsSeen.push(`unhandled: ${e.reason}`));
      }"""

    def watch(self):
        self.driver.execute_script(self.WATCH)

    def collect(self):
        self.violations += self.driver.execute_script("return window.violationsSeen || []")

    def assert_no_policy_violations(self):
        assert not self.violations, self.violations

    # Waiting and finding (every lookup is retried until WAIT: the app draws screens asynchronously)
    def wait(self, condition, message: str, timeout: float = WAIT):
        last = []

        def attempt(_):
            try:
                return condition()
            except (WebDriverException, LookupError) as e:  # not there yet, drawn anew, covered
                last[:] = [e]
                return False
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(attempt, message)
        except TimeoutException as e:
            raise AssertionError(f"waited {timeout} s for: {message}; last: {last[0]!r}" if last else
                                 f"waited {timeout} s for: {message}") from e

    def find(self, script: str, *args, what: str, timeout: float = WAIT):
        """The element a script finds (null: not yet)."""
        return self.wait(lambda: self.driver.execute_script(script, *args), what, timeout)

    def visible(self, css: str, text: str = "", timeout: float = WAIT):
        """The first shown element matching css whose text contains text."""
        return self.find("""for (const el of document.querySelectorAll(arguments[0])) {
                              if (el.getClientRects().length && el.innerText.includes(arguments[1])) return el;
                            }
                            return null;""", css, text, what=f"{css} with {text!r}", timeout=timeout)

    def named(self, css: str, name: str, timeout: float = WAIT):
        """The first shown element matching css whose name (aria-label, or all of its text: a phone may show an
        icon only) contains name."""
        return self.find("""for (const el of document.querySelectorAll(arguments[0])) {
                              const name = el.getAttribute('aria-label') || el.textContent.replace(/\\s+/g, ' ');
                              if (el.getClientRects().length && name.includes(arguments[1])) return el;
                            }
                            return null;""", css, name, what=f"{css} named {name!r}", timeout=timeout)

    def control(self, label: str, timeout: float = WAIT):
        """The shown form control whose label (or aria-label) reads label, or begins with it when label ends
        with an ellipsis."""
        return self.find("""const norm = (s) => s.replace(/\\s+/g, ' ').trim();
                            const [want, start] = arguments[0].endsWith('…') ? [arguments[0].slice(0, -1), true]
                              : [arguments[0], false];
                            for (const el of document.querySelectorAll('input, select, textarea')) {
                              const names = [...(el.labels || [])].map((l) => norm(l.textContent));
                              if (el.getAttribute('aria-label')) names.push(norm(el.getAttribute('aria-label')));
                              if (el.getClientRects().length || el.labels.length) {
                                if (names.some((n) => (start ? n.startsWith(want) : n === want))) return el;
                              }
                            }
                            return null;""", label, what=f"a control labelled {label!r}", timeout=timeout)

    def heading(self, name: str):
        return self.visible("h1", name)

    def expect_text(self, css: str, text: str, timeout: float = WAIT):
        """The element's text, shown or not (as Playwright's to_have_text reads it)."""
        self.wait(lambda: self.driver.find_element(By.CSS_SELECTOR, css).get_property("textContent").strip() == text,
                  f"{css} reads {text!r}", timeout)

    # Acting
    def click(self, find, what: str):
        """Click as a finger does, once nothing covers the element (a passing message, say); find() finds it
        again when the screen was drawn anew in between."""
        def attempt():
            element = find()
            try:
                element.click()
            except ElementClickInterceptedException:
                # Under a sticky bar or a message: the next try has it in the middle of the screen, as a user
                # would scroll it.
                self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
                raise
            return True
        self.wait(attempt, f"{what} can be clicked")

    def press(self, name: str):
        self.click(lambda: self.named("button", name, timeout=1), f"the button {name!r}")

    def follow(self, name: str):
        self.click(lambda: self.named("a", name, timeout=1), f"the link {name!r}")

    def click_css(self, css: str, text: str = ""):
        self.click(lambda: self.visible(css, text, timeout=1), f"{css} {text!r}")

    def fill(self, label: str, text: str):
        field = self.control(label)
        field.clear()
        field.send_keys(text)
        self.wait(lambda: field.get_property("value") == text, f"{label!r} reads {text!r}")

    def check(self, label: str):
        """Tick a radio button or checkbox as a finger does: on its label."""
        self.click(lambda: self.driver.execute_script("return arguments[0].labels[0]", self.control(label, 1)),
                   f"the label {label!r}")
        self.wait(lambda: self.control(label, 1).is_selected(), f"{label!r} is ticked")

    def choose(self, label: str, value: str):
        """Choose an option of a select."""
        self.click(lambda: self.control(label, 1).find_element(By.CSS_SELECTOR, f'option[value="{value}"]'),
                   f"the option {value!r} of {label!r}")
        self.wait(lambda: self.control(label, 1).get_property("value") == value, f"{label!r} is {value!r}")

    def run(self, script: str):
        """The result of a promise in the page."""
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"Promise.resolve().then(() => {script}).then(done, (e) => done('error: ' + e));")

    # The journey's steps
    def open(self, path: str = "/"):
        self.driver.get(self.base_url + path)
        self.watch()

    def reload(self):
        self.collect()
        self.driver.refresh()
        self.watch()

    def login(self, who: str):
        self.fill("E-mail address", email(who))
        self.fill("Password", PASSWORD)
        self.press("Log in")

    def choose_passphrase(self):
        self.heading("Choose a device passphrase")
        self.screenshot("02-passphrase")
        self.fill("Device passphrase", PASSPHRASE)
        self.fill("Repeat the passphrase", PASSPHRASE)
        self.press("Protect this device")
        self.heading("Cases")

    def unlock(self):
        self.fill("Device passphrase", PASSPHRASE)
        self.press("Unlock")

    def wait_until_offline_ready(self):
        """The service worker has installed (precached the app) and controls the page."""
        assert self.run("navigator.serviceWorker.ready.then(() => true)") is True
        self.wait(lambda: self.driver.execute_script("return Boolean(navigator.serviceWorker.controller)"),
                  "the service worker controls the page")

    def server_unreachable(self) -> bool:
        return self.run("fetch('/api/v1/session', {cache: 'no-store'}).then(() => false, () => true)")

    def new_case(self, code: str, country: str):
        self.follow("New case")
        self.fill("Client code", code)
        self.choose("Country of origin", country)
        self.press("Create case")
        self.heading(f"Case {code}")

    def score(self, pointer: str, value: str):
        """Click a score button of the matrix: value is one of -- - + ++."""
        index = ["--", "-", "+", "++"].index(value)
        options = f'[data-pointer="{pointer}/score"] label.option'
        self.click(lambda: self.driver.find_elements(By.CSS_SELECTOR, options)[index], f"{value} for {pointer}")
        self.wait(lambda: self.driver.find_elements(By.CSS_SELECTOR, options)[index]
                  .find_element(By.CSS_SELECTOR, "input").is_selected(), f"{pointer} scored {value}")

    def save_draft(self):
        self.click_css("#save-draft")
        self.visible(".toast", "Draft saved on this device")

    def expect_all_sent(self):
        self.expect_text("#unsent", "All changes sent")

    def screenshot(self, name: str):
        """The whole screen at 360 px, as on a phone tall enough to show all of it (so bars that stick to the
        top or bottom sit where they belong), without passing messages (toasts)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        driver = self.driver
        driver.execute_script("document.querySelectorAll('.toast').forEach((t) => t.remove())")
        window = driver.get_window_size()
        toolbar = window["height"] - driver.execute_script("return innerHeight")
        height = max(PHONE["height"], driver.execute_script("return document.documentElement.scrollHeight"))
        driver.set_window_size(PHONE["width"], height + toolbar)
        self.wait(lambda: driver.execute_script("return innerHeight") == height, "a window as tall as the page")
        # Two animation frames: the window's new size and the removed toasts are painted before the picture.
        driver.execute_async_script("const done = arguments[0];"
                                    "requestAnimationFrame(() => requestAnimationFrame(() => done()))")
        driver.get_screenshot_as_file(str(SHOTS / f"{name}-{PHONE['width']}.png"))
        driver.set_window_size(window["width"], window["height"])


def test_core_journey_on_webkit(safari, webkit_server, playwright):
    app, driver = safari, safari.driver
    app.open()
    app.heading("Log in")
    app.screenshot("01-login")
    app.login("sam")
    app.choose_passphrase()
    app.wait_until_offline_ready()
    # The first worker is no update (WebKit still calls it `waiting` for a moment after it took control).
    assert "A new version of the app is ready" not in driver.find_element(By.TAG_NAME, "body").text
    app.new_case("NG-7070", "NG")
    app.expect_all_sent()
    # Nor once the worker has settled and the first sync is done.
    assert not driver.find_elements(By.CSS_SELECTOR, ".banner.update:not([hidden])")

    # The server goes away; a reload still opens the app, from the service worker's cache, locked.
    webkit_server.stop()
    app.reload()
    app.heading("Unlock Safe Future")
    assert driver.execute_script("return Boolean(navigator.serviceWorker.controller)"), "not from the worker"
    assert app.server_unreachable()
    app.screenshot("03-unlock-offline")
    app.unlock()
    app.heading("Case NG-7070")  # where the reload left it

    # Overzicht 1, filled and finalised offline.
    app.click_css("a.instrument", "Overview 1")
    app.visible("#finalise")
    app.check("B8/3")
    app.fill("Occasion (for example: first future conversation…", "First talk")
    app.score("/nl/f1", "+")
    app.score("/coo/f2", "--")
    app.screenshot("05-form")
    app.click_css("#finalise")
    app.visible(".record .badge.final")
    app.expect_text("#unsent", "1 change not sent yet")
    app.screenshot("07-record-final")

    # The server is back: "Sync now" sends the final record.
    webkit_server.start()
    app.press("Sync now")
    app.expect_all_sent()

    colleague = Api(playwright, webkit_server, "sia")
    try:
        case = next(c for c in colleague.get("/cases")["cases"] if c["client_code"] == "NG-7070")
        [row] = colleague.get(f"/cases/{case['id']}")["records"]
        record = colleague.get(f"/records/{row['id']}")
        assert record["status"] == "final" and record["data"]["status"] == "b8_3"
        assert record["data"]["nl"]["f1"]["score"] == "+" and record["data"]["coo"]["f2"]["score"] == "--"

        # A colleague changes the same answer on the server; this phone, not synced since, changes it too.
        data = record["data"]
        data["nl"]["f1"]["score"] = "--"
        answer = colleague.put(f"/records/{record['id']}", {
            "case_id": case["id"], "form_id": record["form_id"], "form_version": record["form_version"],
            "status": "final", "data": data, "base_rev": record["rev"]})
        assert answer.ok, answer.text()
    finally:
        colleague.close()
    app.follow("Edit")
    app.visible("#finalise")
    app.score("/nl/f1", "++")
    app.save_draft()
    app.visible(".toast", "Someone else changed a record you changed")
    app.expect_all_sent()

    # The conflict screen shows both answers; keep the colleague's.
    app.follow("Compare and choose")
    app.heading("Choose what to keep")
    choice = app.visible('.conflict-field[data-pointer="/nl/f1/score"]')
    assert "Very negative" in choice.text and "Very positive" in choice.text
    names = [n.text for n in choice.find_elements(By.CSS_SELECTOR, ".version-name")]
    assert email("sia") in names and "Your version, from this device" in names, names  # who saved the other one
    app.screenshot("11-conflict")
    theirs = '.conflict-field[data-pointer="/nl/f1/score"] label.version'
    app.click_css(theirs, "Very negative")
    app.wait(lambda: app.visible(theirs, "Very negative", 1).find_element(By.CSS_SELECTOR, "input").is_selected(),
             "the colleague's answer is chosen")
    app.press("Keep these answers")
    app.visible(".toast", "Your choice is saved on this device")
    app.expect_all_sent()
    app.wait(lambda: not driver.find_elements(By.CSS_SELECTOR, ".record .badge.conflict"), "no conflict badge")

    check = Api(playwright, webkit_server, "sam")
    try:
        resolved = check.get(f"/records/{record['id']}")
    finally:
        check.close()
    assert resolved["conflicts"] == []
    assert resolved["data"]["nl"]["f1"]["score"] == "--" and resolved["data"]["occasion"] == "First talk"
