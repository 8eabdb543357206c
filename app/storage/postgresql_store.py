"""The shared Store: PostgreSQL, for a network of organisations that runs several app servers on one database.

Tables (created on open; `schema_version` says which layout a database has):

    schema_version      one row: the layout version below
    meta                a value that only the right data key decrypts
    orgs, users, sessions
                        one JSON document (text, see _text) per row, keyed by id (users also by normalised
                        e-mail and by organisation)
    cases               id and org_id as columns; the case as a JSONB document with client code and country of
                        origin encrypted (codec.py)
    records             id, case_id, org_id in the clear; the current state (the last revisions and the conflicts)
                        in one ciphertext inside the JSONB document (codec.py)
    record_history      a record's earlier revisions, moved out of its current state as it is written, so a write
                        costs the same however long the history (layout 2; layout 1 kept all of them in records);
                        an old revision is found by its record and generation (the primary key)
    docs                small documents (handovers, push subscriptions, inbox) by collection and id, each sealed
                        whole in a JSONB document (codec.py)
    log_heads           one row per numbered log ('changes', 'audit'): its last number
    changes             the change feed, seq = primary key
    audit               the hash-chained audit trail (ids and codes only, no case text), JSON text
    socialmap_edits     coordinators' edits of the social map (public organisation data), JSON text,
                        seq = primary key

Every write is one transaction, and writers on any number of app servers are ordered by the database itself
(row locks, transaction-level advisory locks and primary keys), never by a lock in this process. Locks are
always taken in the same order (records, then the head of the change feed, then the head of the audit trail) so
two transactions cannot deadlock. Every write and its audit events (of a record, a case, a document, an
organisation, a user, a session, a social-map edit) are committed in one transaction.

The data key stays on the app servers: a copy of the database alone does not show case text.
"""
from __future__ import annotations

import json
import time
import weakref
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Sequence

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from ..domain.access import Scope
from ..domain.audit import STEP_ACTIONS, AuditEvent, chain
from ..domain.errors import DomainError
from ..domain.jsontext import compact
from ..domain.model import Case, Change, Organisation, RecordState, Revision, Session, User
from ..domain.revisions import Outcome, RecordChange
from .base import (AlreadyExists, AuditFor, CorruptStore, Decide, StaleSequence, StoreFull, decide_in_order,
                   full_state, last_states, only_outcome, revision_at, split_history)
from .codec import BINDING, EncryptedCodec
from .crypto import DataCipher, DecryptionError

SCHEMA_VERSION = 2
# Revisions in a record's current state (records.body); the earlier ones are in record_history.
KEEP = 1
KEY_CHECK = "safefuture store key check"
# Transaction-level advisory locks use two key spaces that never overlap: (int, int) pairs for this store's
# own named locks, single bigints for per-record locks (a hash of the record id).
SCHEMA_LOCK = (0x5AFE, 1)
# One connection per waitress thread (8 by default) and a spare.
POOL_SIZE = 10
# A connection idle for longer than this is checked before use, so a restarted database server costs a
# reconnect, not an error. One that was returned moments ago is not: under load a check before every query
# was a quarter of the server's time.
IDLE_BEFORE_CHECK = 5.0  # seconds
# Records locked by one transaction at most (PostgreSQL's default max_locks_per_transaction).
LOCKS_PER_TRANSACTION = 64
# Rows of the change feed read per query while filtering by scope.
FEED_PAGE = 1000
# Cases read per query by iter_cases.
CASE_PAGE = 500

# The tables that hold data: a store with a row in any of them is not empty.
DATA_TABLES = ("orgs", "users", "sessions", "cases", "records", "record_history", "docs", "changes", "audit", "socialmap_edits")

# Added in layout 2.
HISTORY_SCHEMA = ("CREATE TABLE record_history (record_id text NOT NULL, first_generation integer NOT NULL, "
                  "body jsonb NOT NULL, PRIMARY KEY (record_id, first_generation))",)
