"""The login throttle: 5 failures per account, a far higher limit per address (an office shares one NAT
address), and bounded memory under a flood of made-up e-mails."""
from __future__ import annotations

import pytest

from app.domain.errors import TooManyRequests
from app.services.auth import LoginThrottle
from tests.conftest import HEADERS, PASSWORD


def login(client, email, password=PASSWORD):
    return client.post("/api/v1/session", json={"email": email, "password": password}, headers=HEADERS)


def test_six_failed_logins_for_unknown_emails_leave_a_colleague_on_that_address_able_to_log_in(client, make_user):
    make_user("anna@shelter-a.nl")
    for i in range(6):
        assert login(client, f"typo{i}@shelter-a.nl", "not the password").status_code == 401
    r = login(client, "anna@shelter-a.nl")
    assert r.status_code == 200, r.json


def test_an_account_locks_after_five_failures_whoever_tries(client, make_user):
    make_user("anna@shelter-a.nl")
    make_user("bob@shelter-a.nl")
    for _ in range(5):
        assert login(client, "anna@shelter-a.nl", "not the password").status_code == 401
    assert login(client, "anna@shelter-a.nl").status_code == 429
    assert login(client, "bob@shelter-a.nl").status_code == 200  # the same address, another account


def test_the_address_limit_is_far_above_an_office(app):
    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] >= 100
    assert app.config["LOGIN_MAX_FAILURES"] == 5


def test_an_address_locks_after_its_own_limit(app, client, make_user):
    make_user("anna@shelter-a.nl")
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 8  # the default's 100 logins would take a minute of argon2
    for i in range(8):
        assert login(client, f"guess{i}@example.org", "not the password").status_code == 401
    r = login(client, "anna@shelter-a.nl")
    assert r.status_code == 429 and r.json["error"] == "too_many_requests"


def test_an_overlong_email_is_refused_without_a_lookup_or_an_entry(app, client):
    r = login(client, "a" * 250 + "@example.org", "not the password")
    assert r.status_code == 401 and r.json["message"] == "Wrong e-mail address or password."
    assert app.extensions["safefuture"].extras.get("login_throttle") is None or \
        app.extensions["safefuture"].extras["login_throttle"].size() == 0


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr("app.services.auth.time.monotonic", c)
    return c


def test_refused_attempts_create_no_entries_and_memory_stays_bounded(clock):
    throttle = LoginThrottle(max_per_account=5, max_per_address=100, window=900, max_keys=1000)
    for i in range(100):
        throttle.check(f"made-up{i}@example.org", "198.51.100.7")
        throttle.failed(f"made-up{i}@example.org", "198.51.100.7")
    assert throttle.size() == 101  # 100 accounts and one address
    for i in range(5000):  # the address is locked now: every further attempt is refused before it counts
        with pytest.raises(TooManyRequests):
            throttle.check(f"flood{i}@example.org", "198.51.100.7")
    assert throttle.size() == 101
    for i in range(5000):  # from many addresses: the least recently failed keys make room
        throttle.check(f"spread{i}@example.org", f"10.0.{i // 250}.{i % 250}")
        throttle.failed(f"spread{i}@example.org", f"10.0.{i // 250}.{i % 250}")
    assert throttle.size() <= 2 * 1000


def test_entries_older_than_the_window_are_forgotten(clock):
    throttle = LoginThrottle(max_per_account=5, max_per_address=100, window=900)
    for _ in range(5):
        throttle.failed("anna@shelter-a.nl", "198.51.100.7")
    with pytest.raises(TooManyRequests):
        throttle.check("anna@shelter-a.nl", "198.51.100.7")
    clock.now += 901
    throttle.check("anna@shelter-a.nl", "198.51.100.7")
    throttle.failed("someone@example.org", "203.0.113.1")  # any failure sweeps what has expired
    assert throttle.size() == 2
