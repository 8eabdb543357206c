"""The TinyDB store under concurrent writers and crashes: every acknowledged write survives, every file stays
valid, and nothing written goes missing from the change feed."""
from __future__ import annotations

import errno
import json
import multiprocessing
import os
import random
import signal
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from app.domain.access import Scope
from app.domain.audit import AuditEvent, first_broken_link
from app.domain.model import Case
from app.domain.revisions import RecordChange, decide
from app.storage.base import StoreFull
from app.storage.change_log import ChangeLog
from app.storage.chunked_log import ChunkedLog
from app.storage.tinydb_files import AtomicJSONStorage
from app.storage.tinydb_store import TinyDBStore, open_tinydb_store
from tests.storage.test_contract_audited_writes import WRITES
from tests.storage.test_contract_audited_writes import event as audited_event

ORG = "org-a"
EVERYTHING = Scope(org_ids=frozenset({ORG}))
SPAWN = multiprocessing.get_context("spawn")


def change(record_id: str, case_id: str, text: str, base_rev: str | None = None) -> RecordChange:
    return RecordChange(id=record_id, case_id=case_id, form_id="overzicht-1", form_version=1, status="draft",
                        data={"occasion": text, "status_note": text * 20}, base_rev=base_rev, saved_by="user-1",
                        saved_at="2024-05-01T10:00:00Z")


def open_store(root: Path) -> TinyDBStore:
    return open_tinydb_store(root / "store", root / "keys" / "data.key")


def write_records(store, worker: str, count: int, shared_rev: str, report) -> None:
    """`count` new records, then one edit of the shared record from the revision everyone started from; each
    write followed by its audit event, as the services do."""
    changes = [change(f"{worker}-{n}", f"case-{worker}", f"{worker} {n}") for n in range(count)]
    for ch in changes + [change("shared", "case-shared", worker, shared_rev)]:
        outcome = store.apply_record_change(ch, ORG, decide)
        store.append_audit(AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id=worker, org_id=ORG,
                                      action="write_record", case_id=ch.case_id, record_id=ch.id))
        report((outcome.state.id, outcome.rev, outcome.status))


def process_writer(root: Path, worker: str, count: int, shared_rev: str, acks, ready, go) -> None:
    store = open_store(root)
    ready.put(worker)
    go.wait()
    write_records(store, worker, count, shared_rev, acks.put)


def write_until_killed(root: Path, prefix: str, conn) -> None:
    """Create records and edit each once, reporting every acknowledged write, until killed."""
    store = open_store(root)
    n = 0
    while True:
        record_id, case_id = f"{prefix}-{n}", f"case-{n % 5}"
        created = store.apply_record_change(change(record_id, case_id, f"{prefix} {n}"), ORG, decide)
        conn.send((record_id, created.rev))
        edited = store.apply_record_change(change(record_id, case_id, f"{prefix} {n} edited", created.rev), ORG, decide)
        conn.send((record_id, edited.rev))
        n += 1


def assert_files_valid(store_dir: Path) -> None:
    files = [p for p in store_dir.rglob("*") if p.is_file() and p.name != "write.lock"]
    assert files
    for path in files:
        assert not path.name.startswith(".tmp-"), f"leftover temporary file {path}"
        json.loads(path.read_bytes())


def assert_acknowledged_writes_present(store, acks) -> None:
    for record_id, rev, status in acks:
        record = store.get_record(record_id)
        assert record is not None, record_id
        kept = store.record_history(record_id) if status == "ok" else record.conflicts
        assert rev in [r.rev for r in kept], (record_id, rev, status)


def assert_feed_complete(store, record_ids) -> None:
    """The feed is numbered 1..n without gaps and announces every record."""
    changes, cursor = store.changes_since(0, EVERYTHING, 1_000_000)
    assert [c.seq for c in changes] == list(range(1, store.last_seq() + 1))
    assert cursor == store.last_seq()
    assert set(record_ids) <= {c.entity_id for c in changes if c.kind == "record"}