SCHEMA = (
    "CREATE TABLE meta (name text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE orgs (id text PRIMARY KEY, body text NOT NULL)",
    "CREATE TABLE users (id text PRIMARY KEY, email_key text NOT NULL, org_id text NOT NULL, body text NOT NULL)",
    "CREATE INDEX users_email_key ON users (email_key)",
    "CREATE INDEX users_org_id ON users (org_id)",
    "CREATE TABLE sessions (id text PRIMARY KEY, body text NOT NULL)",
    "CREATE TABLE cases (id text PRIMARY KEY, org_id text NOT NULL, body jsonb NOT NULL)",
    "CREATE INDEX cases_org_id ON cases (org_id)",
    "CREATE TABLE records (id text PRIMARY KEY, case_id text NOT NULL, org_id text NOT NULL, body jsonb NOT NULL)",
    "CREATE INDEX records_case_id ON records (case_id)",
    *HISTORY_SCHEMA,
    "CREATE TABLE docs (collection text NOT NULL, id text NOT NULL, body jsonb NOT NULL, PRIMARY KEY (collection, id))",
    "CREATE TABLE log_heads (name text PRIMARY KEY, last_seq bigint NOT NULL)",
    "INSERT INTO log_heads (name, last_seq) VALUES ('changes', 0), ('audit', 0)",
    "CREATE TABLE changes (seq bigint PRIMARY KEY, kind text NOT NULL, entity_id text NOT NULL, "
    "case_id text NOT NULL, org_id text NOT NULL)",
    "CREATE TABLE audit (seq bigint PRIMARY KEY, case_id text, body text NOT NULL)",
    "CREATE INDEX audit_case_id ON audit (case_id)",
    "CREATE TABLE socialmap_edits (seq bigint PRIMARY KEY CHECK (seq > 0), body text NOT NULL)",
)


