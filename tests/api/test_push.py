"""Web push against a stand-in push service on 127.0.0.1 that decrypts what it receives like a browser would:
the payload is one constant, nothing personal travels, gone subscriptions are removed, and a slow push service
never holds up a request."""
from __future__ import annotations

import base64
import json
import os
import re
import stat
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.services import push
from tests.api.partners import Clock, add_org, add_user, handover_body, make_app, new_record, report
from tests.conftest import Api, change, overzicht1

CONSTANT = b'{"title":"Safe Future","body":"Safe Future: something needs your attention","sync":true}'
CONTACT = "mailto:push-test@example.org"


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PushService:
    """Records every request (path, headers, body) and answers with `status` after `delay` seconds."""

    def __init__(self):
        self.received: list[tuple[str, dict, bytes]] = []
        self.status, self.delay, self.location = 201, 0.0, None
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append((self.path, dict(self.headers), body))
                time.sleep(service.delay)
                self.send_response(service.status)
                if service.location:
                    self.send_header("Location", service.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Browser:
    """A device's push subscription: the keys a browser makes, and decryption as the browser does it."""

    def __init__(self, service: PushService):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.path = f"/push/{uuid.uuid4().hex}"
        self.endpoint = service.origin + self.path
        point = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        self.subscription = {"endpoint": self.endpoint, "expirationTime": None,
                             "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)}}

    def decrypt(self, body: bytes) -> bytes:
        return http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")


@pytest.fixture
def service():
    s = PushService()
    yield s
    s.close()


@pytest.fixture
def app(tmp_path, fast_passwords):
    app = make_app(tmp_path, PUSH_ALLOW_HTTP_LOOPBACK=True, PUSH_CONTACT=CONTACT)
    for org, kind, country in (("shelter-a", "counselling", "NL"), ("animus", "partner", "BG")):
        add_org(app, org, kind, country)
    for email, org, role in (("anna@shelter-a.nl", "shelter-a", "counsellor"),
                             ("carla@shelter-a.nl", "shelter-a", "coordinator"),
                             ("petya@animus.bg", "animus", "partner")):
        add_user(app, email, org, role)
    yield app
    push.sender(app.extensions["safefuture"]).wait_idle(timeout=10)


def settle(app):
    push.sender(app.extensions["safefuture"]).wait_idle(timeout=10)


def subscriptions(app) -> list[dict]:
    return app.extensions["safefuture"].store.list_docs(push.COLLECTION)


def test_the_vapid_key_is_made_once_into_the_data_directory_readable_by_the_owner_only(app, tmp_path):
    anna = Api(app, "anna@shelter-a.nl")
    key = anna.get("/api/v1/push/key").json["public_key"]
    point = b64url_decode(key)
    assert len(point) == 65 and point[0] == 4  # an uncompressed P-256 point: the browser's applicationServerKey
    pem = tmp_path / "instance" / "keys" / "vapid_private.pem"
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600 and pem.read_bytes().startswith(b"-----BEGIN PRIVATE KEY")
    again = make_app(tmp_path)  # the next start reads the same key
    assert push.public_key(again.extensions["safefuture"]) == key
    assert app.test_client().get("/api/v1/push/key").status_code == 401


def test_every_event_sends_the_same_constant_bytes_and_nothing_personal(app, service):
    anna, carla, petya = (Api(app, e) for e in ("anna@shelter-a.nl", "carla@shelter-a.nl", "petya@animus.bg"))
    devices = {"anna": Browser(service), "carla": Browser(service), "petya": Browser(service)}
    for api, name in ((anna, "anna"), (carla, "carla"), (petya, "petya")):
        assert api.post("/api/v1/push/subscriptions", devices[name].subscription).status_code == 201
    server_key = anna.get("/api/v1/push/key").json["public_key"]

    case_id = anna.new_case(country="BG", code="SA-2026-017")
    plan = new_record(anna, case_id, {"status": "b8_3", "status_note": "Client: Maria Ivanova"})
    handover = anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("animus", [plan])).json  # -> petya
    settle(app)
    own = str(uuid.uuid4())
    assert petya.put(f"/api/v1/records/{own}", report(case_id, 6)).status_code == 201  # -> anna, carla
    settle(app)
    base = anna.get(f"/api/v1/records/{plan}").json["rev"]
    anna.put(f"/api/v1/records/{plan}", change(case_id, overzicht1(nl_f1="+"), base_rev=base))
    theirs = carla.put(f"/api/v1/records/{plan}", change(case_id, overzicht1(nl_f1="-"), base_rev=base))
    assert theirs.status_code == 409
    settle(app)  # the conflict -> carla and anna

    by_path = {}
    for path, headers, body in service.received:
        by_path.setdefault(path, []).append((headers, body))
    assert {p: len(v) for p, v in by_path.items()} == {devices["petya"].path: 1, devices["anna"].path: 2,
                                                        devices["carla"].path: 2}
    secrets = [case_id, "SA-2026-017", "Maria", "Ivanova", plan, own, handover["id"], "shelter-a", "animus",
               "anna@", "carla@", "petya@", anna.user["id"], petya.user["id"], carla.user["id"]]
    first = {k.lower(): v for k, v in service.received[0][1].items()}
    for name, device in devices.items():
        for headers, body in by_path[device.path]:
            assert device.decrypt(body) == CONSTANT
            assert len(body) == len(by_path[devices["petya"].path][0][1])  # even the size says nothing
            raw = json.dumps(headers).encode() + body
            assert not [s for s in secrets if s.encode() in raw]
            h = {k.lower(): v for k, v in headers.items()}
            # The HTTP library's own headers are the same for every push; ours are these constants.
            assert all(h[k] == first[k] for k in ("user-agent", "accept-encoding"))
            assert {k: v for k, v in h.items() if k not in ("authorization", "user-agent", "accept-encoding")} == {
                "host": service.origin[len("http://"):], "accept": "*/*", "connection": "keep-alive",
                "content-encoding": "aes128gcm", "content-length": str(len(body)), "ttl": "43200",
                "urgency": "normal", "topic": "safefuture-sync"}
            token, key = re.fullmatch(r"vapid t=([^,]+), ?k=(\S+)", h["authorization"]).groups()
            assert key == server_key
            claims = json.loads(b64url_decode(token.split(".")[1]))
            assert set(claims) == {"aud", "exp", "sub"}
            assert claims["aud"] == service.origin and claims["sub"] == CONTACT


@pytest.mark.parametrize("status, kept", [(410, False), (404, False), (500, True), (429, True)])
def test_a_subscription_the_push_service_has_dropped_is_removed(app, service, status, kept):
    anna = Api(app, "anna@shelter-a.nl")
    petya = Api(app, "petya@animus.bg")
    device = Browser(service)
    petya.post("/api/v1/push/subscriptions", device.subscription)
    service.status = status
    case_id = anna.new_case(country="BG")
    anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("animus", [new_record(anna, case_id)]))
    settle(app)
    assert len(service.received) == 1
    assert [s["endpoint"] for s in subscriptions(app)] == ([device.endpoint] if kept else [])
    # The inbox has the news either way.
    assert [n["kind"] for n in petya.get("/api/v1/inbox").json["notifications"]] == ["handover"]