@pytest.mark.slow
def test_a_store_finds_records_that_another_process_saved_after_it_opened(tmp_path):
    """Each process keeps the record -> case index in memory, from the change feed: it must catch up with what
    other processes appended (two store objects on one directory share nothing in memory, like two processes)."""
    first, second = open_store(tmp_path), open_store(tmp_path)
    assert second.get_record("r-1") is None  # second has read the feed up to here
    first.apply_record_change(change("r-1", "case-a", "one"), ORG, decide)
    assert second.get_record("r-1").head.data["occasion"] == "one"
    rev = second.get_record("r-1").head.rev
    second.apply_record_change(change("r-1", "case-a", "two", rev), ORG, decide)
    first.apply_record_change(change("r-2", "case-b", "three"), ORG, decide)
    assert first.get_record("r-1").head.data["occasion"] == "two"
    assert sorted(second.get_records(["r-1", "r-2", "r-3"])) == ["r-1", "r-2"]


def test_eight_threads_and_four_processes_writing_records_and_audit_at_once(tmp_path):
    store = open_store(tmp_path)
    shared_rev = store.apply_record_change(change("shared", "case-shared", "start"), ORG, decide).rev
    count = 8
    acks, ready, go = SPAWN.Queue(), SPAWN.Queue(), SPAWN.Event()
    processes = [SPAWN.Process(target=process_writer, args=(tmp_path, f"p{i}", count, shared_rev, acks, ready, go))
                 for i in range(4)]
    for p in processes:
        p.start()
    for _ in processes:
        ready.get(timeout=60)

    thread_acks, start = [], threading.Barrier(8)

    def thread_writer(worker):
        start.wait()
        write_records(store, worker, count, shared_rev, thread_acks.append)

    threads = [threading.Thread(target=thread_writer, args=(f"t{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    go.set()
    process_acks = [acks.get(timeout=120) for _ in range(4 * (count + 1))]
    for t in threads:
        t.join()
    for p in processes:
        p.join(timeout=60)
        assert p.exitcode == 0

    all_acks = thread_acks + process_acks
    assert len(all_acks) == 12 * (count + 1)
    assert_files_valid(tmp_path / "store")
    reopened = open_store(tmp_path)
    assert_acknowledged_writes_present(reopened, all_acks)
    shared = [status for record_id, _, status in all_acks if record_id == "shared"]
    assert sorted(shared) == ["conflict"] * 11 + ["ok"]
    assert_feed_complete(reopened, {record_id for record_id, _, _ in all_acks})
    assert reopened.last_seq() == 1 + len(all_acks)
    audit = reopened.audit_events()
    assert len(audit) == len(all_acks) and first_broken_link(audit) is None


@pytest.mark.slow
def test_a_process_killed_mid_write_loses_no_acknowledged_write(tmp_path):
    open_store(tmp_path)  # create the key and store up front, as the server would
    acked: list[tuple[str, str]] = []
    for round_ in range(3):
        receiver, sender = SPAWN.Pipe(duplex=False)
        child = SPAWN.Process(target=write_until_killed, args=(tmp_path, f"round{round_}", sender))
        child.start()
        sender.close()
        while len(acked) < 30 * (round_ + 1):
            acked.append(receiver.recv())
        time.sleep(random.uniform(0, 0.02))  # land the kill at a random point of a write
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        try:
            while receiver.poll():
                acked.append(receiver.recv())
        except (EOFError, OSError):
            pass  # the pipe closed with the child
        receiver.close()

    store = open_store(tmp_path)  # must open, recover, and hold every acknowledged write
    assert_files_valid(tmp_path / "store")
    assert_acknowledged_writes_present(store, [(record_id, rev, "ok") for record_id, rev in acked])
    assert_feed_complete(store, {record_id for record_id, _ in acked})
    # and it goes on working
    assert store.apply_record_change(change("after", "case-0", "after the crash"), ORG, decide).status == "ok"


def test_a_writer_dying_between_data_and_feed_entry_leaves_the_change_announced(tmp_path, monkeypatch):
    store = open_store(tmp_path)

    def die(self, numbered):
        raise SystemExit("killed before the change was committed")

    monkeypatch.setattr(ChangeLog, "commit", die)
    with pytest.raises(SystemExit):
        store.apply_record_change(change("rec-1", "case-1", "saved just before the crash"), ORG, decide)
    monkeypatch.undo()

    assert store.changes_since(0, EVERYTHING, 10) == ([], 0)  # readers wait at the pending change
    reopened = open_store(tmp_path)
    assert reopened.get_record("rec-1").head.data["occasion"] == "saved just before the crash"
    changes, cursor = reopened.changes_since(0, EVERYTHING, 10)
    assert [(c.seq, c.entity_id) for c in changes] == [(1, "rec-1")] and cursor == 1


def test_a_batch_dying_before_its_commit_is_announced_whole_even_across_chunks(tmp_path, monkeypatch):
    store = open_store(tmp_path)
    for n in range(100):  # the batch will start in the first chunk of the feed (128 changes) and end in the third
        store.apply_record_change(change(f"before-{n}", "case-0", "earlier"), ORG, decide)

    def die(self, numbered):
        raise SystemExit("killed before the changes were committed")

    monkeypatch.setattr(ChangeLog, "commit", die)
    batch = [(change(f"rec-{n}", f"case-{n % 7}", f"batch {n}"), ORG) for n in range(200)]
    with pytest.raises(SystemExit):
        store.apply_record_changes(batch, decide)
    monkeypatch.undo()

    assert store.last_seq() == 100  # readers wait at the first pending change
    assert store.changes_since(100, EVERYTHING, 10) == ([], 100)
    reopened = open_store(tmp_path)
    assert reopened.last_seq() == 300
    changes, cursor = reopened.changes_since(100, EVERYTHING, 1000)
    assert [c.entity_id for c in changes] == [f"rec-{n}" for n in range(200)] and cursor == 300
    assert all(reopened.get_record(f"rec-{n}").head.data["occasion"] == f"batch {n}" for n in range(200))


def test_a_reader_never_sees_a_change_before_its_data(tmp_path):
    store = open_store(tmp_path)
    stop, problems = threading.Event(), []

    def reader():
        reader_store = open_store(tmp_path)
        while not stop.is_set():
            changes, _ = reader_store.changes_since(0, EVERYTHING, 1000)
            for c in changes:
                record = reader_store.get_record(c.entity_id)
                if record is None or c.case_id != record.case_id:
                    problems.append(c)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(40):
            store.apply_record_change(change(f"rec-{n}", f"case-{n % 3}", f"text {n}"), ORG, decide)
    finally:
        stop.set()
        thread.join()
    assert problems == []


def audited(store) -> list[tuple[str, str]]:
    return [(e.record_id, e.details.get("rev")) for e in store.audit_events()]


def write_event(ch, outcome) -> AuditEvent:
    return AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="user-1", org_id=ORG, action="write_record",
                      case_id=ch.case_id, record_id=ch.id, details={"rev": outcome.rev})


@pytest.mark.parametrize("dies_at", ["audit", "commit"])
def test_a_batch_dying_after_its_data_gets_each_audit_event_once_when_settled(tmp_path, monkeypatch, dies_at):
    """Killed before its audit events were appended, or after (before the commit): settling seals the missing
    events, and only those. The events span two chunks of the trail, the first of which was written."""
    store = open_store(tmp_path)
    for n in range(100):
        store.append_audit(AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="u", org_id=ORG, action="login"))
    real_put_many = ChunkedLog.put_many

    def dying_put_many(self, entries):
        if dies_at == "audit" and self is store._audit:
            real_put_many(self, [(seq, e) for seq, e in entries if seq <= 128])  # the first chunk only
            raise SystemExit("killed between two chunks of the audit trail")
        real_put_many(self, entries)

    def dying_commit(self, numbered):
        raise SystemExit("killed before the changes were committed")

    monkeypatch.setattr(ChunkedLog, "put_many", dying_put_many)
    if dies_at == "commit":
        monkeypatch.setattr(ChangeLog, "commit", dying_commit)
    batch = [(change(f"rec-{n}", f"case-{n % 3}", f"batch {n}"), ORG) for n in range(50)]
    with pytest.raises(SystemExit):
        store.apply_record_changes(batch, decide, write_event)
    monkeypatch.undo()

    reopened = open_store(tmp_path)  # settles
    revs = [(f"rec-{n}", reopened.get_record(f"rec-{n}").head.rev) for n in range(50)]
    assert audited(reopened)[100:] == revs
    assert first_broken_link(reopened.audit_events()) is None
    assert [c.entity_id for c in reopened.changes_since(0, EVERYTHING, 1000)[0]] == [r for r, _ in revs]


def test_a_failed_write_leaves_no_feed_entry_even_when_settling_must_wait_for_space(tmp_path, monkeypatch):
    """The disk is full for the case file and for settling (every file write fails): the pending entry stays,
    readers wait at it, and the next write after space returns drops it, gives its number to the next change
    and finds nothing phantom."""
    store = open_store(tmp_path)
    first = store.apply_record_change(change("rec-0", "case-0", "before"), ORG, decide, write_event)
    real_write = AtomicJSONStorage._write
    written = []

    def full_after_the_pending_entry(self, data):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(self._path)
        real_write(self, data)

    monkeypatch.setattr(AtomicJSONStorage, "_write", full_after_the_pending_entry)
    with pytest.raises(StoreFull):
        store.apply_record_change(change("rec-1", "case-1", "never stored"), ORG, decide, write_event)
    monkeypatch.undo()
    assert written[0].parent.name == "changes"  # the pending entry was written, then the disk was full
    assert store.last_seq() == 1 and store.get_record("rec-1") is None

    second = store.apply_record_change(change("rec-2", "case-1", "after"), ORG, decide, write_event)
    assert second.seq == 2
    changes, cursor = store.changes_since(0, EVERYTHING, 10)
    assert [(c.seq, c.entity_id) for c in changes] == [(1, "rec-0"), (2, "rec-2")] and cursor == 2
    assert audited(store) == [("rec-0", first.rev), ("rec-2", second.rev)]
    assert open_store(tmp_path).get_record("rec-1") is None


def case_event(action: str, step: str) -> AuditEvent:
    return AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="user-1", org_id=ORG, action=action,
                      case_id="case-1", details={"step": step})


