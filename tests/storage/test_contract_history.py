"""The storage contract for a record's history: the current state holds its recent revisions, the earlier
ones are kept apart (so a write costs the same however long the history) and `record_history` gives them all;
replays and changes based on an old revision are recognised; data written whole by an earlier version opens,
and is split at its next write."""
from __future__ import annotations

import base64
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
from tests.storage.conftest import STORE_FACTORIES
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


def test_every_old_change_resent_is_a_replay_with_its_own_revision(store):
    outcomes = write_line(store)
    last_seq = store.last_seq()
    base = None
    for n, outcome in enumerate(outcomes):  # generation 1 (no base) to the head, across every history batch
        replay = store.apply_record_change(change("rec-1", data={"n": n}, base_rev=base), ORG, decide)
        assert (replay.status, replay.rev, replay.changed) == ("ok", outcome.rev, False)
        base = outcome.rev
    assert store.last_seq() == last_seq
    assert store.get_record("rec-1").head.rev == outcomes[-1].rev


def stored_state(store, record_id: str) -> str:
    """What a store keeps as the record's current state (the part every write rereads and rewrites)."""
    if isinstance(store, TinyDBStore):
        with open_db(store._case_path("case-1")) as db:
            return db.table("records").get(doc_id=record_id)["sealed"]
    if isinstance(store, PostgreSQLStore):
        return store._rows("SELECT body ->> 'sealed' FROM records WHERE id = %s", (record_id,))[0][0]
    return store._records[record_id][1]


def test_the_current_state_does_not_grow_with_the_history(store):
    write_line(store, "rec-short", 10)
    write_line(store, "rec-long", 200)
    # The same data in each revision: the states differ in the digits of their generation and hash only.
    assert abs(len(stored_state(store, "rec-long")) - len(stored_state(store, "rec-short"))) < 40


def with_packed_past(store, record_id: str) -> dict:
    """The stored current state of a record as the version before this one wrote it: with "past", the ids of
    all its earlier revisions packed (8 bytes of hash each, in order of generation, base64)."""
    state, history = store.get_record(record_id), store.record_history(record_id)
    earlier = history[:-len(state.revisions)]
    packed = base64.b64encode(b"".join(bytes.fromhex(r.rev.partition("-")[2]) for r in earlier)).decode()
    doc = store._codec.record_to_doc(state)
    sealed = {"revisions": [r.to_dict() for r in state.revisions], "conflicts": [], "past": packed}
    return {**doc, "sealed": store._cipher.encrypt(sealed, f'["record","{ORG}","case-1","{record_id}"]')}


@pytest.mark.parametrize("kind", ["tinydb", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_state_that_still_lists_its_earlier_revisions_opens_and_replays_are_recognised(kind, tmp_path):
    with STORE_FACTORIES[kind](tmp_path) as store:
        outcomes = write_line(store)
        old = with_packed_past(store, "rec-1")
        if kind == "tinydb":
            with open_db(store._case_path("case-1")) as db:
                db.table("records").put("rec-1", old)
        else:
            with store._transaction() as cur:
                cur.execute("UPDATE records SET body = %s WHERE id = 'rec-1'", (psycopg.types.json.Jsonb(old),))
        assert [r.rev for r in store.record_history("rec-1")] == [o.rev for o in outcomes]
        replay = store.apply_record_change(change("rec-1", data={"n": 3}, base_rev=outcomes[2].rev), ORG, decide)
        assert (replay.rev, replay.changed) == (outcomes[3].rev, False)
        late = store.apply_record_change(change("rec-1", data={"n": "late"}, base_rev=outcomes[7].rev), ORG, decide)
        assert late.status == "conflict"
        edit = store.apply_record_change(change("rec-1", data={"n": "new"}, base_rev=outcomes[-1].rev), ORG, decide)
        assert [r.rev for r in store.record_history("rec-1")] == [o.rev for o in outcomes] + [edit.rev]
        binding = f'["record","{ORG}","case-1","rec-1"]'
        assert "past" not in store._cipher.decrypt(stored_state(store, "rec-1"), binding)  # gone at that write


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
