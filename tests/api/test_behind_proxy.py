"""SAFEFUTURE_BEHIND_PROXY: forwarded headers count only when the server is told it sits behind one proxy."""
from __future__ import annotations

import pytest

from app import create_app
from app.services import accounts
from tests.conftest import HEADERS, PASSWORD

SITE = "https://safefuture.example.org"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "safefuture.example.org",
             "X-Forwarded-For": "198.51.100.7", "Origin": SITE}


@pytest.fixture
def proxied_app(tmp_path):
    """The app as run behind Caddy: it sees plain http on loopback, with the proxy's headers."""
    app = create_app({"TESTING": True, "DATA_DIR": tmp_path / "instance", "STORE": "memory", "BEHIND_PROXY": True})
    yield app
    app.extensions["safefuture"].store.close()


def login(client, email, password=PASSWORD, **headers):
    return client.post("/api/v1/session", json={"email": email, "password": password},
                       headers={**HEADERS, **headers}, base_url="http://127.0.0.1:8000")


def test_without_the_setting_a_forged_forwarded_scheme_is_ignored(client, make_user):
    make_user("anna@shelter-a.nl")
    r = login(client, "anna@shelter-a.nl", **FORWARDED)
    assert r.status_code == 403 and r.json["message"] == "Requests from another site are refused."
    r = client.get("/api/v1/forms", headers=FORWARDED, base_url="http://127.0.0.1:8000")
    assert "Strict-Transport-Security" not in r.headers


def test_behind_the_proxy_login_and_write_follow_the_real_scheme_and_host(proxied_app):
    c = proxied_app.extensions["safefuture"]
    accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
    accounts.create_user(c, "anna@shelter-a.nl", "shelter-a", "counsellor", PASSWORD)
    client = proxied_app.test_client()
    r = login(client, "anna@shelter-a.nl", **FORWARDED)
    assert r.status_code == 200, r.json
    cookie = r.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    client.set_cookie("sf_session", cookie.split(";")[0].split("=", 1)[1], domain="127.0.0.1")
    r = client.post("/api/v1/cases", json={"id": "3f6c1e5e-8a7b-4c1d-9e2f-0a1b2c3d4e5f", "client_code": "NG-1",
                                           "country_of_origin": "NG"},
                    headers={**HEADERS, **FORWARDED}, base_url="http://127.0.0.1:8000")
    assert r.status_code == 201, r.json
    # A page that is not the proxy's own address is still another site.
    assert login(client, "anna@shelter-a.nl", **{**FORWARDED, "Origin": "https://evil.example"}).status_code == 403


def test_behind_the_proxy_the_throttle_counts_the_forwarded_client_address(proxied_app):
    c = proxied_app.extensions["safefuture"]
    accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
    accounts.create_user(c, "anna@shelter-a.nl", "shelter-a", "counsellor", PASSWORD)
    client = proxied_app.test_client()
    c.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 3
    c.extras.pop("login_throttle", None)
    for i in range(3):  # a flood of made-up e-mails from one client behind the proxy
        assert login(client, f"nobody{i}@example.org", "not the password", **FORWARDED).status_code == 401
    assert login(client, "anna@shelter-a.nl", **FORWARDED).status_code == 429
    # Another client comes through the same proxy (same REMOTE_ADDR) with its own address: not locked out.
    other = {**FORWARDED, "X-Forwarded-For": "203.0.113.9"}
    assert login(client, "anna@shelter-a.nl", **other).status_code == 200


def test_the_real_server_ignores_forwarded_headers_unless_told_and_honours_them_when_told(tmp_path):
    """`flask serve` (waitress, which drops X-Forwarded-* of proxies it was not told about, then ProxyFix)."""
    import json
    import urllib.error
    import urllib.request

    from tests.live_server import running_server

    def attempt(base: str) -> tuple[int, str | None]:
        host = base.split("//", 1)[1]
        request = urllib.request.Request(
            f"{base}/api/v1/session", data=json.dumps({"email": "x@example.org", "password": "not it"}).encode(),
            method="POST", headers={**HEADERS, "Content-Type": "application/json", "X-Forwarded-Proto": "https",
                                    "Origin": f"https://{host}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as r:
                return r.status, r.headers.get("Strict-Transport-Security")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Strict-Transport-Security")

    with running_server(tmp_path / "plain", {"SAFEFUTURE_BEHIND_PROXY": ""}) as base:
        assert attempt(base) == (403, None)  # forged https: still another site
    with running_server(tmp_path / "proxied", {"SAFEFUTURE_BEHIND_PROXY": "1"}) as base:
        assert attempt(base) == (401, "max-age=31536000")  # the scheme counted: only the password is wrong