@pytest.mark.parametrize("dies", ["before the case file", "after the case file"])
def test_a_case_change_dying_midway_keeps_its_audit_event_exactly_when_the_change_was_written(tmp_path, monkeypatch,
                                                                                              dies):
    """A step change killed before its case file was written is dropped whole (the case was there before, so
    only the write's token tells the files apart); killed after it, before its audit event, it is announced
    and its event sealed when the store opens."""
    store = open_store(tmp_path)
    case = Case(id="case-1", org_id=ORG, client_code="T-1", country_of_origin="NG", step="NL-1")
    store.create_case(case, [case_event("create_case", "NL-1")])
    if dies == "before the case file":
        monkeypatch.setattr(TinyDBStore, "_write_case", lambda self, case, token: sys.exit("killed"))
    else:
        monkeypatch.setattr(TinyDBStore, "_append_audit", lambda self, events: sys.exit("killed"))
    with pytest.raises(SystemExit):
        store.update_case(replace(case, step="NL-2"), [case_event("update_case", "NL-2")])
    monkeypatch.undo()

    reopened = open_store(tmp_path)  # settles
    written = dies == "after the case file"
    assert reopened.get_case("case-1").step == ("NL-2" if written else "NL-1")
    events = reopened.audit_events()
    assert [(e.action, e.details["step"]) for e in events] == [("create_case", "NL-1")] + (
        [("update_case", "NL-2")] if written else [])
    assert first_broken_link(events) is None
    assert [c.entity_id for c in reopened.changes_since(0, EVERYTHING, 10)[0]] == ["case-1"] * (1 + written)


