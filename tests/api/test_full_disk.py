"""A full disk under the TinyDB store, through the API: writes that cannot be stored answer 507 in the user's
language, the server logs it once and /healthz answers 503; once space returns /healthz answers 200 before any
write (its probe finds room), the resent writes are stored, and nothing is lost, unaudited or announced without
its record.

The store lives on a small tmpfs that the test mounts (as root). Where mounting is not allowed, the same test
runs with the OSError a full disk gives injected at the store's file write instead (AtomicJSONStorage._write),
and says so in its parameter id: `injected`.
"""
from __future__ import annotations

import errno
import logging
import os
import subprocess
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from app import create_app
from app.domain.access import Scope
from app.services import accounts
from app.storage.tinydb_files import AtomicJSONStorage
from tests.conftest import HEADERS, PASSWORD, change, overzicht1

DISK_SIZE = "4m"


def _can_mount() -> bool:
    return os.geteuid() == 0 and subprocess.run(["which", "mount"], capture_output=True).returncode == 0


class Disk:
    """Where the store lives, and a way to fill it up and free it again."""

    def __init__(self, path: Path):
        self.path = path

    def fill(self) -> None: ...
    def free(self) -> None: ...


class Tmpfs(Disk):
    """A real tmpfs of DISK_SIZE: filled by a ballast file written until the kernel says ENOSPC."""

    def fill(self) -> None:
        with open(self.path / "ballast", "ab", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC

    def free(self) -> None:
        (self.path / "ballast").unlink()


class Injected(Disk):
    """No mount allowed: every store file write fails with ENOSPC while 'full'."""

    def __init__(self, path: Path, monkeypatch):
        super().__init__(path)
        real = AtomicJSONStorage._write
        self.full = False

        def write(storage, data):
            if self.full:
                raise OSError(errno.ENOSPC, "No space left on device")
            real(storage, data)

        monkeypatch.setattr(AtomicJSONStorage, "_write", write)

    def fill(self) -> None:
        self.full = True

    def free(self) -> None:
        self.full = False


@contextmanager
def mounted_tmpfs(path: Path):
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0700", "tmpfs", str(path)], check=True)
    try:
        yield Tmpfs(path)
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=True)


@pytest.fixture(params=["tmpfs" if _can_mount() else "injected"])
def disk(request, tmp_path, monkeypatch):
    if request.param == "tmpfs":
        with mounted_tmpfs(tmp_path / "disk") as mounted:
            yield mounted
    else:
        (tmp_path / "disk").mkdir()
        yield Injected(tmp_path / "disk", monkeypatch)


def test_a_full_disk_answers_507_and_loses_nothing_once_space_returns(disk, caplog):
    app = create_app({"TESTING": True, "DATA_DIR": disk.path / "instance", "STORE": "tinydb"})
    c = app.extensions["safefuture"]
    accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
    accounts.create_user(c, "anna@shelter-a.nl", "shelter-a", "counsellor", PASSWORD)
    client = app.test_client()
    assert client.post("/api/v1/session", json={"email": "anna@shelter-a.nl", "password": PASSWORD},
                       headers=HEADERS).status_code == 200
    case_id = str(uuid.uuid4())
    assert client.post("/api/v1/cases", json={"id": case_id, "client_code": "T-1", "country_of_origin": "NG"},
                       headers=HEADERS).status_code == 201
    acked: dict[str, str] = {}
    for _ in range(5):
        rid = str(uuid.uuid4())
        r = client.put(f"/api/v1/records/{rid}", json=change(case_id, overzicht1(nl_f1="+")), headers=HEADERS)
        assert r.status_code == 201
        acked[rid] = r.json["rev"]
    assert client.get("/healthz").status_code == 200

    disk.fill()
    refused_puts = [str(uuid.uuid4()) for _ in range(3)]
    for rid in refused_puts:
        r = client.put(f"/api/v1/records/{rid}", json=change(case_id, overzicht1(coo_f1="-")),
                       headers={**HEADERS, "Accept-Language": "nl"})
        assert r.status_code == 507, r.json
        assert r.json["error"] == "out_of_space"
        assert r.json["message"].startswith("De server heeft geen opslagruimte meer")
    edited = next(iter(acked))
    sync_push = [{"id": edited, **change(case_id, overzicht1(nl_f1="--"), base_rev=acked[edited])},
                 {"id": str(uuid.uuid4()), **change(case_id, overzicht1(nl_f2="+"))}]
    r = client.post("/api/v1/sync", json={"push": sync_push}, headers={**HEADERS, "Accept-Language": "bg"})
    assert r.status_code == 507 and r.json["message"].startswith("Сървърът няма повече място")
    r = client.post("/api/v1/sync", json={"push": sync_push}, headers={**HEADERS, "Accept-Language": "en"})
    assert r.status_code == 507 and "stays on this device" in r.json["message"]
    for _ in range(2):  # each check probes the disk, which is still full
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json["status"] == "out_of_space"
    loud = [rec for rec in caplog.records if rec.levelno == logging.CRITICAL and "OUT OF DISK SPACE" in rec.message]
    assert len(loud) == 1  # five refused writes, one loud line

    def feed_names_only_records():
        changes, _ = c.store.changes_since(0, Scope(org_ids=frozenset({"shelter-a"})), 10_000)
        records = c.store.list_records(case_id)
        return {ch.entity_id for ch in changes if ch.kind == "record"} <= {s.id for s in records}

    assert feed_names_only_records()

    disk.free()
    assert client.get("/healthz").status_code == 200  # the probe finds room again: no write needed to clear it
    assert not list(disk.path.rglob(".tmp-*"))  # and it left no file behind
    # the devices send their changes again
    for rid in refused_puts:
        r = client.put(f"/api/v1/records/{rid}", json=change(case_id, overzicht1(coo_f1="-")), headers=HEADERS)
        assert r.status_code in (200, 201), r.json  # 200: it was stored after all, and this is its replay
        acked[rid] = r.json["rev"]
    r = client.post("/api/v1/sync", json={"push": sync_push}, headers=HEADERS)
    assert r.status_code == 200 and [x["status"] for x in r.json["results"]] == ["ok", "ok"]
    acked.update({x["id"]: x["rev"] for x in r.json["results"]})
    assert client.get("/healthz").status_code == 200

    states = {s.id: s for s in c.store.list_records(case_id)}
    assert {rid: states[rid].head.rev for rid in acked} == acked  # nothing lost
    revisions = Counter((s.id, r.rev) for s in states.values() for r in c.store.record_history(s.id))
    assert revisions[(edited, acked[edited])] == 1 and len(c.store.record_history(edited)) == 2
    audited = Counter((e.record_id, e.details.get("rev")) for e in c.store.audit_events() if e.action == "write_record")
    assert audited == revisions  # every revision audited once, no event without its revision
    changes, _ = c.store.changes_since(0, Scope(org_ids=frozenset({"shelter-a"})), 10_000)
    assert Counter(ch.entity_id for ch in changes if ch.kind == "record") == Counter(r for r, _ in revisions)
    result = app.test_cli_runner().invoke(args=["verify-audit"])
    assert result.exit_code == 0, result.output
