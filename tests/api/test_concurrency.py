"""Writers at once through the API: threads and processes on the TinyDB store, and a writer killed mid-write 20
times on TinyDB and on PostgreSQL."""
from __future__ import annotations

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


def _write_until_killed(data_dir, store, case_ids, ack_path):
    """Save through the API until killed, one way after the other: a new case, a new record by PUT, then a sync
    that edits the record and creates two more. Every acknowledged write is appended to ack_path before the next
    one: (record id, rev), or ("case", case id)."""
    app = _app(data_dir, store)
    client = _session(app, "anna@shelter-a.nl")
    cursor, n = 0, 0
    with open(ack_path, "a") as acks:
        def ack(rid, rev):
            acks.write(json.dumps([rid, rev]) + "\n")
            acks.flush()
            os.fsync(acks.fileno())

        while True:
            new_case = str(uuid.uuid4())
            r = client.post("/api/v1/cases", json={"id": new_case, "client_code": "T-2", "country_of_origin": "NG"},
                            headers=HEADERS)
            assert r.status_code == 201, r.json
            ack("case", new_case)
            case_id, rid = case_ids[n % len(case_ids)], str(uuid.uuid4())
            r = client.put(f"/api/v1/records/{rid}", json=change(case_id, overzicht1(nl_f1="+")), headers=HEADERS)
            assert r.status_code == 201, r.json
            ack(rid, r.json["rev"])
            push = [{"id": rid, **change(case_id, overzicht1(nl_f1="-"), base_rev=r.json["rev"])},
                    *({"id": str(uuid.uuid4()), **change(case_id, overzicht1(coo_f3="++"))} for _ in range(2))]
            r = client.post("/api/v1/sync", json={"push": push, "since": cursor}, headers=HEADERS)
            assert r.status_code == 200 and all(res["status"] == "ok" for res in r.json["results"]), r.json
            for res in r.json["results"]:
                ack(res["id"], res["rev"])
            cursor, n = r.json["cursor"], n + 1


@pytest.fixture(params=["tinydb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def killable_shelter(request, tmp_path):
    """An organisation with one counsellor and three cases on TinyDB or PostgreSQL; yields (data_dir, store,
    case_ids). The app that set it up is closed: the writers are forked, and must not share its connections."""
    with ExitStack() as stack:
        store = "tinydb" if request.param == "tinydb" else stack.enter_context(temporary_schema())
        data_dir = tmp_path / "instance"
        app = _app(data_dir, store)
        c = app.extensions["safefuture"]
        accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
        accounts.create_user(c, "anna@shelter-a.nl", "shelter-a", "counsellor", PASSWORD)
        client = _session(app, "anna@shelter-a.nl")
        case_ids = [str(uuid.uuid4()) for _ in range(3)]
        for case_id in case_ids:
            assert client.post("/api/v1/cases", json={"id": case_id, "client_code": "T-1", "country_of_origin": "NG"},
                               headers=HEADERS).status_code == 201
        c.store.close()
        yield data_dir, store, case_ids


KILLS = 20


@pytest.mark.slow
def test_twenty_kills_mid_write_lose_nothing_and_leave_no_revision_unaudited(killable_shelter, tmp_path):
    """SIGKILL a writer 20 times at random points of case creations, PUTs and syncs. Afterwards every
    acknowledged write is there, every revision has exactly one write_record audit event and every case one
    create_case event (a crash between a write and its event used to leave it unaudited, and the resend is a
    replay that writes none), the audit chain verifies, and every entry of the change feed names a record or
    case that exists. (~1 minute for both stores.)"""
    data_dir, store, case_ids = killable_shelter
    ack = tmp_path / "acks"
    ack.touch()
    fork = multiprocessing.get_context("fork")  # a fork starts in milliseconds; the parent holds no connection
    rng = random.Random(13)
    for _ in range(KILLS):
        before = len(ack.read_text().splitlines())
        proc = fork.Process(target=_write_until_killed, args=(data_dir, store, case_ids, str(ack)))
        proc.start()
        deadline = time.time() + 60
        while time.time() < deadline and len(ack.read_text().splitlines()) < before + 2 and proc.is_alive():
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))  # land the kill at a random point of a write
        assert proc.is_alive(), "the writer stopped before it was killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
    lines = ack.read_text().split("\n")
    acked = [tuple(json.loads(line)) for line in lines if line.strip().endswith("]")]  # a line cut by a kill
    assert len(acked) >= 2 * KILLS
    acked_cases = [case_id for kind, case_id in acked if kind == "case"]
    acked = [(rid, rev) for rid, rev in acked if rid != "case"]

    app = _app(data_dir, store)
    c = app.extensions["safefuture"]
    try:
        states = {s.id: s for case_id in case_ids for s in c.store.list_records(case_id)}
        lines = {rid: c.store.record_history(rid) for rid in states}
        for rid, rev in acked:
            assert rid in states and rev in [r.rev for r in lines[rid]], (rid, rev)
        audited = Counter((e.record_id, e.details.get("rev")) for e in c.store.audit_events()
                          if e.action == "write_record")
        revisions = Counter((s.id, r.rev) for s in states.values() for r in lines[s.id] + s.conflicts)
        assert [key for key in revisions if audited[key] == 0] == []  # no revision without its event
        assert audited == revisions  # and no event twice, nor one for a revision that is not there
        result = app.test_cli_runner().invoke(args=["verify-audit"])
        assert result.exit_code == 0 and "audit chain intact" in result.output, result.output
        changes, _ = c.store.changes_since(0, Scope(org_ids=frozenset({"shelter-a"})), 1_000_000)
        announced = {ch.entity_id for ch in changes if ch.kind == "record"}
        assert announced == set(states)  # no feed entry without its record, no record without its entry
        cases = {case.id for case in c.store.list_cases(Scope(org_ids=frozenset({"shelter-a"})))}
        assert set(acked_cases) <= cases and len(cases) > len(case_ids)
        created = Counter(e.case_id for e in c.store.audit_events() if e.action == "create_case")
        assert created == Counter(cases)  # every case audited once, no event without its case
        assert {ch.entity_id for ch in changes if ch.kind == "case"} == cases
    finally:
        c.store.close()