def test_a_redirect_from_the_push_service_is_not_followed(app, service):
    anna = Api(app, "anna@shelter-a.nl")
    petya = Api(app, "petya@animus.bg")
    device = Browser(service)
    petya.post("/api/v1/push/subscriptions", device.subscription)
    service.status, service.location = 307, service.origin + "/inside"
    case_id = anna.new_case(country="BG")
    anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("animus", [new_record(anna, case_id)]))
    settle(app)
    assert [path for path, _, _ in service.received] == [device.path]


def test_a_slow_push_service_does_not_hold_up_the_request(app, service):
    anna = Api(app, "anna@shelter-a.nl")
    petya = Api(app, "petya@animus.bg")
    petya.post("/api/v1/push/subscriptions", Browser(service).subscription)
    service.delay = 2.0
    case_id = anna.new_case(country="BG")
    plan = new_record(anna, case_id)
    started = time.monotonic()
    r = anna.post(f"/api/v1/cases/{case_id}/handovers", handover_body("animus", [plan]))
    took = time.monotonic() - started
    assert r.status_code == 201 and took < 1.5, took
    settle(app)
    assert len(service.received) == 1


@pytest.mark.parametrize("endpoint", [
    "https://push.example.org/send/1",  # not a known push service
    "https://fcm.googleapis.com.evil.example/send/1",
    "https://user:pw@fcm.googleapis.com/fcm/send/1",
    "http://fcm.googleapis.com/fcm/send/1",  # not https
    "http://10.0.0.7/send/1", "http://169.254.169.254/latest", "file:///etc/passwd", "https://", "", None, 7,
    "https://fcm.googleapis.com:99999/x", "https://fcm.googleapis.com/" + "x" * 3000,
])
def test_only_known_push_services_over_https_are_accepted(app, endpoint):
    petya = Api(app, "petya@animus.bg")
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    sub = {"endpoint": endpoint, "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}}
    r = petya.post("/api/v1/push/subscriptions", sub)
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/endpoint"]
    assert subscriptions(app) == []


def test_plain_http_to_loopback_only_when_configured(app, service):
    petya = Api(app, "petya@animus.bg")
    app.config["PUSH_ALLOW_HTTP_LOOPBACK"] = False
    r = petya.post("/api/v1/push/subscriptions", Browser(service).subscription)
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == ["/endpoint"]
    known = {**Browser(service).subscription, "endpoint": "https://fcm.googleapis.com/fcm/send/abc:def"}
    assert petya.post("/api/v1/push/subscriptions", known).status_code == 201
    assert petya.post("/api/v1/push/subscriptions", known).status_code == 204  # known already


@pytest.mark.parametrize("keys, path", [
    ({"p256dh": b64url(b"\x04" + b"\x01" * 64), "auth": b64url(os.urandom(16))}, "/keys/p256dh"),  # not on the curve
    ({"p256dh": "not base64 at all!", "auth": b64url(os.urandom(16))}, "/keys/p256dh"),
    (None, "/keys/auth"),
])
def test_browser_keys_are_checked(app, service, keys, path):
    petya = Api(app, "petya@animus.bg")
    sub = Browser(service).subscription
    if keys is None:
        sub["keys"]["auth"] = b64url(os.urandom(8))
    else:
        sub["keys"] = keys
    r = petya.post("/api/v1/push/subscriptions", sub)
    assert r.status_code == 422 and [e["path"] for e in r.json["errors"]] == [path]


def test_unsubscribe_logout_and_a_shared_tablet(app, service):
    anna = Api(app, "anna@shelter-a.nl")
    petya = Api(app, "petya@animus.bg")
    tablet, phone = Browser(service), Browser(service)
    petya.post("/api/v1/push/subscriptions", phone.subscription)
    r = petya.client.delete("/api/v1/push/subscriptions", json={"endpoint": phone.endpoint},
                            headers={"X-Requested-With": "safefuture"})
    assert r.status_code == 204 and subscriptions(app) == []
    # A shared tablet: Anna registered it, then Petya logs in on it and registers it again: it is Petya's now.
    anna.post("/api/v1/push/subscriptions", tablet.subscription)
    petya.post("/api/v1/push/subscriptions", tablet.subscription)
    assert [s["user_id"] for s in subscriptions(app)] == [petya.user["id"]]
    # Logging out ends the session's subscriptions.
    assert petya.delete("/api/v1/session").status_code == 204
    assert subscriptions(app) == []


def test_a_session_left_idle_ends_with_its_subscriptions_when_anyone_logs_in(app, service):
    """A phone lost with its session open: the session and its push subscription do not wait in the store until
    someone presents the cookie again; the next login anywhere ends every session idle for too long."""
    c = app.extensions["safefuture"]
    c.config["SESSION_IDLE_SECONDS"] = 14 * 24 * 3600
    clock = c.now = Clock("2026-03-10")
    anna, petya = Api(app, "anna@shelter-a.nl"), Api(app, "petya@animus.bg")
    lost_phone, tablet = Browser(service), Browser(service)
    anna.post("/api/v1/push/subscriptions", lost_phone.subscription)
    petya.post("/api/v1/push/subscriptions", tablet.subscription)
    clock.day = "2026-03-20"
    assert petya.get("/api/v1/session").status_code == 200  # Petya keeps working; Anna's phone stays in a drawer
    clock.day = "2026-03-25"
    Api(app, "carla@shelter-a.nl")
    assert [s["endpoint"] for s in subscriptions(app)] == [tablet.endpoint]
    assert anna.get("/api/v1/cases").status_code == 401 and petya.get("/api/v1/cases").status_code == 200
    # Presented after too long, a session ends there and then, with its subscription.
    anna = Api(app, "anna@shelter-a.nl")
    anna.post("/api/v1/push/subscriptions", lost_phone.subscription)
    clock.day = "2026-04-10"
    assert anna.get("/api/v1/cases").status_code == 401
    assert [s["endpoint"] for s in subscriptions(app)] == [tablet.endpoint]
