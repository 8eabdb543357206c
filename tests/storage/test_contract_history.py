"""The storage contract for a record's history: the current state holds its recent revisions, the earlier
ones are kept apart (so a write costs the same however long the history) and `record_history` gives them all;
replays and changes based on an old revision are recognised; data written whole by an earlier version opens,
and is split at its next write."""
from __future__ import annotations

import os

import psycopg
import pytest

from app.domain.errors import Invalid
from app.domain.model import RecordState
from app.domain.revisions import decide
from app.storage.codec import EncryptedCodec
from app.storage.crypto import DataCipher
from app.storage.migration import migrate
from app.storage.postgresql_store import PostgreSQLStore
from app.storage.tinydb_files import open_db
from app.storage.tinydb_store import TinyDBStore, open_tinydb_store
from tests.postgres import temporary_schema
from tests.storage.test_contract import change

ORG = "org-a"
REVISIONS = 30


def write_line(store, record_id="rec-1", count=REVISIONS) -> list:
    outcomes, base = [], None
    for n in range(count):
        outcome = store.apply_record_change(change(record_id, data={"n": n}, base_rev=base), ORG, decide)
        outcomes.append(outcome)
        base = outcome.rev
    return outcomes


def test_the_current_state_stays_short_and_the_history_holds_every_revision(store):
    outcomes = write_line(store)
    state = store.get_record("rec-1")
    assert state.head.rev == outcomes[-1].rev and state.head.data == {"n": REVISIONS - 1}
    assert 1 <= len(state.revisions) <= 5  # the recent end only
    assert [r.rev for r in state.revisions] == [o.rev for o in outcomes[-len(state.revisions):]]
    history = store.record_history("rec-1")
    assert [r.rev for r in history] == [o.rev for o in outcomes]
    assert [r.data for r in history] == [{"n": n} for n in range(REVISIONS)]
    assert [r.generation for r in history] == list(range(1, REVISIONS + 1))
    assert store.record_history("rec-unknown") == []


def test_an_old_change_resent_is_a_replay_and_one_based_on_an_old_revision_a_conflict(store):
    outcomes = write_line(store)
    last_seq = store.last_seq()
    replay = store.apply_record_change(change("rec-1", data={"n": 2}, base_rev=outcomes[1].rev), ORG, decide)
    assert (replay.status, replay.rev, replay.changed) == ("ok", outcomes[2].rev, False)
    assert store.last_seq() == last_seq
    late = store.apply_record_change(change("rec-1", data={"n": "late"}, base_rev=outcomes[4].rev), ORG, decide)
    assert late.status == "conflict" and late.rev.startswith("6-")
    assert [c.rev for c in store.get_record("rec-1").conflicts] == [late.rev]
    with pytest.raises(Invalid):
        store.apply_record_change(change("rec-1", data={"n": "x"}, base_rev="3-0123456789abcdef"), ORG, decide)
    assert len(store.record_history("rec-1")) == REVISIONS


def whole(record_id: str, count: int) -> RecordState:
    """A record with `count` revisions held whole in one state, as versions before the split wrote it."""
    state = None
    for n in range(count):
        state = decide(state, change(record_id, data={"n": n}, base_rev=state.head.rev if state else None), ORG).state
    return state


def test_a_tinydb_record_written_whole_opens_and_is_split_at_its_next_write(tmp_path):
    store = open_tinydb_store(tmp_path / "store", tmp_path / "keys" / "data.key")
    store.apply_record_change(change("rec-0"), ORG, decide)  # the case file exists, the feed knows the case
    old = whole("rec-1", REVISIONS)
    with open_db(store._case_path("case-1")) as db:
        db.table("records").put("rec-1", store._codec.record_to_doc(old))
    store._changes.commit([(store.last_seq() + 1, {"kind": "record", "entity_id": "rec-1", "case_id": "case-1",
                                                   "org_id": ORG})])
    reopened = TinyDBStore(tmp_path / "store", store._cipher)
    assert reopened.get_record("rec-1").revisions == old.revisions
    edit = reopened.apply_record_change(change("rec-1", data={"n": "new"}, base_rev=old.head.rev), ORG, decide)
    assert len(reopened.get_record("rec-1").revisions) == 1
    assert [r.rev for r in reopened.record_history("rec-1")] == [r.rev for r in old.revisions] + [edit.rev]


@pytest.mark.postgres
def test_a_postgresql_database_of_layout_1_opens_and_its_records_are_split_at_their_next_write():
    cipher = DataCipher(os.urandom(32))
    with temporary_schema() as url:
        first = PostgreSQLStore(url, cipher)
        old = whole("rec-1", REVISIONS)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DROP TABLE record_history")
            conn.execute("UPDATE schema_version SET version = 1")
            conn.execute("INSERT INTO records (id, case_id, org_id, body) VALUES (%s, %s, %s, %s)",
                         (old.id, old.case_id, old.org_id, psycopg.types.json.Jsonb(
                             EncryptedCodec(cipher).record_to_doc(old))))
        first.close()
        store = PostgreSQLStore(url, cipher)
        try:
            assert store.get_record("rec-1").revisions == old.revisions
            edit = store.apply_record_change(change("rec-1", data={"n": "new"}, base_rev=old.head.rev), ORG, decide)
            assert len(store.get_record("rec-1").revisions) == 1
            assert [r.rev for r in store.record_history("rec-1")] == [r.rev for r in old.revisions] + [edit.rev]
        finally:
            store.close()


@pytest.mark.postgres
def test_a_migration_to_postgresql_carries_every_revision(tmp_path):
    source = open_tinydb_store(tmp_path / "store", tmp_path / "keys" / "data.key")
    outcomes = write_line(source)
    with temporary_schema() as url:
        target = PostgreSQLStore(url, DataCipher(os.urandom(32)))
        try:
            assert all(check.matches for check in migrate(source, target))
            assert [r.rev for r in target.record_history("rec-1")] == [o.rev for o in outcomes]
            write = target.apply_record_change(change("rec-1", data={"n": "after"}, base_rev=outcomes[-1].rev),
                                               ORG, decide)
            assert [r.rev for r in target.record_history("rec-1")] == [o.rev for o in outcomes] + [write.rev]
        finally:
            target.close()
