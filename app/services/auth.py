"""Login, logout and the session behind a request. Sessions live in the store, so logout really ends them."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Sequence

from ..domain.audit import AuditEvent
from ..domain.errors import N_, Invalid, TooManyRequests, Unauthorized
from ..domain.model import Session, User
from ..domain.passwords import password_problem
from .accounts import hash_password, verify_password
from . import audit, push
from .container import Container



@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the e-mail is unknown, so both cases take the same time."""
    return hash_password(secrets.token_hex(16))


# The longest e-mail address there can be (RFC 5321's path limit): longer ones are refused before any lookup,
# so a flood of made-up addresses cannot grow the throttle's memory with long keys.
MAX_EMAIL_LENGTH = 254


class LoginThrottle:
    """Failed logins within `window` seconds, counted per account (e-mail) and per client address.

    An account is locked after `max_per_account` failures; an address after `max_per_address`, set well above what
    an office of counsellors behind one NAT address produces, so one person's typos never lock out colleagues.
    Memory stays bounded under a flood of made-up e-mails: a refused attempt creates no entry, an account keeps at
    most `max_per_account` times, entries older than the window are swept, and past `max_keys` keys per kind the
    least recently failed key is dropped."""

    def __init__(self, max_per_account: int, max_per_address: int, window: float, max_keys: int = 10_000):
        self.window, self.max_keys = window, max_keys
        self._limits = {"account": max_per_account, "address": max_per_address}
        self._failures: dict[str, OrderedDict[str, deque]] = {kind: OrderedDict() for kind in self._limits}
        self._lock = threading.Lock()

    def _recent(self, kind: str, key: str, now: float) -> deque | None:
        q = self._failures[kind].get(key)
        while q and q[0] <= now - self.window:
            q.popleft()
        if q is not None and not q:
            del self._failures[kind][key]
            return None
        return q

    def check(self, account: str, address: str) -> None:
        """Raises TooManyRequests when the account or the address is locked; records nothing."""
        now = time.monotonic()
        with self._lock:
            for kind, key in (("account", account), ("address", address)):
                q = self._recent(kind, key, now)
                if q is not None and len(q) >= self._limits[kind]:
                    raise TooManyRequests(N_("Too many failed logins. Wait a few minutes and try again."))

    def failed(self, account: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            for kind, key in (("account", account), ("address", address)):
                entries = self._failures[kind]
                q = entries.get(key)
                if q is None:
                    q = entries[key] = deque(maxlen=self._limits[kind])
                q.append(now)
                entries.move_to_end(key)
                self._sweep(entries, now)

    def _sweep(self, entries: OrderedDict, now: float) -> None:
        """Drop keys whose last failure is older than the window (they are ordered by it), then the least
        recently failed beyond max_keys."""
        while entries:
            oldest_key, oldest = next(iter(entries.items()))
            if oldest[-1] > now - self.window and len(entries) <= self.max_keys:
                break
            del entries[oldest_key]

    def succeeded(self, account: str) -> None:
        with self._lock:
            self._failures["account"].pop(account, None)

    def size(self) -> int:
        """How many keys are held (for tests of the memory bound)."""
        with self._lock:
            return sum(len(entries) for entries in self._failures.values())


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def throttle(c: Container) -> LoginThrottle:
    if "login_throttle" not in c.extras:
        c.extras["login_throttle"] = LoginThrottle(c.config["LOGIN_MAX_FAILURES"], c.config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                                                   c.config["LOGIN_WINDOW_SECONDS"])
    return c.extras["login_throttle"]


def login(c: Container, email: str, password: str, client_address: str, device_id: str | None = None,
          lockable: bool = False) -> tuple[str, User, str | None]:
    """Returns (session token, user, session key). The token goes into the cookie; the store keeps only its
    hash. A lockable session (the app's) also gets a key that every request must carry (X-Session-Key): the app
    keeps it only while unlocked, so the cookie alone reads nothing (pwa/README.md, "The lock")."""
    email = (email or "").strip().lower()
    if len(email) > MAX_EMAIL_LENGTH:
        raise Unauthorized(N_("Wrong e-mail address or password."))
    throttle(c).check(email, client_address)
    user = c.store.find_user_by_email(email)
    ok = verify_password(user.password_hash if user else _dummy_hash(), password or "")
    if not (user and ok and user.active and _org_active(c, user)):
        throttle(c).failed(email, client_address)
        audit.record(c, user, "login_failed", device_id=device_id)
        raise Unauthorized(N_("Wrong e-mail address or password."))
    throttle(c).succeeded(email)
    token = secrets.token_urlsafe(32)
    key = secrets.token_urlsafe(32) if lockable else None
    now = c.now()
    c.store.put_session(Session(session_id(token), user.id, now, now, device_id=device_id,
                                key_hash=session_id(key) if key else None, password_version=user.password_version),
                        [audit.event(c, user, "login", device_id=device_id)])  # in the session's write step
    purge_idle_sessions(c)
    return token, user, key


def _org_active(c: Container, user: User) -> bool:
    org = c.store.get_org(user.org_id)
    return org is not None and org.active


def logout(c: Container, token: str) -> None:
    session = c.store.get_session(session_id(token))
    if session is None:
        return
    _end(c, session.id, [audit.event(c, c.store.get_user(session.user_id), "logout")])


def _end(c: Container, session_id: str, events: Sequence[AuditEvent] = ()) -> None:
    """A session ends (with `events` in the same write step) with the push subscriptions it registered (a shared
    tablet stops getting signals)."""
    c.store.delete_session(session_id, events)
    push.forget_sessions(c, [session_id])


def end_sessions(c: Container, user_id: str | None = None, device_id: str | None = None,
                 keep: str | None = None) -> int:
    """End every session of a user, or opened from a device, except `keep`; returns how many ended."""
    ended = c.store.delete_sessions_of(user_id=user_id, device_id=device_id, keep=keep)
    push.forget_sessions(c, ended)
    return len(ended)


def change_password(c: Container, user: User, current_session: str, current: str, new: str,
                    client_address: str) -> None:
    """The user's own password. Every other session of theirs ends (a stolen one too). A wrong current password
    counts as a failed login: the form is no way round the throttle."""
    throttle(c).check(user.email, client_address)
    if not verify_password(user.password_hash, current or ""):
        throttle(c).failed(user.email, client_address)
        raise Invalid(N_("The password cannot be changed."),
                      [{"path": "/current", "message": N_("This is not your current password.")}])
    problem = password_problem(new, user.email)
    if problem is None and new == current:
        problem = N_("The new password must differ from the current one.")
    if problem:
        raise Invalid(N_("The password cannot be changed."), [{"path": "/new", "message": problem}])
    throttle(c).succeeded(user.email)
    user.password_hash = hash_password(new)
    user.password_version += 1  # every session of the user is over from this write on ...
    c.store.put_user(user, [audit.event(c, user, "password_changed")])
    session = c.store.get_session(current_session)
    if session is not None:  # ... but the one that changed it (a crash before this logs its user out: safe)
        session.password_version = user.password_version
        c.store.put_session(session)
    end_sessions(c, user_id=user.id, keep=current_session)  # the others' records go


def purge_idle_sessions(c: Container) -> int:
    """End every session idle for longer than SESSION_IDLE_SECONDS, not only the ones presented again: a
    session left on a lost phone must not wait in the store. Runs at each login; returns how many ended."""
    now = datetime.fromisoformat(c.now().replace("Z", "+00:00"))
    cutoff = (now - timedelta(seconds=c.config["SESSION_IDLE_SECONDS"])).astimezone(timezone.utc)
    ended = c.store.delete_sessions_idle_since(cutoff.isoformat(timespec="milliseconds").replace("+00:00", "Z"))
    push.forget_sessions(c, ended)
    return len(ended)


def _age(c: Container, moment: str) -> float:
    return (datetime.fromisoformat(c.now().replace("Z", "+00:00"))
            - datetime.fromisoformat(moment.replace("Z", "+00:00"))).total_seconds()


def user_for_token(c: Container, token: str | None, key: str | None = None) -> User | None:
    """The user of a live session, or None. A session ends when idle too long or SESSION_MAX_SECONDS after it
    began; a lockable session answers only to a request that carries its key."""
    if not token:
        return None
    session = c.store.get_session(session_id(token))
    if session is None:
        return None
    idle = _age(c, session.last_seen)
    if idle > c.config["SESSION_IDLE_SECONDS"] or _age(c, session.created_at) > c.config["SESSION_MAX_SECONDS"]:
        _end(c, session.id)
        return None
    if session.key_hash is not None and not (key and hmac.compare_digest(session_id(key), session.key_hash)):
        return None
    user = c.store.get_user(session.user_id)
    if user is None or not user.active or not _org_active(c, user):
        return None
    if session.password_version != user.password_version:  # opened before the password changed
        _end(c, session.id)
        return None
    if idle > 300:  # refresh last_seen at most every 5 minutes: reads stay cheap
        session.last_seen = c.now()
        c.store.put_session(session)
    return user
