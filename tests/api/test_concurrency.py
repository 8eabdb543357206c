"""Writers at once through the API: threads and processes on the TinyDB store, and a writer killed mid-write 20
times on TinyDB and on PostgreSQL."""
from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import random
import signal
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack

import pytest

from app import create_app
from app.domain.access import Scope
from app.services import accounts
from tests.conftest import HEADERS, PASSWORD, change, overzicht1

MAPPED = "b14-ng-cosudow"  # an organisation of the social map
from tests.postgres import temporary_schema


def _app(data_dir, store="tinydb"):
    return create_app({"TESTING": True, "DATA_DIR": data_dir, "STORE": store})


def _session(app, email):
    client = app.test_client()
    r = client.post("/api/v1/session", json={"email": email, "password": PASSWORD}, headers=HEADERS)
    assert r.status_code == 200
    return client


@pytest.fixture
def shelter(tmp_path):
    """A data directory with one organisation, one counsellor and one case; returns (data_dir, case_id)."""
    data_dir = tmp_path / "instance"
    app = _app(data_dir)
    c = app.extensions["safefuture"]
    accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
    accounts.create_user(c, "anna@shelter-a.nl", "shelter-a", "counsellor", PASSWORD)
    client = _session(app, "anna@shelter-a.nl")
    case_id = str(uuid.uuid4())
    assert client.post("/api/v1/cases", json={"id": case_id, "client_code": "T-1", "country_of_origin": "NG"},
                       headers=HEADERS).status_code == 201
    return data_dir, case_id


def _write_records(data_dir, case_id, n, ack_path=None, app=None):
    """Save n new records through the API; return (and append to ack_path) each acknowledged (id, rev)."""
    app = app or _app(data_dir)
    client = _session(app, "anna@shelter-a.nl")
    acked = []
    for i in range(n):
        rid = str(uuid.uuid4())
        r = client.put(f"/api/v1/records/{rid}", json=change(case_id, overzicht1(nl_f1="+"), device_id=str(uuid.uuid4())),
                       headers=HEADERS)
        assert r.status_code == 201, r.json
        acked.append((rid, r.json["rev"]))
        if ack_path:
            with open(ack_path, "a") as f:  # the acknowledgement is durable before the next write starts
                f.write(json.dumps([rid, r.json["rev"]]) + "\n")
                f.flush()
                os.fsync(f.fileno())
    return acked


def _assert_all_present(data_dir, case_id, acked):
    app = _app(data_dir)
    client = _session(app, "anna@shelter-a.nl")
    for rid, rev in acked:
        r = client.get(f"/api/v1/records/{rid}")
        assert r.status_code == 200 and r.json["rev"] == rev
    summary = client.get(f"/api/v1/cases/{case_id}").json["records"]
    assert {r["id"] for r in summary} >= {rid for rid, _ in acked}
    for path in (data_dir / "store").rglob("*.json"):
        json.loads(path.read_text())  # every store file is valid JSON