@pytest.mark.parametrize("dies", ["before its data", "after its data"])
@pytest.mark.parametrize("name", list(WRITES))
def test_an_unannounced_audited_write_dying_midway_keeps_its_event_exactly_when_it_was_written(tmp_path, monkeypatch,
                                                                                             name, dies):
    """An organisation, user, device or social-map write killed before its data was written is dropped whole
    (for a change, only the write's token tells the old data from the new); killed after it, before its audit
    event, its event is sealed when the store opens. Its journal entry never shows in the change feed."""
    store = open_store(tmp_path)
    write = WRITES[name]
    write.before(store)
    if dies == "before its data":
        real_put = ChunkedLog.put_many

        def dying(self, entries):  # the journal entry is written, then the process dies
            real_put(self, entries)
            if self is store._changes._log:
                sys.exit("killed")

        monkeypatch.setattr(ChunkedLog, "put_many", dying)
    else:
        monkeypatch.setattr(TinyDBStore, "_append_audit", lambda self, events: sys.exit("killed"))
    with pytest.raises(SystemExit):
        write.write(store, [audited_event(write.action)])
    monkeypatch.undo()
    assert store.last_seq() == 0 and store.changes_since(0, EVERYTHING, 10) == ([], 0)

    reopened = open_store(tmp_path)  # settles
    written = dies == "after its data"
    assert write.done(reopened) == written
    assert [e.action for e in reopened.audit_events()] == [write.action] * written
    assert reopened.changes_since(0, EVERYTHING, 10) == ([], 0) and reopened.last_seq() == 0
    assert store._changes.pending() == []
