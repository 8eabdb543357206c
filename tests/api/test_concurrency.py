"""Writers at once through the API on the TinyDB store: threads, processes, and a process killed mid-write."""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import time
import uuid

import pytest

from app import create_app
from app.services import accounts
from tests.conftest import HEADERS, PASSWORD, change, overzicht1


def _app(data_dir):
    return create_app({"TESTING": True, "DATA_DIR": data_dir, "STORE": "tinydb"})


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


def _write_records(data_dir, case_id, n, ack_path=None):
    """Save n new records through the API; return (and append to ack_path) each acknowledged (id, rev)."""
    app = _app(data_dir)
    client = _session(app, "anna@shelter-a.nl")
    acked = []
    for i in range(n):
        rid = str(uuid.uuid4())
        r = client.put(f"/api/v1/records/{rid}", json=change(case_id, overzicht1(nl_f1="+"), device_id=f"d{i}"),
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

    def work():
        try:
            results.extend(_write_records(data_dir, case_id, 6))
        except Exception as e:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(8)]
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


@pytest.mark.slow
def test_a_process_killed_mid_writes_loses_no_acknowledged_write(shelter, tmp_path):
    data_dir, case_id = shelter
    ack = tmp_path / "acks"
    proc = multiprocessing.get_context("spawn").Process(target=_process_worker,
                                                        args=(data_dir, case_id, 10_000, str(ack)))
    proc.start()
    deadline = time.time() + 60
    while time.time() < deadline and (not ack.exists() or len(ack.read_text().splitlines()) < 15):
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    lines = ack.read_text().split("\n")
    acked = [tuple(json.loads(line)) for line in lines[:-1]]  # the last piece may be a line cut by the kill
    assert len(acked) >= 15
    _assert_all_present(data_dir, case_id, acked)  # reopens the store after the kill
