"""The storage contract for what a record write leaves behind: its audit event in the same step, and after a
write refused for lack of space nothing half done (no feed entry without its record, no revision without its
event), on every store that can run out of space. (test_contract_audited_writes.py: the other audited writes.)"""
from __future__ import annotations

import errno
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace

import pytest

from app.domain.access import Scope
from app.domain.audit import AuditEvent, first_broken_link
from app.domain.errors import DomainError
from app.domain.model import Case
from app.domain.revisions import Outcome, RecordChange, decide
from app.storage.base import AlreadyExists, StoreFull
from app.storage.tinydb_files import AtomicJSONStorage
from tests.storage.conftest import SERVER_MARKS, STORE_FACTORIES
from tests.storage.test_contract import SEES_A, change

ORG = "org-a"


def write_event(ch: RecordChange, outcome: Outcome) -> AuditEvent:
    return AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="user-1", org_id=ORG, action="write_record",
                      case_id=ch.case_id, record_id=ch.id, device_id=ch.device_id,
                      details={"status": outcome.status, "rev": outcome.rev})


def save(store, changes: list[RecordChange]) -> list:
    return store.apply_record_changes([(ch, ORG) for ch in changes], decide, write_event)


def assert_whole(store, record_ids) -> None:
    """Every record is announced once per revision and audited once per revision; nothing else is."""
    states = store.get_records(record_ids)
    revisions = Counter((s.id, r.rev) for s in states.values() for r in store.record_history(s.id) + s.conflicts)
    events = store.audit_events()
    assert Counter((e.record_id, e.details["rev"]) for e in events if e.action == "write_record") == revisions
    assert first_broken_link(events) is None
    changes, cursor = store.changes_since(0, SEES_A, 1000)
    assert Counter(c.entity_id for c in changes if c.kind == "record") == Counter(r for r, _ in revisions)
    assert cursor == store.last_seq() == len(changes)


def test_a_record_change_and_its_audit_event_are_written_in_one_step(store):
    first = change("rec-1", "case-1", {"occasion": "one"})
    results = save(store, [first, change("rec-2", "case-2"), change("rec-3", "case-1", base_rev="1-unknown")])
    assert isinstance(results[2], DomainError)  # refused: no event
    edit = change("rec-1", "case-1", {"occasion": "two"}, base_rev=results[0].rev)
    save(store, [edit, first])  # an edit, and a replay of the first change: the replay writes nothing
    events = store.audit_events()
    assert [(e.record_id, e.details["rev"]) for e in events] == [
        ("rec-1", results[0].rev), ("rec-2", results[1].rev), ("rec-1", store.get_record("rec-1").head.rev)]
    assert [e.seq for e in events] == [1, 2, 3] and first_broken_link(events) is None
    save(store, [edit])  # resent: a replay, no second event
    assert len(store.audit_events()) == 3
    assert_whole(store, ["rec-1", "rec-2", "rec-3"])


def test_without_an_audit_callback_a_record_change_writes_no_event(store):
    store.apply_record_change(change("rec-1"), ORG, decide)
    assert store.audit_events() == []


def event(action: str, **details) -> AuditEvent:
    return AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="user-1", org_id=ORG, action=action,
                      case_id="case-1", details=details)


def test_a_case_or_document_change_and_its_audit_events_are_written_in_one_step(store):
    case = Case(id="case-1", org_id=ORG, client_code="T-1", country_of_origin="NG")
    store.create_case(case, [event("create_case", step="NL-1")])
    with pytest.raises(AlreadyExists):  # refused: no event
        store.create_case(case, [event("create_case", step="NL-1")])
    store.update_case(replace(case, step="NL-2"), [event("update_case", step="NL-2")])
    store.put_doc("handovers", {"id": "h-1", "case_id": "case-1"}, feed=("case-1", ORG),
                  audit=[event("consent_recorded"), event("handover")])
    events = store.audit_events()
    assert [e.action for e in events] == ["create_case", "update_case", "consent_recorded", "handover"]
    assert [e.seq for e in events] == [1, 2, 3, 4] and first_broken_link(events) is None
    assert store.get_case("case-1").step == "NL-2"
    changes, _ = store.changes_since(0, Scope(org_ids=frozenset({ORG}), doc_org_ids=frozenset({ORG})), 10)
    assert [(c.kind, c.entity_id) for c in changes] == [("case", "case-1"), ("case", "case-1"), ("handovers", "h-1")]


