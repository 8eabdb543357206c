"""Web push (pywebpush, VAPID): a content-free "sync now" signal to the devices that allowed notifications.

The payload is the same constant bytes for every event and every user: no name, code, country or id. The push
service (Google, Mozilla, Apple, Microsoft) sees the endpoint, timing and size, so even the size must say
nothing. The service worker shows its own localised generic text and syncs; details come over the session.

Sending runs in a small thread pool with timeouts, so a slow push service never holds up a request. A push
service that answers 404 or 410 has dropped the subscription: we delete it too.

Documents: `push_subscriptions` {id: sha256(endpoint), user_id, session_id, endpoint, keys: {p256dh, auth},
created_at}. A subscription belongs to the session that registered it and ends with it (logout, expiry), so a shared
tablet does not keep getting the previous user's signals.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from ipaddress import ip_address
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from ..domain.errors import N_, Invalid
from ..domain.model import User
from ..domain.validation import type_error
from ..secret_file import create_once
from .container import Container

log = logging.getLogger(__name__)

PAYLOAD = b'{"title":"Safe Future","body":"Safe Future: something needs your attention","sync":true}'
COLLECTION = "push_subscriptions"
HEADERS = {"Urgency": "normal", "Topic": "safefuture-sync"}  # one Topic: pending signals collapse into one
MAX_ENDPOINT = 2048
LOOPBACK_NAMES = ("localhost",)
_lock = threading.Lock()


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_decode(text) -> bytes | None:
    if not isinstance(text, str) or len(text) > 200:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


# Keys ------------------------------------------------------------------------------------------------------

def vapid(c: Container) -> Vapid:
    """The server's VAPID key pair, generated on first use into <DATA_DIR>/keys/vapid_private.pem (0600)."""
    with _lock:
        if "vapid" not in c.extras:
            path = c.config["DATA_DIR"] / "keys" / "vapid_private.pem"
            fresh = ec.generate_private_key(ec.SECP256R1())
            create_once(path, fresh.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
            c.extras["vapid"] = Vapid(serialization.load_pem_private_key(path.read_bytes(), password=None))
        return c.extras["vapid"]


def public_key(c: Container) -> str:
    """The applicationServerKey the browser subscribes with: the public key as an uncompressed point, base64url."""
    point = vapid(c).public_key.public_bytes(serialization.Encoding.X962,
                                             serialization.PublicFormat.UncompressedPoint)
    return _b64url(point)


# Subscriptions ---------------------------------------------------------------------------------------------

def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host == a or host.endswith("." + a) for a in allowed)


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_error(endpoint, config) -> dict | None:
    """The server will POST to this URL, so it must be a known push service over https (no SSRF). Plain http
    to loopback only when PUSH_ALLOW_HTTP_LOOPBACK is set (tests)."""
    problem = {"path": "/endpoint", "message": N_("Not the address of a known push service.")}
    if not isinstance(endpoint, str) or len(endpoint) > MAX_ENDPOINT:
        return problem
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError:
        return problem
    if parts.username or parts.password or not host:
        return problem
    if parts.scheme == "https" and _host_allowed(host, tuple(config["PUSH_SERVICE_HOSTS"])):
        return None
    if parts.scheme == "http" and config["PUSH_ALLOW_HTTP_LOOPBACK"] and _is_loopback(host):
        return None
    return problem


