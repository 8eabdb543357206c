"""The access-control matrix: every API route × every role × own organisation / other organisation / partner with
a handover / partner without one / partner after consent withdrawal (and no session at all). Each cell asserts
the exact status, and that the body holds nothing the actor may not learn.

The route list comes from the app's URL map: a new route without rows here fails `test_every_route_has_rows`.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Callable

import pytest

from app.services import accounts
from tests.api.partners import FAST_HASHER, add_org, add_user, handover_body, make_app, new_record, report
from tests.conftest import HEADERS, PASSWORD, Api, change

CODE = "SECRET-CODE-7"  # the case's client code: only the owning organisation sees it
NAME = "Maria Ivanova"
TARGET_EMAIL = "target@shelter-a.nl"  # a user of shelter-a: only its coordinators and the admin learn of her
OTHER_PASSWORD = "a different battery horse staple"  # in the intake record, which is never handed over
PLAN_MARKER = "PLAN-MARKER-4711"  # in the handed-over action plan
PURPOSE = "PURPOSE-ANIMUS"  # the consent purpose of the handover to Animus
PURPOSE_LASTRADA = "PURPOSE-LASTRADA"
COSUDOW = "b14-ng-cosudow"

ACTORS = ("anonymous", "counsellor_own", "coordinator_own", "counsellor_other", "coordinator_other",
          "partner_granted", "partner_ungranted", "partner_withdrawn", "admin")
USERS = {"counsellor_own": ("anna@shelter-a.nl", "shelter-a", "counsellor"),
         "coordinator_own": ("carla@shelter-a.nl", "shelter-a", "coordinator"),
         "counsellor_other": ("olga@shelter-b.nl", "shelter-b", "counsellor"),
         "coordinator_other": ("bram@shelter-b.nl", "shelter-b", "coordinator"),
         "partner_granted": ("petya@animus.bg", "animus", "partner"),
         "partner_ungranted": ("ade@cosudow.ng", "cosudow", "partner"),
         "partner_withdrawn": ("ivan@lastrada.bg", "lastrada", "partner"),
         "admin": ("root@shelter-a.nl", "shelter-a", "admin")}
OWN = ("counsellor_own", "coordinator_own")
NL = OWN + ("counsellor_other", "coordinator_other")
LOGGED_IN = ACTORS[1:]


class Anonymous:
    """No session: the same calls as `Api`, with the CSRF header, so only the missing login answers."""

    def __init__(self, app):
        self.client, self.user = app.test_client(), None

    def get(self, url):
        return self.client.get(url, headers=HEADERS)

    def post(self, url, json=None):
        return self.client.post(url, json=json, headers=HEADERS)

    def put(self, url, json=None):
        return self.client.put(url, json=json, headers=HEADERS)

    def delete(self, url, json=None):
        return self.client.delete(url, json=json, headers=HEADERS)

    def patch(self, url, json=None):
        return self.client.patch(url, json=json, headers=HEADERS)


class World:
    def __init__(self, app):
        self.app = app
        for org, kind, country in (("shelter-a", "counselling", "NL"), ("shelter-b", "counselling", "NL"),
                                   ("animus", "partner", "BG"), ("cosudow", "partner", "NG"),
                                   ("lastrada", "partner", "BG"), ("ngo-extra", "partner", "BG")):
            add_org(app, org, kind, country)
        for email, org, role in USERS.values():
            add_user(app, email, org, role)
        self.api = {name: Api(app, USERS[name][0]) for name in USERS}
        self.api["anonymous"] = Anonymous(app)
        anna = self.api["counsellor_own"]
        self.case = anna.new_case(country="BG", code=CODE)
        self.plan = new_record(anna, self.case, {"status": "b8_3", "status_note": PLAN_MARKER})
        self.intake = new_record(anna, self.case, {"status": "b8_3", "status_note": f"Client: {NAME}"})
        self.h_animus = self.hand_over("animus", PURPOSE)
        self.h_lastrada = self.hand_over("lastrada", PURPOSE_LASTRADA)
        self.partner_record = self.partner_creates("partner_granted")
        self.lastrada_record = self.partner_creates("partner_withdrawn")
        assert anna.post(f"/api/v1/handovers/{self.h_lastrada}/withdrawal").status_code == 200
        (note,) = self.api["partner_granted"].get("/api/v1/inbox").json["notifications"]
        self.animus_note = note["id"]
        # Running the organisation: a user of shelter-a to manage, and a device Anna uses.
        add_user(app, TARGET_EMAIL, "shelter-a", "counsellor")
        self.target_user = app.extensions["safefuture"].store.find_user_by_email(TARGET_EMAIL).id
        self.device = self.new_device()

    def new_device(self) -> str:
        """A device Anna (counsellor_own) has just used."""
        device_id = str(uuid.uuid4())
        assert self.api["counsellor_own"].get(f"{V1}/session", headers={"X-Device-Id": device_id}).status_code == 200
        return device_id

    def change_password_and_back(self, api):
        """PUT /session/password as `api`, answered; then the old password again, so later rows still log in."""
        r = api.put(f"{V1}/session/password", {"current": PASSWORD, "new": OTHER_PASSWORD})
        if r.status_code == 204:
            assert api.put(f"{V1}/session/password", {"current": OTHER_PASSWORD, "new": PASSWORD}).status_code == 204
        return r

    def hand_over(self, to_org: str, purpose: str = "Support after return") -> str:
        body = handover_body(to_org, [self.plan])
        body["consent"]["purpose"] = purpose
        r = self.api["counsellor_own"].post(f"/api/v1/cases/{self.case}/handovers", body)
        assert r.status_code == 201, r.json
        return r.json["id"]

    def partner_creates(self, actor: str) -> str:
        record_id = str(uuid.uuid4())
        r = self.api[actor].put(f"/api/v1/records/{record_id}", report(self.case, 6, status="draft"))
        assert r.status_code == 201, r.json
        return record_id

    def head(self, record_id: str) -> str:
        return self.api["counsellor_own"].get(f"/api/v1/records/{record_id}").json["rev"]

    def forbidden(self, actor: str) -> list[str]:
        """What `actor` must never find in a response body."""
        if actor in OWN:
            return []
        secrets = [CODE, NAME, self.intake, PURPOSE_LASTRADA, self.lastrada_record]
        if actor == "partner_granted":
            return secrets + [self.h_lastrada, TARGET_EMAIL, self.device]
        if actor != "admin":
            secrets += [TARGET_EMAIL, self.device]
        secrets += [PLAN_MARKER, PURPOSE, self.plan, self.partner_record, self.h_animus]
        if actor == "partner_withdrawn":  # told which case to drop, and no more
            return secrets
        return secrets + [self.case, self.h_lastrada]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(accounts, "_hasher", FAST_HASHER)
        # Subscriptions point at a host that never resolves: no push leaves the machine.
        app = make_app(tmp_path_factory.mktemp("matrix"), PUSH_SERVICE_HOSTS=("push.invalid",))
        yield World(app)


def expect(default: int | None = None, **statuses: int) -> dict[str, int]:
    """Status per actor: `anonymous` gets 401 unless said otherwise, every other actor `default`."""
    out = {actor: default for actor in LOGGED_IN}
    out["anonymous"] = 401
    for key, status in statuses.items():
        for actor in GROUPS.get(key, (key,)):
            out[actor] = status
    missing = [a for a, s in out.items() if s is None]
    assert not missing, f"no expected status for {missing}"
    return out


GROUPS = {"own": OWN, "nl": NL, "other": ("counsellor_other", "coordinator_other"),
          "partners": ("partner_granted", "partner_ungranted", "partner_withdrawn"), "logged_in": LOGGED_IN}


@dataclass
class Row:
    method: str
    rule: str
    target: str
    statuses: dict[str, int]
    call: Callable[[World, object, str], object]  # (world, api, actor) -> response

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule} [{self.target}]"


def record_change(w: World, case_id: str, record_id: str | None, form: str = "overzicht-1") -> dict:
    base = w.head(record_id) if record_id else None
    if form == "monitoring-report":
        return report(w.case, 12, status="draft", base_rev=base)
    return change(case_id, {"status": "b8_3", "status_note": f"{PLAN_MARKER} {uuid.uuid4()}"}, base_rev=base)


def subscription() -> dict:
    p256dh = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"  # a P-256 point
    return {"endpoint": f"https://push.invalid/send/{uuid.uuid4()}",
            "keys": {"p256dh": p256dh, "auth": "tBHItJI5svbpez7KI4CCXg"}}


V1 = "/api/v1"
ROWS = [
    Row("POST", "/session", "own credentials", expect(200, anonymous=401),
        lambda w, api, a: w.app.test_client().post(f"{V1}/session", headers=HEADERS, json={
            "email": USERS[a][0] if a in USERS else "nobody@example.org", "password": PASSWORD})),
    Row("GET", "/session", "-", expect(200), lambda w, api, a: api.get(f"{V1}/session")),
    Row("DELETE", "/session", "a second session", expect(204, anonymous=204),
        lambda w, api, a: (Api(w.app, USERS[a][0]) if a in USERS else api).delete(f"{V1}/session")),
    Row("GET", "/forms", "-", expect(200, anonymous=200), lambda w, api, a: api.get(f"{V1}/forms")),
    Row("GET", "/forms/<form_id>", "overzicht-1", expect(200, anonymous=200),
        lambda w, api, a: api.get(f"{V1}/forms/overzicht-1")),
    Row("GET", "/openapi.json", "-", expect(200, anonymous=200), lambda w, api, a: api.get(f"{V1}/openapi.json")),
    Row("POST", "/cases", "a new case", expect(403, nl=201),
        lambda w, api, a: api.post(f"{V1}/cases", {"id": str(uuid.uuid4()), "client_code": "N-1",
                                                   "country_of_origin": "NG"})),
    Row("GET", "/cases", "-", expect(200), lambda w, api, a: api.get(f"{V1}/cases")),
    Row("GET", "/cases/<case_id>", "the case", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.get(f"{V1}/cases/{w.case}")),
    Row("PUT", "/records/<record_id>", "a new record in the case", expect(403, own=201, partner_granted=201),
        lambda w, api, a: api.put(f"{V1}/records/{uuid.uuid4()}",
                                  record_change(w, w.case, None, "monitoring-report"))),
    Row("PUT", "/records/<record_id>", "the handed-over plan", expect(403, own=200),
        lambda w, api, a: api.put(f"{V1}/records/{w.plan}", record_change(w, w.case, w.plan))),
    # A partner's record is the partner's: the counselling side reads it and cannot change it.
    Row("PUT", "/records/<record_id>", "the granted partner's record", expect(403, partner_granted=200),
        lambda w, api, a: api.put(f"{V1}/records/{w.partner_record}",
                                  record_change(w, w.case, w.partner_record, "monitoring-report"))),
    Row("PUT", "/records/<record_id>", "the withdrawn partner's record", expect(403),
        lambda w, api, a: api.put(f"{V1}/records/{w.lastrada_record}",
                                  record_change(w, w.case, w.lastrada_record, "monitoring-report"))),
    Row("GET", "/records/<record_id>", "the handed-over plan", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.get(f"{V1}/records/{w.plan}")),
    Row("GET", "/records/<record_id>", "the intake, never handed over", expect(404, own=200),
        lambda w, api, a: api.get(f"{V1}/records/{w.intake}")),
    Row("GET", "/records/<record_id>", "the granted partner's record", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.get(f"{V1}/records/{w.partner_record}")),
    Row("GET", "/records/<record_id>", "the withdrawn partner's record", expect(404, own=200),
        lambda w, api, a: api.get(f"{V1}/records/{w.lastrada_record}")),
    Row("GET", "/records/<record_id>/pdf", "the handed-over plan", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.get(f"{V1}/records/{w.plan}/pdf?lang=en")),
    Row("GET", "/records/<record_id>/pdf", "the intake, never handed over", expect(404, own=200),
        lambda w, api, a: api.get(f"{V1}/records/{w.intake}/pdf?lang=en")),
    Row("GET", "/cases/<case_id>/pdf", "the case", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.get(f"{V1}/cases/{w.case}/pdf?lang=en")),
    Row("POST", "/sync", "the whole feed", expect(200), lambda w, api, a: api.post(f"{V1}/sync", {"since": None})),
    Row("POST", "/cases/<case_id>/handovers", "to another partner", expect(404, own=201, partner_granted=403),
        lambda w, api, a: api.post(f"{V1}/cases/{w.case}/handovers", handover_body("ngo-extra", [w.plan]))),
    Row("GET", "/cases/<case_id>/handovers", "the case", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.get(f"{V1}/cases/{w.case}/handovers")),
    Row("GET", "/cases/<case_id>/monitoring", "the case", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.get(f"{V1}/cases/{w.case}/monitoring")),
    Row("GET", "/cases/<case_id>/audit", "the case",
        expect(404, coordinator_own=200, counsellor_own=403, partner_granted=403),
        lambda w, api, a: api.get(f"{V1}/cases/{w.case}/audit")),
    Row("GET", "/handovers", "-", expect(200), lambda w, api, a: api.get(f"{V1}/handovers")),
    Row("POST", "/handovers/<handover_id>/withdrawal", "a fresh handover to the granted partner",
        expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.post(f"{V1}/handovers/{w.hand_over('animus')}/withdrawal")),
    Row("POST", "/handovers/<handover_id>/withdrawal", "the withdrawn handover", expect(404, own=200),
        lambda w, api, a: api.post(f"{V1}/handovers/{w.h_lastrada}/withdrawal")),
    Row("POST", "/handovers/<handover_id>/monitoring", "the active handover", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.post(f"{V1}/handovers/{w.h_animus}/monitoring",
                                   {"item": "arrival_confirmed", "date": "2026-01-05"})),
    Row("POST", "/handovers/<handover_id>/monitoring", "the withdrawn handover", expect(404, own=200),
        lambda w, api, a: api.post(f"{V1}/handovers/{w.h_lastrada}/monitoring",
                                   {"item": "first_contact", "date": "2026-01-05"})),
    Row("GET", "/partner-organisations", "-", expect(200, partners=403),
        lambda w, api, a: api.get(f"{V1}/partner-organisations")),
    Row("GET", "/cases/<case_id>/overview", "the case", expect(404, own=200, partner_granted=200),
        lambda w, api, a: api.get(f"{V1}/cases/{w.case}/overview")),
    Row("POST", "/cases/<case_id>/step", "a fresh case of the own organisation", expect(404, own=200),
        lambda w, api, a: api.post(f"{V1}/cases/{w.api['counsellor_own'].new_case()}/step", {"step": "NL-2"})),
    Row("POST", "/cases/<case_id>/step", "the handed-over case, a move the flowchart forbids",
        expect(404, own=422, partner_granted=403),
        lambda w, api, a: api.post(f"{V1}/cases/{w.case}/step", {"step": "R-6"})),
    Row("GET", "/socialmap", "-", expect(200), lambda w, api, a: api.get(f"{V1}/socialmap?country=NG")),
    Row("GET", "/socialmap/countries", "-", expect(200), lambda w, api, a: api.get(f"{V1}/socialmap/countries")),
    Row("GET", "/socialmap/organisations/<org_id>", "COSUDOW", expect(200),
        lambda w, api, a: api.get(f"{V1}/socialmap/organisations/{COSUDOW}")),
    Row("POST", "/socialmap/edits", "a new organisation", expect(403, coordinator_own=201, coordinator_other=201,
                                                                  admin=201),
        lambda w, api, a: api.post(f"{V1}/socialmap/edits", {
            "id": str(uuid.uuid4()), "kind": "add", "reason": "new partner",
            "changes": {"name": {"old": None, "new": "New shelter"}, "country": {"old": None, "new": "NG"}}})),
    Row("GET", "/socialmap/changes", "-", expect(200), lambda w, api, a: api.get(f"{V1}/socialmap/changes?since=0")),
    Row("GET", "/socialmap/retired", "-", expect(403, coordinator_own=200, coordinator_other=200, admin=200),
        lambda w, api, a: api.get(f"{V1}/socialmap/retired")),
    Row("GET", "/push/key", "-", expect(200), lambda w, api, a: api.get(f"{V1}/push/key")),
    Row("POST", "/push/subscriptions", "a new device", expect(201),
        lambda w, api, a: api.post(f"{V1}/push/subscriptions", subscription())),
    Row("DELETE", "/push/subscriptions", "a device", expect(204),
        lambda w, api, a: api.client.delete(f"{V1}/push/subscriptions", headers=HEADERS,
                                            json={"endpoint": subscription()["endpoint"]})),
    Row("GET", "/reports/summary", "the own organisation's (a partner: the cases handed over to it)",
        expect(403, coordinator_own=200, coordinator_other=200, partners=200),
        lambda w, api, a: api.get(f"{V1}/reports/summary")),
    Row("GET", "/exports/<form_id>", "overzicht-1 as CSV with client codes",
        expect(403, coordinator_own=200, coordinator_other=200),
        lambda w, api, a: api.get(f"{V1}/exports/overzicht-1?format=csv&lang=en&client_codes=1")),
    Row("GET", "/exports/<form_id>", "an unknown form", expect(403, coordinator_own=404, coordinator_other=404),
        lambda w, api, a: api.get(f"{V1}/exports/no-such-form?format=csv&lang=en")),
    Row("GET", "/inbox", "-", expect(200), lambda w, api, a: api.get(f"{V1}/inbox")),
    Row("PUT", "/session/password", "own password", expect(204), lambda w, api, a: w.change_password_and_back(api)),
    Row("GET", "/users", "-", expect(403, coordinator_own=200, coordinator_other=200, admin=200),
        lambda w, api, a: api.get(f"{V1}/users")),
    Row("POST", "/users", "a new counsellor", expect(403, coordinator_own=201, coordinator_other=201, admin=201),
        lambda w, api, a: api.post(f"{V1}/users", {"email": f"new-{uuid.uuid4()}@example.org", "role": "counsellor"})),
    Row("PATCH", "/users/<user_id>", "a counsellor of shelter-a",
        expect(403, coordinator_own=200, coordinator_other=404, admin=200),
        lambda w, api, a: api.patch(f"{V1}/users/{w.target_user}", {"active": True})),
    Row("POST", "/users/<user_id>/setup-link", "a counsellor of shelter-a",
        expect(403, coordinator_own=201, coordinator_other=404, admin=201),
        lambda w, api, a: api.post(f"{V1}/users/{w.target_user}/setup-link")),
    Row("POST", "/account-setup", "an unknown link", expect(404, anonymous=404),
        lambda w, api, a: api.post(f"{V1}/account-setup", {"token": "x" * 43, "password": OTHER_PASSWORD})),
    Row("GET", "/organisations", "-", expect(403, admin=200), lambda w, api, a: api.get(f"{V1}/organisations")),
    Row("POST", "/organisations", "a new partner organisation", expect(403, admin=201),
        lambda w, api, a: api.post(f"{V1}/organisations", {"id": f"ngo-{uuid.uuid4().hex[:8]}", "name": "New NGO",
                                                           "country": "NG", "kind": "partner"})),
    Row("PATCH", "/organisations/<org_id>", "another organisation", expect(403, admin=200),
        lambda w, api, a: api.patch(f"{V1}/organisations/ngo-extra", {"active": True})),
    Row("GET", "/devices", "-", expect(200), lambda w, api, a: api.get(f"{V1}/devices")),
    Row("PATCH", "/devices/<device_id>", "Anna's device",
        expect(404, counsellor_own=200, coordinator_own=403, admin=403),
        lambda w, api, a: api.patch(f"{V1}/devices/{w.device}", {"name": "Tablet 2, office"})),
    Row("POST", "/devices/<device_id>/wipe", "a device Anna just used",
        expect(404, own=202, admin=202), lambda w, api, a: api.post(f"{V1}/devices/{w.new_device()}/wipe")),
    Row("POST", "/devices/<device_id>/wipe-confirmation", "a device never wiped", expect(404, anonymous=404),
        lambda w, api, a: api.post(f"{V1}/devices/{w.device}/wipe-confirmation")),
    Row("POST", "/inbox/<notification_id>/read", "the granted partner's notification",
        expect(404, partner_granted=204), lambda w, api, a: api.post(f"{V1}/inbox/{w.animus_note}/read")),
]


def test_every_route_has_rows(world):
    routes = {(method, rule.rule[len(V1):]) for rule in world.app.url_map.iter_rules()
              if rule.rule.startswith(V1 + "/") for method in rule.methods - {"HEAD", "OPTIONS"}}
    covered = {(row.method, row.rule) for row in ROWS}
    assert routes - covered == set(), "routes without a row in the access matrix"
    assert covered - routes == set(), "rows for routes that do not exist"


def test_the_world_is_what_the_matrix_assumes(world):
    granted = world.api["partner_granted"].get(f"{V1}/handovers").json["handovers"]
    withdrawn = world.api["partner_withdrawn"].get(f"{V1}/handovers").json["handovers"]
    assert [(h["id"], h["status"]) for h in granted] == [(world.h_animus, "active")]
    assert [(h["id"], h["status"]) for h in withdrawn] == [(world.h_lastrada, "withdrawn")]
    assert world.api["partner_ungranted"].get(f"{V1}/handovers").json["handovers"] == []


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_access(world, row, actor):
    r = row.call(world, world.api[actor], actor)
    assert r.status_code == row.statuses[actor], (r.status_code, r.get_json(silent=True))
    leaked = [s for s in world.forbidden(actor) if s.encode() in r.data]
    assert not leaked, f"{actor} learns {leaked} from {row.id}"
