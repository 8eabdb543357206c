"""Browser tests of the field app: the real server in a subprocess, Debian's Chromium driven by Playwright.

One server and one browser serve the whole session; every test works in its own browser context (its own
device: IndexedDB, service worker, cookies) and its own organisation, so tests do not see each other's cases.
Screenshots of the main screens, at 360 and 1280 px, go to test-artifacts/screenshots/ (SAFEFUTURE_ARTIFACTS
overrides the folder).
"""
from __future__ import annotations

import functools
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STORE = "tinydb"  # the server's store for these tests
PASSWORD = "correct horse battery staple"
PASSPHRASE = "blue river seven lanterns"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
ARTIFACTS = Path(os.environ.get("SAFEFUTURE_ARTIFACTS") or PROJECT / "test-artifacts") / "screenshots"

# One organisation per test module keeps their case lists apart.
ORGS = ["field", "conflict", "reject", "marker", "offline", "lock", "update", "handover", "bgpartner", "mapping",
        "casework", "forms", "narrow", "reports", "running", "locking", "drawing", "network", "safari", "follow", "axe"]
USERS = {
    "field": ["anna"], "conflict": ["bob", "bea"], "reject": ["cem"], "marker": ["dana"], "offline": ["eli"],
    "lock": ["lou"], "update": ["gil"], "handover": ["nina"], "bgpartner": ["petar"], "mapping": ["cora", "mia"],
    "casework": ["cas"], "forms": ["fay"], "narrow": ["nora", "nico"], "reports": ["rita", "rob"], "running": ["rosa", "ada"],
    "locking": ["lena"], "drawing": ["gina"], "network": ["nat", "ned"], "safari": ["sam", "sia"],
    "follow": ["fenna", "floor"], "axe": ["axel"],
}
ROLES = {"petar": "partner", "cora": "coordinator", "rita": "coordinator", "rosa": "coordinator",
         "ada": "admin", "axel": "coordinator", "nico": "coordinator"}  # everyone else is a counsellor
PARTNER_ORGS = {"bgpartner": "BG"}  # partner organisations abroad, by country


def email(name: str) -> str:
    org = next(o for o, names in USERS.items() if name in names)
    return f"{name}@{org}.example.org"


@functools.cache
def english_phrases(lang: str) -> tuple[str, ...]:
    """The catalogs' English phrases (three words or more) that `lang` says otherwise: none belongs on its screens."""
    phrases = set()
    for po in (PROJECT / "translations" / lang / "LC_MESSAGES").glob("*.po"):
        with po.open("rb") as f:
            for message in read_po(f):
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                msgstr = message.string if isinstance(message.string, str) else (message.string or [""])[0]
                words = msgid.split("%(")[0].split()  # the words before the first placeholder
                if len(words) >= 3 and msgstr and msgstr != msgid:
                    phrases.add(" ".join(words))
    return tuple(sorted(phrases))


