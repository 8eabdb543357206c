"""Login, logout and the session behind a request. Sessions live in the store, so logout really ends them."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from ..domain.errors import N_, TooManyRequests, Unauthorized
from ..domain.model import Session, User
from .accounts import hash_password, verify_password
from . import audit, push
from .container import Container



@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so both cases take the same time."""
    return hash_password(secrets.token_hex(16))


class LoginThrottle:
    """At most `max_failures` failed logins per e-mail and per client address within `window` seconds."""

    def __init__(self, max_failures: int, window: float):
        self.max_failures, self.window = max_failures, window
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        q = self._failures[key]
        while q and q[0] < now - self.window:
            q.popleft()
        return q

    def check(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            if any(len(self._recent(k, now)) >= self.max_failures for k in keys):
                raise TooManyRequests(N_("Too many failed logins. Wait a few minutes and try again."))

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for k in keys:
                self._recent(k, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def throttle(c: Container) -> LoginThrottle:
    if "login_throttle" not in c.extras:
        c.extras["login_throttle"] = LoginThrottle(c.config["LOGIN_MAX_FAILURES"], c.config["LOGIN_WINDOW_SECONDS"])
    return c.extras["login_throttle"]


def login(c: Container, email: str, password: str, client_address: str) -> tuple[str, User]:
    """Returns (session token, user). The token goes into the cookie; the store keeps only its hash."""
    email = (email or "").strip().lower()
    keys = (f"email:{email}", f"addr:{client_address}")
    throttle(c).check(*keys)
    user = c.store.find_user_by_email(email)
    ok = verify_password(user.password_hash if user else _dummy_hash(), password or "")
    if not (user and ok and user.active):
        throttle(c).failed(*keys)
        audit.record(c, user, "login_failed")
        raise Unauthorized(N_("Wrong e-mail address or password."))
    throttle(c).succeeded(f"email:{email}")
    token = secrets.token_urlsafe(32)
    now = c.now()
    c.store.put_session(Session(session_id(token), user.id, now, now))
    audit.record(c, user, "login")
    purge_idle_sessions(c)
    return token, user


def logout(c: Container, token: str) -> None:
    session = c.store.get_session(session_id(token))
    if session is None:
        return
    _end(c, session.id)
    audit.record(c, c.store.get_user(session.user_id), "logout")


def _end(c: Container, session_id: str) -> None:
    """A session ends with the push subscriptions it registered (a shared tablet stops getting signals)."""
    c.store.delete_session(session_id)
    push.forget_sessions(c, [session_id])


def purge_idle_sessions(c: Container) -> int:
    """End every session idle for longer than SESSION_IDLE_SECONDS, not only the ones presented again: a
    session left on a lost phone must not wait in the store. Runs at each login; returns how many ended."""
    now = datetime.fromisoformat(c.now().replace("Z", "+00:00"))
    cutoff = (now - timedelta(seconds=c.config["SESSION_IDLE_SECONDS"])).astimezone(timezone.utc)
    ended = c.store.delete_sessions_idle_since(cutoff.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    push.forget_sessions(c, ended)
    return len(ended)


def user_for_token(c: Container, token: str | None) -> User | None:
    """The user of a live session, or None. Idle sessions expire."""
    if not token:
        return None
    session = c.store.get_session(session_id(token))
    if session is None:
        return None
    idle = datetime.fromisoformat(c.now().replace("Z", "+00:00")) - datetime.fromisoformat(
        session.last_seen.replace("Z", "+00:00"))
    if idle.total_seconds() > c.config["SESSION_IDLE_SECONDS"]:
        _end(c, session.id)
        return None
    user = c.store.get_user(session.user_id)
    if user is None or not user.active:
        return None
    if idle.total_seconds() > 300:  # refresh last_seen at most every 5 minutes: reads stay cheap
        session.last_seen = c.now()
        c.store.put_session(session)
    return user