def test_eight_threads_writing_at_once_lose_nothing(shelter):
    data_dir, case_id = shelter
    results, errors = [], []

    def work(app):
        try:
            results.extend(_write_records(data_dir, case_id, 6, app=app))
        except Exception as e:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(e)

    # Each thread has an app (and store) of its own, made here: CPython 3.11 can fail to compile code in
    # several threads at once ("AST constructor recursion depth mismatch"), and app creation compiles.
    threads = [threading.Thread(target=work, args=(_app(data_dir),)) for _ in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors and len(results) == 48
    _assert_all_present(data_dir, case_id, results)


def _process_worker(data_dir, case_id, n, ack_path):
    _write_records(data_dir, case_id, n, ack_path)


@pytest.mark.slow
def test_four_processes_writing_at_once_lose_nothing(shelter, tmp_path):
    data_dir, case_id = shelter
    ctx = multiprocessing.get_context("spawn")
    acks = [tmp_path / f"acks-{i}" for i in range(4)]
    procs = [ctx.Process(target=_process_worker, args=(data_dir, case_id, 8, str(a))) for a in acks]
    [p.start() for p in procs]
    [p.join(120) for p in procs]
    assert all(p.exitcode == 0 for p in procs)
    acked = [tuple(json.loads(line)) for a in acks for line in a.read_text().splitlines()]
    assert len(acked) == 32
    _assert_all_present(data_dir, case_id, acked)


def _write_until_killed(data_dir, store, case_ids, ack_path, kind, start):
    """Save through the API until killed, one kind of write per round (see ROUNDS): "cases" makes new cases over
    and over; "others" goes round these writes, from the `start`th on: a new record by PUT and a sync that edits it
    and creates two more; a new user (with its set-up link), a change of its role and a new link; a new
    organisation and its deactivation; a wipe of a new device; a social-map edit. Every acknowledged write is
    appended to ack_path before the next one, as [what, id] or [record id, rev]."""
    app = _app(data_dir, store)
    acks = open(ack_path, "a")

    def ack(what, value):
        acks.write(json.dumps([what, value]) + "\n")
        acks.flush()
        os.fsync(acks.fileno())

    def ok(r, status=200):
        assert r.status_code == status, (r.status_code, r.json)
        return r.json

    anna = _session(app, "anna@shelter-a.nl")
    if kind == "cases":
        while True:
            new_case = str(uuid.uuid4())
            ok(anna.post("/api/v1/cases", json={"id": new_case, "client_code": "T-2", "country_of_origin": "NG"},
                         headers=HEADERS), 201)
            ack("case", new_case)
    cora, root = _session(app, "cora@shelter-a.nl"), _session(app, "root@shelter-a.nl")

    def records(n):
        case_id, rid = case_ids[n % len(case_ids)], str(uuid.uuid4())
        r = ok(anna.put(f"/api/v1/records/{rid}", json=change(case_id, overzicht1(nl_f1="+")), headers=HEADERS), 201)
        ack(rid, r["rev"])
        push = [{"id": rid, **change(case_id, overzicht1(nl_f1="-"), base_rev=r["rev"])},
                *({"id": str(uuid.uuid4()), **change(case_id, overzicht1(coo_f3="++"))} for _ in range(2))]
        r = ok(anna.post("/api/v1/sync", json={"push": push, "since": 0}, headers=HEADERS))
        assert all(res["status"] == "ok" for res in r["results"]), r
        for res in r["results"]:
            ack(res["id"], res["rev"])

    def user(n):
        user_id = ok(cora.post("/api/v1/users", json={"email": f"u-{uuid.uuid4().hex[:12]}@shelter-a.nl",
                                                      "role": "counsellor"}, headers=HEADERS), 201)["id"]
        ack("user", user_id)
        ok(cora.patch(f"/api/v1/users/{user_id}", json={"role": "coordinator"}, headers=HEADERS))
        ack("role", user_id)
        ok(cora.post(f"/api/v1/users/{user_id}/setup-link", headers=HEADERS), 201)

    def organisation(n):
        org_id = f"org-{uuid.uuid4().hex[:12]}"
        ok(root.post("/api/v1/organisations", json={"id": org_id, "name": "Partner", "country": "BG",
                                                    "kind": "partner"}, headers=HEADERS), 201)
        ack("org", org_id)
        ok(root.patch(f"/api/v1/organisations/{org_id}", json={"active": False}, headers=HEADERS))
        ack("org off", org_id)

    def wipe(n):
        device_id = str(uuid.uuid4())
        ok(cora.get("/api/v1/devices", headers={**HEADERS, "X-Device-Id": device_id}))  # its first contact
        ok(cora.post(f"/api/v1/devices/{device_id}/wipe", headers=HEADERS), 202)
        ack("wipe", device_id)

    def socialmap_edit(n):
        current = ok(cora.get(f"/api/v1/socialmap/organisations/{MAPPED}", headers=HEADERS))["description"]
        edit_id = str(uuid.uuid4())
        ok(cora.post("/api/v1/socialmap/edits", json={"id": edit_id, "org_id": MAPPED, "kind": "change", "changes": {
            "description": {"old": current, "new": f"Edited {edit_id}"}}}, headers=HEADERS), 201)
        ack("edit", edit_id)

    writes = [records, user, organisation, wipe, socialmap_edit]
    for n in itertools.count(start):
        writes[n % len(writes)](n)


@pytest.fixture(params=["tinydb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def killable_shelter(request, tmp_path):
    """An organisation with a counsellor, a coordinator, an admin and three cases on TinyDB or PostgreSQL; yields
    (data_dir, store, case_ids). The app that set it up is closed: the writers are forked, and must not share
    its connections."""
    with ExitStack() as stack:
        store = "tinydb" if request.param == "tinydb" else stack.enter_context(temporary_schema())
        data_dir = tmp_path / "instance"
        app = _app(data_dir, store)
        c = app.extensions["safefuture"]
        accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
        for name, role in (("anna", "counsellor"), ("cora", "coordinator"), ("root", "admin")):
            accounts.create_user(c, f"{name}@shelter-a.nl", "shelter-a", role, PASSWORD)
        client = _session(app, "anna@shelter-a.nl")
        case_ids = [str(uuid.uuid4()) for _ in range(3)]
        for case_id in case_ids:
            assert client.post("/api/v1/cases", json={"id": case_id, "client_code": "T-1", "country_of_origin": "NG"},
                               headers=HEADERS).status_code == 201
        c.store.close()
        yield data_dir, store, case_ids


# Two kills of three land among case creations, the others among all the other writes (each round of those starts
# at the next kind). A write whose audit event is not in its step leaves a gap a kill finds in a fifth of the kills
# among case creations or more (measured by putting case creation's event after its write again: of 12 runs of 20
# kills, half among case creations, 23 of the 24 store runs failed; of 12 runs of these, 24 of 24; README).
ROUNDS = ["cases", "others", "cases"] * 8
KILLS = len(ROUNDS)
# The kill comes after 1 to this many acknowledged writes of the round, and a random moment more.
ACKS_BEFORE_KILL = {"cases": 3, "others": 4}


@pytest.mark.slow
def test_kills_mid_write_lose_nothing_and_leave_no_change_unaudited(killable_shelter, tmp_path):
    """SIGKILL a writer 24 times at random points of case creations, PUTs and syncs, user, organisation, device
    and social-map changes. Afterwards every acknowledged write is there; every revision has exactly one
    write_record audit event, every case one create_case event, every user, organisation, wipe and social-map
    edit its event, exactly once, and no event names a change that is not there (a crash between a write and its
    event used to leave it unaudited, and the resend is a replay that writes none); the audit chain verifies,
    and every entry of the change feed names a record or case that exists. (~25-45 s for both stores.)"""
    data_dir, store, case_ids = killable_shelter
    ack = tmp_path / "acks"
    ack.touch()
    fork = multiprocessing.get_context("fork")  # a fork starts in milliseconds; the parent holds no connection
    rng = random.Random(13)
    for round_, kind in enumerate(ROUNDS):
        before, start = len(ack.read_text().splitlines()), ROUNDS[:round_].count(kind)
        proc = fork.Process(target=_write_until_killed, args=(data_dir, store, case_ids, str(ack), kind, start))
        proc.start()
        deadline, acks = time.time() + 60, rng.randint(1, ACKS_BEFORE_KILL[kind])
        while time.time() < deadline and len(ack.read_text().splitlines()) < before + acks and proc.is_alive():
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.03))  # land the kill at a random point of a write
        assert proc.is_alive(), "the writer stopped before it was killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
    lines = ack.read_text().split("\n")
    acked = [tuple(json.loads(line)) for line in lines if line.strip().endswith("]")]  # a line cut by a kill
    assert len(acked) >= 2 * KILLS
    of = {what: [value for kind, value in acked if kind == what]
          for what in ("case", "user", "role", "org", "org off", "wipe", "edit")}
    acked = [(rid, rev) for rid, rev in acked if rid not in of]

    app = _app(data_dir, store)
    c = app.extensions["safefuture"]
    try:
        events = c.store.audit_events()

        def audited(action, key):
            return Counter(key(e) for e in events if e.action == action)

        states = {s.id: s for case_id in case_ids for s in c.store.list_records(case_id)}
        lines = {rid: c.store.record_history(rid) for rid in states}
        for rid, rev in acked:
            assert rid in states and rev in [r.rev for r in lines[rid]], (rid, rev)
        revisions = Counter((s.id, r.rev) for s in states.values() for r in lines[s.id] + s.conflicts)
        written = audited("write_record", lambda e: (e.record_id, e.details.get("rev")))
        assert [key for key in revisions if written[key] == 0] == []  # no revision without its event
        assert written == revisions  # and no event twice, nor one for a revision that is not there
        result = app.test_cli_runner().invoke(args=["verify-audit"])
        assert result.exit_code == 0 and "audit chain intact" in result.output, result.output
        changes, _ = c.store.changes_since(0, Scope(org_ids=frozenset({"shelter-a"})), 1_000_000)
        announced = {ch.entity_id for ch in changes if ch.kind == "record"}
        assert announced == set(states)  # no feed entry without its record, no record without its entry
        cases = {case.id for case in c.store.list_cases(Scope(org_ids=frozenset({"shelter-a"})))}
        assert set(of["case"]) <= cases and len(cases) > len(case_ids)
        assert audited("create_case", lambda e: e.case_id) == Counter(cases)  # once each, none without its case
        assert {ch.entity_id for ch in changes if ch.kind == "case"} == cases

        # Users, organisations, device wipes and social-map edits: each change there has its event, once, and
        # each event its change.
        users = {u.id: u for u in c.store.list_users("shelter-a") if u.email.startswith("u-")}
        assert set(of["user"]) <= set(users)
        assert {u for u in of["role"] if users[u].role == "coordinator"} == set(of["role"])
        assert audited("user_created", lambda e: e.details["user_id"]) == Counter(list(users))
        assert audited("user_updated", lambda e: e.details["user_id"]) == Counter(
            u.id for u in users.values() if u.role == "coordinator")
        linked = audited("setup_link_issued", lambda e: e.details["user_id"])
        assert set(linked) <= set(users) | {u.id for u in c.store.list_users("shelter-a")}
        assert {d["user_id"] for d in c.store.list_docs("setup_links")} <= set(linked)  # every link has its event
        orgs = {o.id: o for o in c.store.list_orgs() if o.id.startswith("org-")}
        assert set(of["org"]) <= set(orgs) and not any(orgs[o].active for o in of["org off"])
        assert audited("org_created", lambda e: e.details["target_org"]) == Counter(list(orgs))
        assert audited("org_updated", lambda e: e.details["target_org"]) == Counter(
            o.id for o in orgs.values() if not o.active)
        wiped = {d["id"] for d in c.store.list_docs("devices") if d.get("wipe")}
        assert set(of["wipe"]) <= wiped
        assert audited("device_wipe_ordered", lambda e: e.device_id) == Counter(wiped)
        edits = [e["id"] for e in c.store.list_socialmap_edits()]
        assert set(of["edit"]) <= set(edits)
        assert audited("socialmap_edit", lambda e: e.details["edit"]) == Counter(edits)
        assert min(len(of[what]) for what in of) > 0  # every kind of write was made
    finally:
        c.store.close()