def english_left(page, phrases: tuple[str, ...]) -> list[str]:
    """The phrases of `phrases` on the page, toasts aside (one said before the language changed stays in its own)."""
    page.evaluate("document.querySelectorAll('.toast').forEach((t) => t.remove())")
    shown = " ".join(page.locator("body").inner_text().split())
    return [phrase for phrase in phrases if phrase in shown]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The real server (`app` + waitress) in a subprocess, on a loopback port that survives restarts."""

    def __init__(self, workdir: Path, orgs: list[str], pwa_dir: Path | None = None, forms_dir: Path | None = None):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = {
            "port": self.port, "data_dir": str(workdir / "data"), "store": STORE,
            "pwa_dir": str(pwa_dir) if pwa_dir else None, "forms_dir": str(forms_dir) if forms_dir else None,
            "orgs": [{"id": o, "name": o.title(), "country": PARTNER_ORGS.get(o, "NL"),
                      "kind": "partner" if o in PARTNER_ORGS else "counselling"} for o in orgs],
            "users": [{"email": email(n), "org": o, "role": ROLES.get(n, "counsellor"), "password": PASSWORD}
                      for o in orgs for n in USERS[o]],
        }
        self.process = None

    def start(self) -> None:
        config = self.workdir / "server.json"
        config.write_text(json.dumps(self.config), encoding="utf-8")
        log = (self.workdir / "server.log").open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "tests.browser.serve_app", str(config)], cwd=PROJECT,
                                        stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped: see {self.workdir / 'server.log'}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/forms", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("server"), ORGS)
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    b = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def device(browser, server):
    """A new device: a fresh browser context with the field app open in a phone-sized page."""
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    app = FieldApp(context.new_page())
    yield app
    context.close()
    app.assert_no_policy_violations()


class FieldApp:
    """Drives the field app in one page the way a user does: by labels, buttons and links."""

    def __init__(self, page):
        self.page = page
        self.violations = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.violations.append(f"page error: {error}"))

    def _console(self, message):
        # The CSP refuses inline scripts and styles and eval; the browser reports every refusal here.
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.violations.append(message.text)

    def assert_no_policy_violations(self):
        assert not self.violations, self.violations

    # Getting in
    def open(self):
        self.page.goto("/")
        return self

    def login(self, who: str, password: str = PASSWORD):
        self.page.get_by_label("E-mail address").fill(email(who))
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()

    def choose_passphrase(self, passphrase: str = PASSPHRASE):
        self.page.get_by_label("Device passphrase").fill(passphrase)
        self.page.get_by_label("Repeat the passphrase").fill(passphrase)
        self.page.get_by_role("button", name="Protect this device").click()
        expect(self.page.get_by_role("heading", name="Cases")).to_be_visible()

    def first_login(self, who: str):
        self.open()
        self.login(who)
        self.choose_passphrase()
        self.wait_until_offline_ready()

    def unlock(self, passphrase: str = PASSPHRASE):
        self.page.get_by_label("Device passphrase").fill(passphrase)
        self.page.get_by_role("button", name="Unlock").click()

    def wait_until_offline_ready(self):
        """The service worker has precached everything and controls the page."""
        self.page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        deadline = time.monotonic() + 30
        while not self.page.evaluate("Boolean(navigator.serviceWorker.controller)"):
            assert time.monotonic() < deadline, "the service worker never took control"
            time.sleep(0.1)

    def precache_missing(self, ui_language_only: bool = False) -> list[str]:
        """The entries of the worker's precache list (the first line of /sw.js) not in its cache; with
        ui_language_only, of those it installs with (every catalog but the other languages', which follow)."""
        return self.page.evaluate("""async (uiOnly) => {
          const first = (await (await fetch('/sw.js')).text()).split('\\n', 1)[0];
          const manifest = JSON.parse(first.slice(first.indexOf('=') + 1, first.lastIndexOf(';')));
          const cache = await caches.open('safefuture-shell-' + manifest.version);
          const lang = document.documentElement.lang;
          const missing = [];
          for (const { url, lang: of } of manifest.entries) {
            if (uiOnly && of && of !== lang) continue;
            if (!(await cache.match(url))) missing.push(url);
          }
          return missing;
        }""", ui_language_only)

    def wait_until_everything_cached(self, timeout: float = 30):
        """Also the other languages' catalogs, which the worker fetches once it is active."""
        deadline = time.monotonic() + timeout
        while missing := self.precache_missing():
            assert time.monotonic() < deadline, f"never cached: {missing}"
            time.sleep(0.2)

    def network_is_cut(self) -> bool:
        """True when a request from the page cannot reach the server (what airplane mode means)."""
        return self.page.evaluate("fetch('/api/v1/session', {cache: 'no-store'}).then(() => false, () => true)")

    # Working
    def new_case(self, code: str, country: str = "NG"):
        self.page.get_by_role("link", name="New case").click()
        # The form first: the case list's search box ("Find a case number or client code") also matches the label.
        expect(self.page.get_by_role("heading", name="New case")).to_be_visible()
        self.page.get_by_label("Client code", exact=True).fill(code)
        self.page.get_by_label("Country of origin").select_option(country)
        self.page.get_by_role("button", name="Create case").click()
        expect(self.page.get_by_role("heading", name=f"Case {code}")).to_be_visible()

    def open_case(self, code: str):
        self.page.get_by_role("link", name="Cases", exact=True).click()
        self.page.locator("#case-list a", has_text=code).click()
        expect(self.page.get_by_role("heading", name=f"Case {code}")).to_be_visible()

    def start_instrument(self, title_start: str = "Overview 1"):
        self.page.locator("a.instrument", has_text=title_start).first.click()
        expect(self.page.locator("#finalise")).to_be_visible()

    def score(self, pointer: str, value: str):
        """Click a score button of the matrix: value is one of -- - + ++."""
        index = ["--", "-", "+", "++"].index(value)
        self.page.locator(f'[data-pointer="{pointer}/score"] label.option').nth(index).click()

    def write_note(self, pointer: str, text: str):
        row = self.page.locator(f'.matrix-row[data-pointer="{pointer}"]')
        row.locator("button.note-toggle").click()
        row.locator("textarea").fill(text)

    def hold_storage_reading(self):
        """The app's next reading of the device's storage (Settings is drawn with it) waits for
        release_storage_reading(): a render held half built, to type or sync meanwhile."""
        self.page.evaluate("""() => {
            const estimate = navigator.storage.estimate.bind(navigator.storage);
            window.releaseEstimate = null;
            navigator.storage.estimate = () => new Promise((resolve) => {
                window.releaseEstimate = () => resolve(estimate());
            });
        }""")

    def wait_until_storage_reading_held(self):
        self.page.wait_for_function("() => window.releaseEstimate !== null", timeout=15000)

    def release_storage_reading(self):
        self.page.evaluate("() => window.releaseEstimate()")

    def save_draft(self):
        """Save and wait until the draft is on the device (and counted in the outbox)."""
        self.page.locator("#save-draft").click()
        expect(self.page.locator(".toast", has_text="Draft saved on this device").last).to_be_visible()

    def unsent(self):
        return self.page.locator("#unsent")

    def expect_synced(self, timeout: float = 15000):
        """At least one sync finished since the app opened or the device was set up."""
        expect(self.page.locator("#last-sync")).to_contain_text("Last sync:", timeout=timeout)

    def sync_now(self):
        self.page.get_by_role("button", name="Sync now").click()

    def expect_all_sent(self, timeout: float = 15000):
        expect(self.unsent()).to_have_text("All changes sent", timeout=timeout)

    # Evidence for people
    def screenshot(self, name: str, widths=(360, 1280)):
        """The whole screen at each width, as on a device tall enough to show all of it (so bars that stick to
        the top or bottom of the window sit where they belong), without passing messages (toasts)."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        before = self.page.viewport_size
        self.page.evaluate("document.querySelectorAll('.toast').forEach((t) => t.remove())")
        for width in widths:
            base = PHONE["height"] if width < 600 else DESKTOP["height"]
            self.page.set_viewport_size({"width": width, "height": base})
            height = max(base, self.page.evaluate("document.documentElement.scrollHeight"))
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), animations="disabled")
        self.page.set_viewport_size(before)


class Api:
    """The server's JSON API, called as a logged-in user (to check what reached the server)."""

    def __init__(self, playwright, server, who: str):
        self.request = playwright.request.new_context(base_url=server.url,
                                                      extra_http_headers={"X-Requested-With": "safefuture"})
        response = self.request.post("/api/v1/session", data={"email": email(who), "password": PASSWORD})
        assert response.ok, response.text()

    def get(self, path: str):
        response = self.request.get(f"/api/v1{path}")
        assert response.ok, response.text()
        return response.json()

    def put(self, path: str, body: dict):
        return self.request.put(f"/api/v1{path}", data=body)

    def close(self):
        self.request.dispose()


@pytest.fixture
def api_as(playwright, server):
    opened = []

    def login(who: str) -> Api:
        api = Api(playwright, server, who)
        opened.append(api)
        return api

    yield login
    for api in opened:
        api.close()