def _parse(payload, config) -> dict:
    if not isinstance(payload, dict):
        raise Invalid(N_("The subscription must be a JSON object."), [type_error("", "object")])
    errors = [{"path": f"/{k}", "message": N_("Unknown field.")}
              for k in payload if k not in ("endpoint", "keys", "expirationTime")]
    problem = endpoint_error(payload.get("endpoint"), config)
    if problem:
        errors.append(problem)
    keys = payload.get("keys") if isinstance(payload.get("keys"), dict) else {}
    p256dh, auth = _b64url_decode(keys.get("p256dh")), _b64url_decode(keys.get("auth"))
    try:
        valid_point = p256dh is not None and bool(ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh))
    except ValueError:
        valid_point = False
    if not valid_point:
        errors.append({"path": "/keys/p256dh", "message": N_("Not a valid browser key.")})
    if auth is None or len(auth) != 16:
        errors.append({"path": "/keys/auth", "message": N_("Not a valid browser key.")})
    if errors:
        raise Invalid(N_("The push subscription is not valid."), errors)
    return {"endpoint": payload["endpoint"], "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}


def _doc_id(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode()).hexdigest()


def subscribe(c: Container, user: User, session_id: str, payload) -> bool:
    """Register this device for the user's session; returns True when it is new for this user. A device that
    was registered by someone else (a shared tablet) now belongs to this user."""
    sub = _parse(payload, c.config)
    existing = c.store.get_doc(COLLECTION, _doc_id(sub["endpoint"]))
    c.store.put_doc(COLLECTION, {"id": _doc_id(sub["endpoint"]), "user_id": user.id, "session_id": session_id,
                                 **sub, "created_at": c.now()})
    return existing is None or existing["user_id"] != user.id


def unsubscribe(c: Container, user: User, payload) -> None:
    endpoint = payload.get("endpoint") if isinstance(payload, dict) else None
    if not isinstance(endpoint, str):
        raise Invalid(N_("Send the endpoint of the subscription."),
                      [{"path": "/endpoint", "message": N_("This field is required.")}])
    existing = c.store.get_doc(COLLECTION, _doc_id(endpoint))
    if existing and existing["user_id"] == user.id:
        c.store.delete_doc(COLLECTION, existing["id"])


def forget_sessions(c: Container, session_ids: list[str]) -> None:
    """Delete the subscriptions these sessions registered."""
    ended = set(session_ids)
    if not ended:
        return
    for sub in c.store.list_docs(COLLECTION):
        if sub["session_id"] in ended:
            c.store.delete_doc(COLLECTION, sub["id"])


# Sending ---------------------------------------------------------------------------------------------------

class Sender:
    """A small thread pool for deliveries, and a way to wait until it is idle (tests, the CLI)."""

    def __init__(self, workers: int):
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="push")
        self._pending: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, fn, *args) -> None:
        future = self._pool.submit(fn, *args)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float | None = None) -> None:
        with self._lock:
            pending = set(self._pending)
        wait(pending, timeout=timeout)


def sender(c: Container) -> Sender:
    with _lock:
        if "push_sender" not in c.extras:
            c.extras["push_sender"] = Sender(c.config["PUSH_WORKERS"])
        return c.extras["push_sender"]


def send_to_user(c: Container, user_id: str) -> None:
    for sub in c.store.list_docs(COLLECTION, user_id=user_id):
        sender(c).submit(deliver, c, sub)


def deliver(c: Container, sub: dict) -> None:
    """One push to one device. Failures are logged by status or type only: an endpoint identifies a device."""
    session = requests.Session()
    session.max_redirects = 0  # a push service does not redirect; following one could reach inside the network
    try:
        webpush({"endpoint": sub["endpoint"], "keys": sub["keys"]}, data=PAYLOAD, vapid_private_key=vapid(c),
                vapid_claims={"sub": c.config["PUSH_CONTACT"]}, ttl=c.config["PUSH_TTL_SECONDS"],
                timeout=c.config["PUSH_TIMEOUT_SECONDS"], headers=HEADERS, requests_session=session)
    except WebPushException as e:
        if e.status_code in (404, 410):
            c.store.delete_doc(COLLECTION, sub["id"])
        else:
            log.warning("web push refused with status %s", e.status_code)
    except requests.RequestException as e:
        log.warning("web push failed: %s", type(e).__name__)
    except Exception as e:  # noqa: BLE001  (a worker thread: an error nobody logs is an error nobody sees)
        log.error("web push failed unexpectedly: %s", type(e).__name__)
    finally:
        session.close()