class PostgreSQLStore:
    def __init__(self, url: str, cipher: DataCipher, pool_size: int = POOL_SIZE,
                 idle_before_check: float = IDLE_BEFORE_CHECK):
        self._cipher = cipher
        self._codec = EncryptedCodec(cipher)
        # One plain connection first: a wrong address or password fails here, at once and with the server's
        # reason, instead of as a pool timeout later.
        with psycopg.connect(url, autocommit=True) as conn:
            self._initialise(conn)
        self._idle_before_check = idle_before_check
        self._returned_at: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._pool = ConnectionPool(url, min_size=1, max_size=pool_size, kwargs={"autocommit": True},
                                    check=self._check_if_idle, reset=self._note_return, name="safefuture",
                                    open=True)

    @staticmethod
    def holds_data(url: str) -> bool:
        """Whether the database at `url` already has a Safe Future store (so its key must exist already)."""
        with psycopg.connect(url, autocommit=True) as conn:
            if conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is None:
                return False
            return conn.execute("SELECT count(*) FROM schema_version").fetchone()[0] > 0

    def _note_return(self, conn: psycopg.Connection) -> None:
        self._returned_at[conn] = time.monotonic()

    def _check_if_idle(self, conn: psycopg.Connection) -> None:
        if time.monotonic() - self._returned_at.get(conn, 0.0) > self._idle_before_check:
            ConnectionPool.check_connection(conn)

    # --- opening -----------------------------------------------------------------------------------------

    def _initialise(self, conn: psycopg.Connection) -> None:
        """Create the tables on an empty database, or check that this database has our layout and key."""
        with conn.transaction():
            # Two app servers starting at once: one creates the tables, the other waits and then finds them.
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", SCHEMA_LOCK)
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                for statement in SCHEMA:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
                conn.execute("INSERT INTO meta (name, value) VALUES ('key_check', %s), ('binding', %s)",
                             (self._cipher.encrypt(KEY_CHECK, "store/key-check"), str(BINDING)))
                return
            where = f"database {conn.info.dbname!r}"
            if row[0] == 1:  # layout 1 kept every revision in records.body: it still reads, and is split on write
                for statement in HISTORY_SCHEMA:
                    conn.execute(statement)
                conn.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise CorruptStore(f"The {where} has store layout {row[0]}; this version reads {SCHEMA_VERSION}.")
            self._verify_key(conn, where)
            binding = conn.execute("SELECT value FROM meta WHERE name = 'binding'").fetchone()
            if binding is None or binding[0] != str(BINDING):
                self._reseal_legacy(conn)

    def _verify_key(self, conn: psycopg.Connection, where: str) -> None:
        row = conn.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
        try:
            matches = row is not None and self._cipher.decrypt(row[0], "store/key-check") == KEY_CHECK
        except DecryptionError:
            matches = False
        if not matches:
            raise CorruptStore(f"The data key does not open the store in the {where}: "
                               "every app server must use the key file this store was created with.")

    def check_key(self) -> None:
        with self._pool.connection(timeout=5) as conn:
            self._verify_key(conn, f"database {conn.info.dbname!r}")

    def probe_space(self) -> None:
        # A committed write of one row of meta (WAL and a table page): the database server's disk is not ours
        # to measure.
        with self._transaction() as cur:
            cur.execute("INSERT INTO meta (name, value) VALUES ('space_probe', now()::text) "
                        "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value")

    def _reseal_legacy(self, conn: psycopg.Connection) -> None:
        """Seal every case and record of a database written before the organisation and case were bound into
        the ciphertexts (codec.py), in the opening transaction: all of it, or nothing."""
        for (body,) in conn.execute("SELECT body FROM cases").fetchall():
            conn.execute("UPDATE cases SET body = %s WHERE id = %s",
                         (Jsonb(self._codec.reseal_case(body)), body["id"]))
        for (body,) in conn.execute("SELECT body FROM records").fetchall():
            conn.execute("UPDATE records SET body = %s WHERE id = %s",
                         (Jsonb(self._codec.reseal_record(body)), body["id"]))
        conn.execute("INSERT INTO meta (name, value) VALUES ('binding', %s) "
                     "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", (str(BINDING),))

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Cursor]:
        """One transaction (READ COMMITTED): committed when the block ends, rolled back if it raises. A database
        out of disk space (SQLSTATE 53100, at any statement or at the commit) raises StoreFull."""
        try:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                yield cur
        except psycopg.errors.DiskFull as exc:
            raise StoreFull(f"the database is out of disk space ({exc.sqlstate})") from exc

    def _rows(self, query: str, params: tuple = ()) -> list[tuple]:
        with self._pool.connection() as conn:
            return conn.execute(query, params).fetchall()

    def _decoded(self, what: str, decode: Callable[[dict], object], doc: dict):
        try:
            return decode(doc)
        except DecryptionError as exc:
            raise CorruptStore(f"{what}: {exc}") from exc

    def _next_seq(self, cur: psycopg.Cursor, log: str, count: int = 1) -> int:
        """Take the next `count` numbers of `log` ('changes' or 'audit') inside the caller's transaction; returns
        the last of them.

        A plain sequence hands out numbers in the order transactions *start* writing, and they may commit in
        another order: a reader could see 8 before 7 is committed, move its cursor to 8 and never see 7.
        Here the number comes from one row that the transaction updates and keeps locked until it commits, so
        the next writer gets its number only after this one is committed (and visible: PostgreSQL makes a
        commit visible before it releases the transaction's locks). Numbers are therefore given in commit
        order, without gaps (a rollback gives its number back), and a reader that sees n has seen 1..n-1.
        Callers take this lock last and commit right after, so it is held for a moment only.
        """
        cur.execute("UPDATE log_heads SET last_seq = last_seq + %s WHERE name = %s RETURNING last_seq", (count, log))
        return cur.fetchone()[0]

    def _announce(self, cur: psycopg.Cursor, changes: list[tuple[str, str, str, str]]) -> list[int]:
        """Append changes (kind, entity id, case id, org id) to the feed, in the transaction of their data;
        returns their numbers."""
        last = self._next_seq(cur, "changes", len(changes))
        seqs = [last - len(changes) + 1 + i for i in range(len(changes))]
        _insert_rows(cur, "changes", ("seq", "kind", "entity_id", "case_id", "org_id"),
                     ("bigint", "text", "text", "text", "text"), [(seq, *change) for seq, change in zip(seqs, changes)])
        return seqs

    # --- organisations, users, sessions ------------------------------------------------------------------

    def put_org(self, org: Organisation, audit: Sequence[AuditEvent] = ()) -> None:
        with self._transaction() as cur:
            cur.execute("INSERT INTO orgs (id, body) VALUES (%s, %s) "
                        "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body", (org.id, _text(org.to_dict())))
            self._append_audit(cur, list(audit))

    def get_org(self, org_id: str) -> Organisation | None:
        rows = self._rows("SELECT body FROM orgs WHERE id = %s", (org_id,))
        return Organisation(**json.loads(rows[0][0])) if rows else None

    def list_orgs(self) -> list[Organisation]:
        orgs = (Organisation(**json.loads(body)) for (body,) in self._rows("SELECT body FROM orgs"))
        return sorted(orgs, key=lambda o: o.id)

    def put_user(self, user: User, audit: Sequence[AuditEvent] = ()) -> None:
        with self._transaction() as cur:
            cur.execute("INSERT INTO users (id, email_key, org_id, body) VALUES (%s, %s, %s, %s) ON CONFLICT (id) "
                        "DO UPDATE SET email_key = EXCLUDED.email_key, org_id = EXCLUDED.org_id, body = EXCLUDED.body",
                        (user.id, _email_key(user.email), user.org_id, _text(user.to_dict())))
            self._append_audit(cur, list(audit))

    def get_user(self, user_id: str) -> User | None:
        rows = self._rows("SELECT body FROM users WHERE id = %s", (user_id,))
        return User(**json.loads(rows[0][0])) if rows else None

    def find_user_by_email(self, email: str) -> User | None:
        rows = self._rows("SELECT body FROM users WHERE email_key = %s ORDER BY id LIMIT 1", (_email_key(email),))
        return User(**json.loads(rows[0][0])) if rows else None

    def list_users(self, org_id: str) -> list[User]:
        rows = self._rows("SELECT body FROM users WHERE org_id = %s", (org_id,))
        return sorted((User(**json.loads(body)) for (body,) in rows), key=lambda u: u.email)

    def put_session(self, session: Session, audit: Sequence[AuditEvent] = ()) -> None:
        with self._transaction() as cur:
            cur.execute("INSERT INTO sessions (id, body) VALUES (%s, %s) "
                        "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body", (session.id, _text(session.to_dict())))
            self._append_audit(cur, list(audit))

    def get_session(self, session_id: str) -> Session | None:
        rows = self._rows("SELECT body FROM sessions WHERE id = %s", (session_id,))
        return Session(**json.loads(rows[0][0])) if rows else None

    def delete_session(self, session_id: str, audit: Sequence[AuditEvent] = ()) -> None:
        with self._transaction() as cur:
            cur.execute("DELETE FROM sessions WHERE id = %s", (session_id,))
            self._append_audit(cur, list(audit))

    def delete_sessions_idle_since(self, cutoff: str) -> list[str]:
        with self._transaction() as cur:
            cur.execute("DELETE FROM sessions WHERE (body::json ->> 'last_seen')::timestamptz < %s::timestamptz "
                        "RETURNING id", (cutoff,))
            return [row_id for (row_id,) in cur.fetchall()]

    def delete_sessions_of(self, user_id: str | None = None, device_id: str | None = None,
                           keep: str | None = None) -> list[str]:
        if user_id is None and device_id is None:
            raise ValueError("name a user or a device")
        with self._transaction() as cur:
            cur.execute("DELETE FROM sessions WHERE id IS DISTINCT FROM %s "
                        "AND (%s::text IS NULL OR body::json ->> 'user_id' = %s) "
                        "AND (%s::text IS NULL OR body::json ->> 'device_id' = %s) RETURNING id",
                        (keep, user_id, user_id, device_id, device_id))
            return [row_id for (row_id,) in cur.fetchall()]

    # --- cases -------------------------------------------------------------------------------------------

    def create_case(self, case: Case, audit: Sequence[AuditEvent] = ()) -> None:
        with self._transaction() as cur:
            # The primary key decides between two servers creating the same case: the second insert waits for
            # the first transaction and then does nothing.
            cur.execute("INSERT INTO cases (id, org_id, body) VALUES (%s, %s, %s) ON CONFLICT (id) DO NOTHING",
                        (case.id, case.org_id, Jsonb(self._codec.case_to_doc(case))))
            if cur.rowcount == 0:
                raise AlreadyExists(case.id)
            self._announce(cur, [("case", case.id, case.id, case.org_id)])
            self._append_audit(cur, list(audit))  # in the case's transaction

    def update_case(self, case: Case, audit: Sequence[AuditEvent] = ()) -> None:
        with self._transaction() as cur:
            cur.execute("INSERT INTO cases (id, org_id, body) VALUES (%s, %s, %s) ON CONFLICT (id) DO UPDATE "
                        "SET org_id = EXCLUDED.org_id, body = EXCLUDED.body",
                        (case.id, case.org_id, Jsonb(self._codec.case_to_doc(case))))
            self._announce(cur, [("case", case.id, case.id, case.org_id)])
            self._append_audit(cur, list(audit))

    def _case(self, body: dict) -> Case:
        return self._decoded(f"case {body.get('id')}", self._codec.doc_to_case, body)

    def get_case(self, case_id: str) -> Case | None:
        rows = self._rows("SELECT body FROM cases WHERE id = %s", (case_id,))
        return self._case(rows[0][0]) if rows else None

    def list_cases(self, scope: Scope) -> list[Case]:
        rows = self._rows("SELECT body FROM cases WHERE org_id = ANY(%s::text[]) OR id = ANY(%s::text[])",
                          (list(scope.org_ids), list(scope.case_ids)))
        cases = (self._case(body) for (body,) in rows)
        return sorted((c for c in cases if scope.sees_case(c)), key=lambda c: (c.created_at, c.id))

    def iter_cases(self, scope: Scope) -> Iterator[Case]:
        last = ""
        while True:  # keyset pages by id: each query starts where the last one ended
            rows = self._rows("SELECT id, body FROM cases WHERE (org_id = ANY(%s::text[]) OR id = ANY(%s::text[])) "
                              "AND id > %s ORDER BY id LIMIT %s",
                              (list(scope.org_ids), list(scope.case_ids), last, CASE_PAGE))
            for _, body in rows:
                case = self._case(body)
                if scope.sees_case(case):
                    yield case
            if len(rows) < CASE_PAGE:
                return
            last = rows[-1][0]

    # --- records -----------------------------------------------------------------------------------------

    def _record(self, body: dict, cur: psycopg.Cursor | None = None) -> RecordState:
        """A record's current state; its earlier revisions are looked up in record_history by generation (with
        `cur`, inside that cursor's transaction while it lasts)."""
        state = self._decoded(f"record {body.get('id')}", self._codec.doc_to_record, body)
        # What the history is bound to, not the state: a state referring to itself would live on until a full
        # garbage collection, and an export reads thousands of them.
        owner = RecordState(state.id, state.case_id, state.org_id)

        def earlier(generation: int) -> str | None:
            # The batch that holds the generation: the one that starts at or before it nearest (primary key).
            query = ("SELECT first_generation, body FROM record_history WHERE record_id = %s "
                     "AND first_generation <= %s ORDER BY first_generation DESC LIMIT 1")
            if cur is not None and not cur.closed:
                rows = cur.execute(query, (owner.id, generation)).fetchall()
            else:
                rows = self._rows(query, (owner.id, generation))
            for first, row in rows:
                return revision_at(self._decoded(f"history of record {owner.id}", lambda sealed: self._codec
                                                 .open_revisions(owner, first, sealed), row["sealed"]), generation)
            return None

        state.earlier = earlier
        return state

    def get_record(self, record_id: str) -> RecordState | None:
        return self.get_records([record_id]).get(record_id)

    def _full(self, state: RecordState) -> RecordState:
        """The record with its whole accepted line (the history table's revisions, then the current ones)."""
        if state.revisions[0].generation == 1:
            return state
        rows = self._rows("SELECT first_generation, body FROM record_history WHERE record_id = %s "
                          "ORDER BY first_generation", (state.id,))
        return full_state(state, [r for generation, body in rows
                                  for r in self._codec.open_revisions(state, generation, body["sealed"])])

    def record_history(self, record_id: str) -> list[Revision]:
        state = self.get_record(record_id)
        return [] if state is None else self._full(state).revisions

    def get_records(self, record_ids) -> dict[str, RecordState]:
        record_ids = list(record_ids)
        if not record_ids:
            return {}
        rows = self._rows("SELECT id, body FROM records WHERE id = ANY(%s::text[])", (record_ids,))
        return {row_id: self._record(body) for row_id, body in rows}

    def list_records(self, case_id: str) -> list[RecordState]:
        return [self._record(body) for (body,) in self._rows("SELECT body FROM records WHERE case_id = %s", (case_id,))]

    def apply_record_change(self, change: RecordChange, org_id: str, decide: Decide,
                            audit: AuditFor | None = None) -> Outcome:
        return only_outcome(self.apply_record_changes([(change, org_id)], decide, audit))

    def apply_record_changes(self, changes: list[tuple[RecordChange, str]], decide: Decide,
                             audit: AuditFor | None = None) -> list[Outcome | DomainError]:
        # Advisory locks live in PostgreSQL's shared lock table, sized for max_locks_per_transaction (64 by
        # default) per connection: a big batch goes in consecutive transactions of at most that many records.
        results: list[Outcome | DomainError] = []
        part: list[tuple[RecordChange, str]] = []
        part_ids: set[str] = set()
        for change, org_id in changes:
            if change.id not in part_ids and len(part_ids) == LOCKS_PER_TRANSACTION:
                results += self._apply_in_one_transaction(part, decide, audit)
                part, part_ids = [], set()
            part.append((change, org_id))
            part_ids.add(change.id)
        if part:
            results += self._apply_in_one_transaction(part, decide, audit)
        return results

    def _apply_in_one_transaction(self, changes: list[tuple[RecordChange, str]], decide: Decide,
                                  audit: AuditFor | None) -> list[Outcome | DomainError]:
        ids = sorted({change.id for change, _ in changes})
        with self._transaction() as cur:
            # One writer per record across all app servers, until this transaction ends. A row lock (SELECT …
            # FOR UPDATE) cannot lock a record that does not exist yet; an advisory lock on the record id can,
            # so two servers creating the same record also take turns. Every transaction takes its locks in
            # the same order (by key), so two batches over the same records wait for each other and never
            # deadlock. The read after them sees the latest committed states: a lock is released only after
            # its holder's commit is visible.
            cur.execute("SELECT pg_advisory_xact_lock(key) FROM (SELECT DISTINCT hashtextextended(id, 0) AS key "
                        "FROM unnest(%s::text[]) AS id ORDER BY key) AS keys", (ids,))
            cur.execute("SELECT id, body FROM records WHERE id = ANY(%s::text[])", (ids,))
            states = {row_id: self._record(body, cur) for row_id, body in cur.fetchall()}
            results, persisted, events = decide_in_order(changes, states, decide, audit)
            if persisted:
                # A record's current state keeps its last KEEP revisions; the earlier ones move to its history,
                # so a write costs the same however long the record's history.
                split = [split_history(s, KEEP) for s in last_states(persisted)]
                _insert_rows(cur, "records", ("id", "case_id", "org_id", "body"), ("text", "text", "text", "jsonb"),
                             [(s.id, s.case_id, s.org_id, self._codec.record_to_doc(s)) for s, _ in split],
                             "ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body")
                archived = [(s.id, old[0].generation, {"sealed": self._codec.seal_revisions(s, old)})
                            for s, old in split if old]
                if archived:
                    _insert_rows(cur, "record_history", ("record_id", "first_generation", "body"),
                                 ("text", "integer", "jsonb"), archived)
                seqs = self._announce(cur, [("record", r.state.id, r.state.case_id, r.state.org_id) for r in persisted])
                for outcome, seq in zip(persisted, seqs):
                    outcome.seq = seq
                # In the same transaction: the revisions and their audit events are committed together.
                self._append_audit(cur, [e for e in events if e is not None])
            return results

    # --- small documents ---------------------------------------------------------------------------------

    def put_doc(self, collection: str, doc: dict, feed: tuple[str, str] | None = None,
                audit: Sequence[AuditEvent] = ()) -> None:
        with self._transaction() as cur:
            cur.execute("INSERT INTO docs (collection, id, body) VALUES (%s, %s, %s) "
                        "ON CONFLICT (collection, id) DO UPDATE SET body = EXCLUDED.body",
                        (collection, doc["id"], Jsonb(self._codec.doc_to_sealed(collection, doc))))
            if feed is not None:
                self._announce(cur, [(collection, doc["id"], *feed)])
            self._append_audit(cur, list(audit))

    def _doc(self, collection: str, doc_id: str, body: dict) -> dict:
        return self._decoded(f"{collection} {doc_id}", lambda b: self._codec.sealed_to_doc(collection, doc_id, b), body)

    def get_doc(self, collection: str, doc_id: str) -> dict | None:
        rows = self._rows("SELECT body FROM docs WHERE collection = %s AND id = %s", (collection, doc_id))
        return self._doc(collection, doc_id, rows[0][0]) if rows else None

    def list_docs(self, collection: str, **equals) -> list[dict]:
        # The fields are sealed, so the filter runs after decryption (as in the TinyDB store).
        docs = (self._doc(collection, doc_id, body)
                for doc_id, body in self._rows("SELECT id, body FROM docs WHERE collection = %s", (collection,)))
        return [d for d in docs if all(d.get(k) == v for k, v in equals.items())]

    def delete_doc(self, collection: str, doc_id: str) -> None:
        with self._transaction() as cur:
            cur.execute("DELETE FROM docs WHERE collection = %s AND id = %s", (collection, doc_id))

    # --- change feed -------------------------------------------------------------------------------------

    def changes_since(self, since: int, scope: Scope, limit: int) -> tuple[list[Change], int]:
        # The scope decides in Python, as in the other stores, so visibility rules live in one place. Each
        # query sees a prefix of the feed (numbers are given in commit order), so reading page after page
        # never skips a change, and the cursor never passes one that is not committed yet.
        out, cursor = [], since
        if limit <= 0:
            return out, cursor
        while True:
            rows = self._rows("SELECT seq, kind, entity_id, case_id, org_id FROM changes WHERE seq > %s "
                              "ORDER BY seq LIMIT %s", (cursor, FEED_PAGE))
            for row in rows:
                change = Change(*row)
                if len(out) >= limit:
                    return out, cursor
                cursor = change.seq
                if scope.sees_change(change):
                    out.append(change)
            if len(rows) < FEED_PAGE:
                return out, cursor

    def last_seq(self) -> int:
        return self._rows("SELECT last_seq FROM log_heads WHERE name = 'changes'")[0][0]

    # --- audit trail -------------------------------------------------------------------------------------

    def append_audit(self, event: AuditEvent) -> AuditEvent:
        return self.append_audit_many([event])[0]

    def append_audit_many(self, events: list[AuditEvent]) -> list[AuditEvent]:
        with self._transaction() as cur:
            return self._append_audit(cur, events)

    def _append_audit(self, cur: psycopg.Cursor, events: list[AuditEvent]) -> list[AuditEvent]:
        """Append events to the trail inside the caller's transaction."""
        if not events:
            return []
        last = self._next_seq(cur, "audit", len(events))  # locks the head of the trail: one chain
        first = last - len(events) + 1
        cur.execute("SELECT body FROM audit WHERE seq = %s", (first - 1,))
        row = cur.fetchone()
        prev, sealed = None if row is None else AuditEvent(**json.loads(row[0])), []
        for event in events:
            prev = chain(prev, AuditEvent(**event.to_dict()))
            sealed.append(prev)
        if sealed[0].seq != first:
            raise CorruptStore(f"The audit trail in the database is missing event {first - 1}.")
        _insert_rows(cur, "audit", ("seq", "case_id", "body"), ("bigint", "text", "text"),
                     [(e.seq, e.case_id, _text(e.to_dict())) for e in sealed])
        return sealed

    def audit_events(self, case_id: str | None = None) -> list[AuditEvent]:
        if case_id is None:
            rows = self._rows("SELECT body FROM audit ORDER BY seq")
        else:
            rows = self._rows("SELECT body FROM audit WHERE case_id = %s ORDER BY seq", (case_id,))
        return [AuditEvent(**json.loads(body)) for (body,) in rows]

    def case_steps(self, scope: Scope) -> dict[str, list[tuple[str, str]]]:
        """The scope's cases' audit events through the case_id index; only the step events' times and steps leave
        the server."""
        rows = self._rows(
            "SELECT a.case_id, e.body ->> 'at', e.body -> 'details' ->> 'step' FROM audit a "
            "JOIN cases c ON c.id = a.case_id CROSS JOIN LATERAL (SELECT a.body::jsonb AS body) e "
            "WHERE (c.org_id = ANY(%s::text[]) OR c.id = ANY(%s::text[])) AND e.body ->> 'action' = ANY(%s::text[]) "
            "AND e.body -> 'details' ->> 'step' IS NOT NULL ORDER BY a.seq",
            (list(scope.org_ids), list(scope.case_ids), list(STEP_ACTIONS)))
        steps: dict[str, list[tuple[str, str]]] = {}
        for case_id, at, step in rows:
            steps.setdefault(case_id, []).append((at, step))
        return steps

    # --- social-map edits ---------------------------------------------------------------------------------

    def list_socialmap_edits(self, since: int = 0) -> list[dict]:
        rows = self._rows("SELECT body FROM socialmap_edits WHERE seq > %s ORDER BY seq", (since,))
        return [json.loads(body) for (body,) in rows]

    def last_socialmap_edit_seq(self) -> int:
        return self._rows("SELECT coalesce(max(seq), 0) FROM socialmap_edits")[0][0]

    def append_socialmap_edit(self, edit: dict, expected_last_seq: int, audit: Sequence[AuditEvent] = ()) -> dict:
        stored = {**edit, "seq": expected_last_seq + 1}
        try:
            with self._transaction() as cur:
                # The primary key refuses a second edit with the same number (two coordinators at once); the
                # EXISTS refuses a number that would leave a gap.
                cur.execute("INSERT INTO socialmap_edits (seq, body) SELECT %s, %s WHERE %s = 0 OR EXISTS "
                            "(SELECT 1 FROM socialmap_edits WHERE seq = %s)",
                            (stored["seq"], _text(stored), expected_last_seq, expected_last_seq))
                if cur.rowcount == 0:
                    raise StaleSequence()
                self._append_audit(cur, list(audit))
        except psycopg.errors.UniqueViolation as exc:
            raise StaleSequence() from exc
        return stored

    # --- export and import (migration.py) ---------------------------------------------------------------

    def _stream(self, query: sql.Composable) -> Iterator[tuple]:
        """Rows of `query` fetched in batches by a server-side cursor, so a big table never sits in memory."""
        with self._pool.connection() as conn, conn.transaction(), conn.cursor(name="export") as cur:
            cur.execute(query)
            yield from cur

    def _bodies(self, table: str) -> Iterator[dict]:
        """The documents of a table, parsed (whether kept as JSONB or as JSON text)."""
        query = sql.SQL("SELECT body::text FROM {}").format(sql.Identifier(table))
        return (json.loads(body) for (body,) in self._stream(query))

    def export_rows(self, table: str) -> Iterator[dict]:
        """Every row of one of migration.TABLES, decrypted, as plain dicts."""
        exporters = {
            "orgs": lambda: self._bodies("orgs"),
            "users": lambda: self._bodies("users"),
            "cases": lambda: (self._case(body).to_dict() for body in self._bodies("cases")),
            "records": lambda: (self._full(self._record(body)).to_dict() for body in self._bodies("records")),
            "docs": lambda: ({"collection": collection, "doc": self._doc(collection, doc_id, body)}
                             for collection, doc_id, body in self._stream(
                                 sql.SQL("SELECT collection, id, body FROM docs"))),
            "changes": lambda: (Change(*row).to_dict() for row in self._stream(
                sql.SQL("SELECT seq, kind, entity_id, case_id, org_id FROM changes"))),
            "audit": lambda: self._bodies("audit"),
            "socialmap_edits": lambda: self._bodies("socialmap_edits"),
        }
        return exporters[table]()

    def row_counts(self) -> dict[str, int]:
        """The number of rows in every table that holds data (sessions too)."""
        return {table: self._rows(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))[0][0]
                for table in DATA_TABLES}

    def import_rows(self, tables: dict[str, Iterable[dict]]) -> None:
        """Fill an empty store with exported rows, keeping every number (change feed, audit trail, social-map
        edits) as it was, so devices' cursors and the audit chain stay valid. One transaction: all or nothing."""
        columns = {"orgs": ("id", "body"), "users": ("id", "email_key", "org_id", "body"),
                   "cases": ("id", "org_id", "body"),
                   "records": ("id", "case_id", "org_id", "body"), "docs": ("collection", "id", "body"),
                   "changes": ("seq", "kind", "entity_id", "case_id", "org_id"), "audit": ("seq", "case_id", "body"),
                   "socialmap_edits": ("seq", "body")}
        to_row = {
            "orgs": lambda r: (r["id"], _text(r)),
            "users": lambda r: (r["id"], _email_key(r["email"]), r["org_id"], _text(r)),
            "cases": lambda r: (r["id"], r["org_id"], Jsonb(self._codec.case_to_doc(Case(**r)))),
            "records": lambda r: (r["id"], r["case_id"], r["org_id"],
                                  Jsonb(self._codec.record_to_doc(RecordState.from_dict(r)))),
            "docs": lambda r: (r["collection"], r["doc"]["id"],
                               Jsonb(self._codec.doc_to_sealed(r["collection"], r["doc"]))),
            "changes": lambda r: tuple(r[name] for name in columns["changes"]),
            "audit": lambda r: (r["seq"], r["case_id"], _text(r)),
            "socialmap_edits": lambda r: (r["seq"], _text(r)),
        }
        with self._transaction() as cur:
            for table, rows in tables.items():
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns[table])))
                with cur.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(to_row[table](row))
            for log, table in (("changes", "changes"), ("audit", "audit")):
                cur.execute(sql.SQL("UPDATE log_heads SET last_seq = (SELECT coalesce(max(seq), 0) FROM {}) "
                                    "WHERE name = %s").format(sql.Identifier(table)), (log,))

    def close(self) -> None:
        self._pool.close()


def _insert_rows(cur: psycopg.Cursor, table: str, columns: tuple[str, ...], types: tuple[str, ...],
                 rows: list[tuple], suffix: str = "") -> None:
    """Insert `rows` with one statement and one parameter: the rows as a JSON array, which the database unpacks.
    (executemany sends a statement per row; array parameters are escaped value by value in Python, which for
    ciphertexts of a few KB cost more than all the database's work.)"""
    query = sql.SQL("INSERT INTO {table} ({columns}) SELECT {columns} FROM json_to_recordset(%s::json) AS r({typed}) "
                    "{suffix}").format(
        table=sql.Identifier(table), columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        typed=sql.SQL(", ").join(sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t))
                                 for c, t in zip(columns, types)),
        suffix=sql.SQL(suffix))
    cur.execute(query, (compact([dict(zip(columns, row)) for row in rows]),))


def _text(document: dict) -> str:
    """A readable document as JSON text. JSONB cannot hold the character U+0000, which a user may type into a
    field kept readable (a device name, a social-map edit); JSON text escapes it, so every store keeps the same."""
    return compact(document)


def _email_key(email: str) -> str:
    return email.strip().lower()