# --- a full disk -------------------------------------------------------------------------------------------

@contextmanager
def tinydb_full(store, where: str):
    """The TinyDB files of `where` ("data": every data file, not the change feed nor the trail; "audit": the
    trail; "probe": the store's folder) cannot be written: the OSError a full disk gives, injected at the store's
    only file write (tests/api/test_full_disk.py fills a real tmpfs)."""
    real = AtomicJSONStorage._write
    data = {"cases", "history", "index", "docs", "socialmap", "sessions", store.root.name}
    directories = {"data": data, "audit": {"audit"}, "probe": {store.root.name}}[where]

    def write(self, data):
        if self._path.parent.name in directories:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(self, data)

    AtomicJSONStorage._write = write
    try:
        yield
    finally:
        AtomicJSONStorage._write = real


@contextmanager
def postgresql_full(store, where: str):
    """Inserts into the tables of `where` ("data": every table of data) fail with PostgreSQL's own disk_full error
    (SQLSTATE 53100), raised by a trigger: the database cannot be made to run out of space on the shared test
    server."""
    tables = {"data": ("records", "record_history", "cases", "docs", "orgs", "users", "sessions", "socialmap_edits"),
              "audit": ("audit",), "probe": ("meta",)}[where]
    with store._pool.connection() as conn:
        conn.execute("CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' "
                     "USING ERRCODE = 'disk_full'; END $$")
        for table in tables:
            conn.execute(f"CREATE TRIGGER disk_full BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                         "FOR EACH ROW EXECUTE FUNCTION disk_full()")
    try:
        yield
    finally:
        with store._pool.connection() as conn:
            for table in tables:
                conn.execute(f"DROP TRIGGER disk_full ON {table}")
            conn.execute("DROP FUNCTION disk_full()")


FULL = {"tinydb": tinydb_full, "postgresql": postgresql_full}


@pytest.fixture(params=[pytest.param(name, marks=SERVER_MARKS.get(name, [])) for name in FULL])
def full_store(request, tmp_path):
    with STORE_FACTORIES[request.param](tmp_path) as opened:
        yield opened, FULL[request.param]


def assert_nothing_phantom(store, record_ids) -> None:
    """Every feed entry and every audit event names a revision the store holds."""
    states = store.get_records(record_ids)
    revisions = {(s.id, r.rev) for s in states.values() for r in store.record_history(s.id) + s.conflicts}
    assert {(e.record_id, e.details["rev"]) for e in store.audit_events()} <= revisions
    changes, _ = store.changes_since(0, SEES_A, 1000)
    assert {c.entity_id for c in changes} <= set(states)


@pytest.mark.parametrize("where", ["data", "audit"])
def test_a_write_refused_for_lack_of_space_leaves_nothing_half_done(full_store, where):
    """PostgreSQL refuses the whole transaction. TinyDB writes file after file: what reached the disk is settled
    (announced, with its audit event) at once or, if that does not fit either, by the next write."""
    store, full = full_store
    before = save(store, [change("rec-0", "case-0")])[0]
    batch = [change("rec-1", "case-1"), change("rec-2", "case-2"),
             change("rec-0", "case-0", {"occasion": "edited"}, base_rev=before.rev)]
    with full(store, where), pytest.raises(StoreFull):
        save(store, batch)
    ids = ["rec-0", "rec-1", "rec-2"]
    assert_nothing_phantom(store, ids)
    results = save(store, batch)  # space is back: the device sends the batch again
    assert [r.status for r in results] == ["ok"] * 3
    assert_whole(store, ids)
    assert store.get_record("rec-0").head.data == {"occasion": "edited"}
    assert len(store.audit_events()) == 4


@pytest.mark.postgres
def test_postgresql_refuses_the_record_when_its_audit_event_does_not_fit(tmp_path):
    with STORE_FACTORIES["postgresql"](tmp_path) as store, postgresql_full(store, "audit"):
        with pytest.raises(StoreFull):
            save(store, [change("rec-1", "case-1")])
        assert store.get_record("rec-1") is None and store.last_seq() == 0


def test_the_space_probe_fails_while_the_store_is_full_and_passes_once_it_is_not(full_store):
    store, full = full_store
    store.probe_space()
    with full(store, "probe"):
        with pytest.raises(StoreFull):
            store.probe_space()
    store.probe_space()
