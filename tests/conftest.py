"""Shared fixtures in the style of the Flask tutorial: `app`, `client`, `runner`, plus helpers to make
organisations, users and logged-in API clients."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from app import create_app
from app.services import accounts

PASSWORD = "correct horse battery staple"
HEADERS = {"X-Requested-With": "safefuture"}


@pytest.fixture(params=["memory", "tinydb"])
def store_kind(request):
    return request.param


@pytest.fixture
def app(tmp_path, request):
    """A fresh app on a fresh data directory. Tests that want a specific store use `store_kind`."""
    kind = request.getfixturevalue("store_kind") if "store_kind" in request.fixturenames else "tinydb"
    app = create_app({"TESTING": True, "DATA_DIR": tmp_path / "instance", "STORE": kind})
    yield app
    app.extensions["safefuture"].store.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Api:
    """A test client logged in as one user, sending the CSRF header on every call."""

    def __init__(self, app, email: str):
        self.client = app.test_client()
        self.email = email
        r = self.post("/api/v1/session", {"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.json
        self.user = r.json["user"]

    def _headers(self, extra):
        return {**HEADERS, **(extra or {})}

    def get(self, url, headers=None):
        return self.client.get(url, headers=self._headers(headers))

    def post(self, url, json=None, headers=None, **kw):
        return self.client.post(url, json=json, headers=self._headers(headers), **kw)

    def put(self, url, json=None, headers=None, **kw):
        return self.client.put(url, json=json, headers=self._headers(headers), **kw)

    def patch(self, url, json=None, headers=None, **kw):
        return self.client.patch(url, json=json, headers=self._headers(headers), **kw)

    def delete(self, url, headers=None):
        return self.client.delete(url, headers=self._headers(headers))

    def new_case(self, country="NG", code=None) -> str:
        case_id = str(uuid.uuid4())
        r = self.post("/api/v1/cases", {"id": case_id, "client_code": code or f"C-{case_id[:6]}",
                                        "country_of_origin": country})
        assert r.status_code == 201, r.json
        return case_id


@pytest.fixture
def make_user(app):
    """make_user(email, org="shelter-a", role="counsellor", kind="counselling") -> email, creating the org."""
    c = app.extensions["safefuture"]

    def make(email, org="shelter-a", role="counsellor", kind=None, country="NL"):
        if c.store.get_org(org) is None:
            accounts.create_org(c, org, org.title(), country, kind or ("partner" if role == "partner" else "counselling"))
        accounts.create_user(c, email, org, role, PASSWORD)
        return email

    return make


@pytest.fixture
def login(app):
    return lambda email: Api(app, email)


@pytest.fixture
def counsellor(make_user, login):
    return login(make_user("anna@shelter-a.nl"))


def overzicht1(status="b8_3", **scores) -> dict:
    """Overzicht 1 data: scores given as nl_f1="+", coo_f3="--" ..."""
    data = {"status": status, "nl": {}, "coo": {}}
    for key, score in scores.items():
        block, factor = key.split("_")
        data[block][factor] = {"score": score}
    return data


def change(case_id, data=None, status="draft", base_rev=None, **extra) -> dict:
    return {"case_id": case_id, "form_id": "overzicht-1", "form_version": 1, "status": status,
            "data": data if data is not None else overzicht1(), "base_rev": base_rev, **extra}


@pytest.fixture(scope="session")
def playwright():
    """One Playwright for the session, shared by the browser and the two-host tests (tests/browser, tests/network):
    the sync API allows only one at a time."""
    from playwright.sync_api import sync_playwright

    if not Path("/usr/bin/chromium").exists():
        pytest.fail("/usr/bin/chromium is missing: install Debian's chromium package (apt-get install chromium)")
    with sync_playwright() as p:
        yield p
