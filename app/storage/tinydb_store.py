"""The embedded Store: TinyDB files in one directory, partitioned so a write never rewrites all the data.

Layout of the store directory:

    store.json                 format version and a value that only the right data key decrypts
    write.lock                 the lock every writer holds (threads and processes)
    orgs.json, users.json      small tables
    sessions/sessions-XX.json  sessions in 16 shards
    cases/<sha256(case id)>.json
                               one case: its details and the current state of its records (their last
                               revisions and their conflicts)
    history/<sha256(record id)>-<generation>.json
                               earlier revisions of a record from that generation on, a batch per file, each
                               written once; an old revision is found by its generation (the file name)
    index/org-<sha256(org id)>-XX.json
                               the case ids of one organisation, 16 shards
    changes/<chunk>.json       the change feed (see change_log.py and chunked_log.py)
    audit/<chunk>.json         the hash-chained audit trail (ids and codes only, no case text)
    socialmap/<chunk>.json     coordinators' edits of the social map (public organisation data)
    docs/<collection>.json     small documents (handovers, push subscriptions, inbox), each sealed whole

Writers are serialised by a threading.RLock (threads of this process) plus a file lock (other processes).
Readers take no lock: every file is replaced atomically, and each write puts what a reader follows *to* in
place before what it follows *from* (an index entry before the case file, the case file before its change is
committed), so a reader never meets a pointer to data that is not there yet. The change feed is also the index
from a record to its case (see change_log.py).

A write of a record, a case or a document with a feed entry is one step of several files: its change-feed
entries are appended as pending (each with its audit events), the data files are written, the audit events
appended, the entries committed. A write with audit events that announces nothing to devices (an organisation,
a user, a session, a document without a feed entry, a social-map edit) takes the same steps with a *journal*
entry in the feed, which is removed instead of committed (change_log.py). A write that fails (a full disk) or
dies in between is *settled* under the lock by the next writer, or when the store opens: what
reached the data files is committed and its missing audit events are sealed (never twice), the rest is dropped.
So no change stays without its audit event and no change is announced that did not happen; until it is
settled, a new record of such a write is not found and an edit shows without its event.

Case text is encrypted (see codec.py) with a key that lives outside this directory.
"""
from __future__ import annotations

import logging
import shutil
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Sequence

from filelock import FileLock

from ..domain.access import Scope
from ..domain.audit import AuditEvent, chain
from ..domain.errors import DomainError
from ..domain.model import Case, Change, Organisation, RecordState, Revision, Session, User
from ..domain.revisions import Outcome, RecordChange
from .base import (AlreadyExists, AuditFor, CorruptStore, Decide, StaleSequence, StoreFull, decide_in_order,
                   earlier, full_state, last_states, only_outcome, revision_at, session_matches, split_history)
from .change_log import ChangeLog
from .chunked_log import ChunkedLog
from .codec import BINDING, EncryptedCodec
from .crypto import DataCipher, DecryptionError, load_or_create_key
from .step_index import StepIndex
from .tinydb_files import TEMP_PREFIX, AtomicJSONStorage, ShardedMap, digest, fsync_dir, open_db, read_json_file

FORMAT = 1
KEY_CHECK = "safefuture store key check"
ORG_INDEX_SHARDS = 16
SESSION_SHARDS = 16
log = logging.getLogger(__name__)
SUBDIRECTORIES = ("cases", "history", "index", "sessions", "changes", "audit", "socialmap", "docs")
# /healthz reports the disk full again until this much is free and a probe file this big can be written.
SPACE_MARGIN, SPACE_PROBE = 1024 * 1024, 64 * 1024
# A record's current state (in its case file) keeps at least KEEP revisions; once it has more than KEEP + BATCH,
# all but the last KEEP move to a history file: a write costs the same however long the record's history.
KEEP, BATCH = 1, 4
# Tables kept in a file of their own in the store's folder (<table>.json), rows by id.
TABLES = ("orgs", "users")


class TinyDBStore:
    def __init__(self, store_dir: Path, cipher: DataCipher):
        self._root = Path(store_dir)
        self._cipher = cipher
        self._codec = EncryptedCodec(cipher)
        self._root.mkdir(mode=0o700, parents=True, exist_ok=True)  # files are 0600 too (mkstemp)
        fsync_dir(self._root.parent)
        self._thread_lock = threading.RLock()
        # thread_local=False: one lock state for the whole process; the RLock above orders our own threads.
        self._file_lock = FileLock(self._root / "write.lock", thread_local=False)
        for sub in SUBDIRECTORIES:
            (self._root / sub).mkdir(exist_ok=True)
        fsync_dir(self._root)
        self._changes = ChangeLog(self._root / "changes")
        self._audit = ChunkedLog(self._root / "audit")
        self._steps = StepIndex(self._audit)
        self._socialmap_edits = ChunkedLog(self._root / "socialmap")
        self._sessions = ShardedMap(self._root / "sessions", "sessions", SESSION_SHARDS)
        with self._writing():
            self._remove_temp_files()
            self._check_or_initialise()
            try:
                self._settle()
            except StoreFull:  # readers wait at the pending changes; the first writer with space settles them
                log.error("The store's disk is full: changes left pending by an earlier write wait for space.")

    @property
    def root(self) -> Path:
        """The store's folder (for backup.py, which copies it)."""
        return self._root

    # --- opening -----------------------------------------------------------------------------------------

    def _remove_temp_files(self) -> None:
        """Temporary files of writes that died before their rename; never read, safe to drop under the lock."""
        for directory in (self._root, *(self._root / sub for sub in SUBDIRECTORIES)):
            for tmp in directory.glob(TEMP_PREFIX + "*"):
                tmp.unlink()

    def _check_or_initialise(self) -> None:
        with open_db(self._root / "store.json") as db:
            meta = db.table("meta").get(doc_id="store")
            if meta is None:
                if any(p.name != "store.json" for p in self._root.rglob("*.json")):
                    raise CorruptStore(f"{self._root / 'store.json'} is missing but the store holds data. "
                                       "Restore it from a backup; the store will not start over.")
                db.table("meta").put("store", {"format": FORMAT, "binding": BINDING,
                                               "key_check": self._cipher.encrypt(KEY_CHECK, "store/key-check")})
                return
        self._verify(meta)
        if meta.get("binding") != BINDING:
            self._reseal_legacy()
            with open_db(self._root / "store.json") as db:
                db.table("meta").put("store", {**meta, "binding": BINDING})

    def _verify(self, meta: dict | None) -> None:
        if meta is None:
            raise CorruptStore(f"{self._root / 'store.json'} is missing.")
        if meta.get("format") != FORMAT:
            raise CorruptStore(f"{self._root} has store format {meta.get('format')!r}; this version reads {FORMAT}.")
        try:
            matches = self._cipher.decrypt(meta["key_check"], "store/key-check") == KEY_CHECK
        except DecryptionError:
            matches = False
        if not matches:
            raise CorruptStore(f"The data key does not open the store in {self._root}: "
                               "use the key file this store was created with.")

    def _reseal_legacy(self) -> None:
        """Seal every case and record of a store written before the organisation and case were bound into the
        ciphertexts (codec.py). Case file by case file, each replaced atomically; a pass cut short is simply
        done again at the next start, as values already sealed the new way open either way."""
        for path in sorted((self._root / "cases").glob("*.json")):
            with open_db(path) as db:
                cases = [(doc.doc_id, self._codec.reseal_case(doc)) for doc in db.table("case").all()]
                records = [(doc.doc_id, self._codec.reseal_record(doc)) for doc in db.table("records").all()]
                for doc_id, doc in cases:
                    db.table("case").put(doc_id, doc)
                db.table("records").put_many(dict(records))

    def check_key(self) -> None:
        # A plain read: store.json is only ever replaced whole (rename), so no lock is needed.
        data = read_json_file(self._root / "store.json") or {}
        self._verify(data.get("meta", {}).get("store"))

    def probe_space(self) -> None:
        free = shutil.disk_usage(self._root).free
        if free < SPACE_MARGIN:
            raise StoreFull(f"{free} bytes free, less than the margin of {SPACE_MARGIN}")
        # A file the size of a big case file, written the way data files are (fsync and rename), then removed (a
        # temporary file's name: one left by a crash goes when the store opens).
        path = self._root / f"{TEMP_PREFIX}space-probe-{uuid.uuid4().hex}"
        try:
            AtomicJSONStorage(str(path)).write({"probe": "x" * SPACE_PROBE})
        finally:
            path.unlink(missing_ok=True)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        with self._thread_lock, self._file_lock:
            yield

    def _write_step(self, entry: dict, write: Callable[[str], None], audit: Sequence[AuditEvent] = ()) -> None:
        """Write one change with its audit events: a change of a case or document announced in the feed (`entry`:
        kind, entity_id, case_id, org_id), or a write journaled only (`entry`: journal, entity_id; see
        change_log.py and _holds). `write(token)` writes the data with a random token beside it, which the pending
        entry names too: settling a write that died commits it only if the data on disk is the data of this write
        (for an update the document was there before)."""
        token = uuid.uuid4().hex
        self._announce_many([{**entry, "write": token, **({"audit": [e.to_dict() for e in audit]} if audit else {})}],
                            lambda: write(token))

    def _journaled(self, journal: str, entity_id: str, write: Callable[[str | None], None],
                   audit: Sequence[AuditEvent], **entry) -> None:
        """A write of data that is not announced to devices, with its audit events in the same step (without
        events: just the write). Call with the write lock held."""
        if audit:
            self._write_step({"journal": journal, "entity_id": entity_id, **entry}, write, audit)
        else:
            self._settle()  # a pending write of the same data is settled before this one replaces it
            write(None)

    def _announce_many(self, changes: list[dict], write: Callable[[], None]) -> list[int]:
        """Write the data of changes between appending their change-feed entries as pending and committing them;
        a change with an "audit" event has it appended to the trail before the commit. Returns their numbers in
        the feed. A write that fails (a full disk) leaves nothing behind: what it wrote is settled at once."""
        self._settle()
        numbered = self._changes.append_pending(changes)
        try:
            write()
            self._append_audit([AuditEvent(**e) for c in changes for e in _events(c)])
            self._changes.commit(numbered)
        except Exception:
            try:
                self._settle()
            except Exception:  # still no space: the next writer, or the next start, settles them
                log.warning("Changes of a failed write stay pending until they can be settled.")
            raise
        return [seq for seq, _ in numbered]

    def _settle(self) -> None:
        """Settle the changes a failed or killed writer left pending (see change_log.py): commit those whose data
        is in the store, each with its audit event if that did not reach the trail, and drop the others. Call
        with the write lock held."""
        pending = self._changes.pending()
        if not pending:
            return
        written = [entry for _, entry in pending if self._holds(entry)]
        events = [event for entry in written for event in _events(entry)]
        self._append_audit([AuditEvent(**e) for e in events[_already_in(self._audit_tail(len(events)), events):]])
        self._changes.settle(pending, written)
        log.warning("Settled %d pending change(s) of an interrupted write: %d written, %d dropped.",
                    len(pending), len(written), len(pending) - len(written))

    def _holds(self, entry: dict) -> bool:
        """Whether the store holds what a change-feed entry announces (for a record: the revision it names) or a
        journal entry wrote."""
        kind, entity_id = entry.get("journal") or entry["kind"], entry["entity_id"]
        if kind in TABLES:
            with open_db(self._root / f"{kind}.json") as db:
                return _written_by(db.table(kind).get(doc_id=entity_id), entry)
        if kind == "sessions":
            return _written_by(self._sessions.get(entity_id), entry)
        if kind == "ended session":
            return self._sessions.get(entity_id) is None
        if kind == "socialmap":
            return any(seq == entry["seq"] and edit.get("id") == entity_id
                       for seq, edit in self._socialmap_edits.entries_after(entry["seq"] - 1))
        if kind == "docs":
            kind = entry["collection"]
        if kind == "case":
            return _written_by(self._case_doc(entity_id), entry)
        if kind == "record":
            with open_db(self._case_path(entry["case_id"])) as db:
                doc = db.table("records").get(doc_id=entity_id)
            if doc is None or "rev" not in entry:
                return doc is not None
            state = self._decoded(f"record {entity_id}", self._codec.doc_to_record, doc)
            return entry["rev"] in {r.rev for r in state.revisions + state.conflicts}
        with open_db(self._docs_path(kind)) as db:
            return _written_by(db.table("docs").get(doc_id=entity_id), entry)

    def _audit_tail(self, count: int) -> list[dict]:
        """The last `count` events of the audit trail (fewer if it is shorter)."""
        tail = self._audit.tail()
        last = tail[-1][0] if tail else 0
        return [entry for _, entry in self._audit.entries_after(max(last - count, 0))] if count else []

    def _decoded(self, what: str, decode: Callable[[dict], object], doc: dict):
        try:
            return decode(doc)
        except DecryptionError as exc:
            raise CorruptStore(f"{what}: {exc}") from exc

    # --- organisations, users, sessions ------------------------------------------------------------------

    def _put_row(self, table: str, row_id: str, row: dict, audit: Sequence[AuditEvent]) -> None:
        """Write a row of orgs.json or users.json (TABLES), with the token of its write beside it if audited."""
        def write(token: str | None) -> None:
            with open_db(self._root / f"{table}.json") as db:
                db.table(table).put(row_id, {**row, **({"write": token} if token else {})})

        with self._writing():
            self._journaled(table, row_id, write, audit)

    def _rows(self, table: str) -> list[dict]:
        with open_db(self._root / f"{table}.json") as db:
            return [_fields(doc) for doc in db.table(table).all()]

    def put_org(self, org: Organisation, audit: Sequence[AuditEvent] = ()) -> None:
        self._put_row("orgs", org.id, org.to_dict(), audit)

    def get_org(self, org_id: str) -> Organisation | None:
        with open_db(self._root / "orgs.json") as db:
            doc = db.table("orgs").get(doc_id=org_id)
        return None if doc is None else Organisation(**_fields(doc))

    def list_orgs(self) -> list[Organisation]:
        return sorted((Organisation(**d) for d in self._rows("orgs")), key=lambda o: o.id)

    def put_user(self, user: User, audit: Sequence[AuditEvent] = ()) -> None:
        self._put_row("users", user.id, user.to_dict(), audit)

    def get_user(self, user_id: str) -> User | None:
        with open_db(self._root / "users.json") as db:
            doc = db.table("users").get(doc_id=user_id)
        return None if doc is None else User(**_fields(doc))

    def find_user_by_email(self, email: str) -> User | None:
        email = email.strip().lower()
        return next((User(**d) for d in self._rows("users") if d["email"].strip().lower() == email), None)

    def list_users(self, org_id: str) -> list[User]:
        return sorted((User(**d) for d in self._rows("users") if d["org_id"] == org_id), key=lambda u: u.email)

    def put_session(self, session: Session, audit: Sequence[AuditEvent] = ()) -> None:
        def write(token: str | None) -> None:
            self._sessions.put(session.id, {**session.to_dict(), **({"write": token} if token else {})})

        with self._writing():
            self._journaled("sessions", session.id, write, audit)

    def get_session(self, session_id: str) -> Session | None:
        doc = self._sessions.get(session_id)
        return None if doc is None else Session(**_fields(doc))

    def delete_session(self, session_id: str, audit: Sequence[AuditEvent] = ()) -> None:
        with self._writing():
            self._journaled("ended session", session_id, lambda token: self._sessions.discard(session_id), audit)

    def delete_sessions_idle_since(self, cutoff: str) -> list[str]:
        with self._writing():
            return self._sessions.remove_where(lambda session: earlier(session["last_seen"], cutoff))

    def delete_sessions_of(self, user_id: str | None = None, device_id: str | None = None,
                           keep: str | None = None) -> list[str]:
        with self._writing():
            return self._sessions.remove_where(lambda session: session_matches(session, user_id, device_id, keep))

    # --- cases -------------------------------------------------------------------------------------------

    def _case_path(self, case_id: str) -> Path:
        return self._root / "cases" / f"{digest(case_id)}.json"

    def _org_cases(self, org_id: str) -> ShardedMap:
        return ShardedMap(self._root / "index", f"org-{digest(org_id)}", ORG_INDEX_SHARDS)

    def _case_doc(self, case_id: str) -> dict | None:
        with open_db(self._case_path(case_id)) as db:
            return db.table("case").get(doc_id=case_id)

    def _write_case(self, case: Case, token: str) -> None:
        with open_db(self._case_path(case.id)) as db:
            db.table("case").put(case.id, {**self._codec.case_to_doc(case), "write": token})

    def create_case(self, case: Case, audit: Sequence[AuditEvent] = ()) -> None:
        with self._writing():
            if self._case_doc(case.id) is not None:
                raise AlreadyExists(case.id)
            self._org_cases(case.org_id).put(case.id, True)
            self._write_step(_case_entry(case), lambda token: self._write_case(case, token), audit)

    def update_case(self, case: Case, audit: Sequence[AuditEvent] = ()) -> None:
        with self._writing():
            old = self._case_doc(case.id)
            old_org = None if old is None else old["org_id"]
            if old_org != case.org_id:
                self._org_cases(case.org_id).put(case.id, True)
            self._write_step(_case_entry(case), lambda token: self._write_case(case, token), audit)
            if old_org is not None and old_org != case.org_id:
                self._org_cases(old_org).discard(case.id)

    def get_case(self, case_id: str) -> Case | None:
        doc = self._case_doc(case_id)
        return None if doc is None else self._decoded(f"case {case_id}", self._codec.doc_to_case, doc)

    def list_cases(self, scope: Scope) -> list[Case]:
        case_ids = set(scope.case_ids)
        for org_id in scope.org_ids:
            case_ids.update(self._org_cases(org_id).keys())
        cases = (self.get_case(case_id) for case_id in case_ids)
        # The case itself decides: an organisation index may still list a case that just moved away.
        return sorted((c for c in cases if c is not None and scope.sees_case(c)), key=lambda c: (c.created_at, c.id))

    def iter_cases(self, scope: Scope) -> Iterator[Case]:
        def pages() -> Iterator[list[str]]:  # the granted cases, then one index shard at a time
            yield sorted(scope.case_ids)
            for org_id in sorted(scope.org_ids):
                for page in self._org_cases(org_id).key_pages():
                    yield [case_id for case_id in page if case_id not in scope.case_ids]  # each case once

        for page in pages():
            for case_id in page:
                case = self.get_case(case_id)
                if case is not None and scope.sees_case(case):
                    yield case

    # --- records -----------------------------------------------------------------------------------------

    def get_record(self, record_id: str) -> RecordState | None:
        return self.get_records([record_id]).get(record_id)

    def get_records(self, record_ids) -> dict[str, RecordState]:
        by_case: dict[str, list[str]] = {}
        for record_id, case_id in self._changes.record_cases(record_ids).items():
            by_case.setdefault(case_id, []).append(record_id)
        found = {}
        for case_id, ids in by_case.items():  # each case file is read once
            with open_db(self._case_path(case_id)) as db:
                table = db.table("records")
                docs = [(record_id, table.get(doc_id=record_id)) for record_id in ids]
            found.update((record_id, self._record(doc)) for record_id, doc in docs if doc is not None)
        return found

    def _history_path(self, record_id: str, first_generation: int) -> Path:
        return self._root / "history" / f"{digest(record_id)}-{first_generation:09d}.json"

    def _write_history(self, state: RecordState, revisions: list[Revision]) -> None:
        """Write earlier revisions of a record to a file of their own, written once (again, the same, if a write
        died before its case file was written)."""
        with open_db(self._history_path(state.id, revisions[0].generation)) as db:
            db.table("revisions").put("sealed", {"sealed": self._codec.seal_revisions(state, revisions)})

    def _history_batch(self, state: RecordState, path: Path) -> list[Revision]:
        with open_db(path) as db:
            sealed = db.table("revisions").get(doc_id="sealed")["sealed"]
        first_generation = int(path.stem.rpartition("-")[2])
        return self._decoded(f"history of record {state.id}",
                             lambda s: self._codec.open_revisions(state, first_generation, s), sealed)

    def _earlier(self, state: RecordState) -> Callable[[int], str | None]:
        """RecordState.earlier: the batch that holds a generation is the history file with the nearest first
        generation at or before it, found by name (a few existence checks: batches are BATCH + 1 long, or
        longer where a record written whole was split), not by listing the folder. It keeps what the history is
        bound to, not the state itself: a state referring to itself would live on until a full garbage collection,
        and an export reads thousands of them."""
        owner = RecordState(state.id, state.case_id, state.org_id)

        def earlier(generation: int) -> str | None:
            for first in range(generation, 0, -1):
                path = self._history_path(owner.id, first)
                if path.exists():
                    return revision_at(self._history_batch(owner, path), generation)
            return None
        return earlier

    def _record(self, doc: dict) -> RecordState:
        state = self._decoded(f"record {doc['id']}", self._codec.doc_to_record, doc)
        state.earlier = self._earlier(state)
        return state

    def _full(self, state: RecordState) -> RecordState:
        """The record with its whole accepted line: its history files' revisions, then the current ones."""
        if state.revisions[0].generation == 1:
            return state
        paths = sorted((self._root / "history").glob(f"{digest(state.id)}-*.json"))
        return full_state(state, [r for path in paths for r in self._history_batch(state, path)])

    def record_history(self, record_id: str) -> list[Revision]:
        state = self.get_record(record_id)
        return [] if state is None else self._full(state).revisions

    def list_records(self, case_id: str) -> list[RecordState]:
        with open_db(self._case_path(case_id)) as db:
            docs = db.table("records").all()
        return [self._record(d) for d in docs]

    def apply_record_change(self, change: RecordChange, org_id: str, decide: Decide,
                            audit: AuditFor | None = None) -> Outcome:
        return only_outcome(self.apply_record_changes([(change, org_id)], decide, audit))

    def apply_record_changes(self, changes: list[tuple[RecordChange, str]], decide: Decide,
                             audit: AuditFor | None = None) -> list[Outcome | DomainError]:
        with self._writing():
            self._settle()  # the states below must be the ones the feed announces
            states = self.get_records({change.id for change, _ in changes})
            results, persisted, events = decide_in_order(changes, states, decide, audit)
            if persisted:
                by_case: dict[str, dict[str, dict]] = {}
                history: list[tuple[RecordState, list[Revision]]] = []
                for state in last_states(persisted):
                    if len(state.revisions) > KEEP + BATCH:  # the earlier ones go to a history file, BATCH at once
                        state, archived = split_history(state, KEEP)
                        history.append((state, archived))
                    by_case.setdefault(state.case_id, {})[state.id] = self._codec.record_to_doc(state)

                def write() -> None:  # a file per history batch (before the state that leaves it out), one per case
                    for state, archived in history:
                        self._write_history(state, archived)
                    for case_id, docs in by_case.items():
                        with open_db(self._case_path(case_id)) as db:
                            db.table("records").put_many(docs)

                seqs = self._announce_many([{"kind": "record", "entity_id": r.state.id, "case_id": r.state.case_id,
                                             "org_id": r.state.org_id, "rev": r.rev,
                                             **({"audit": e.to_dict()} if e else {})}
                                            for r, e in zip(persisted, events)], write)
                for outcome, seq in zip(persisted, seqs):
                    outcome.seq = seq
            return results

    # --- change feed -------------------------------------------------------------------------------------

    def changes_since(self, since: int, scope: Scope, limit: int) -> tuple[list[Change], int]:
        return self._changes.since(since, scope, limit)

    def last_seq(self) -> int:
        return self._changes.last_seq()

    # --- audit trail -------------------------------------------------------------------------------------

    def append_audit(self, event: AuditEvent) -> AuditEvent:
        return self.append_audit_many([event])[0]

    def append_audit_many(self, events: list[AuditEvent]) -> list[AuditEvent]:
        with self._writing():
            self._settle()  # the events of an interrupted write come first, and are never written twice
            return self._append_audit(events)

    def _append_audit(self, events: list[AuditEvent]) -> list[AuditEvent]:
        """Seal events after the end of the trail and append them. Call with the write lock held."""
        if not events:
            return []
        tail = self._audit.tail()
        prev = AuditEvent(**tail[-1][1]) if tail else None
        sealed = []
        for event in events:
            prev = chain(prev, AuditEvent(**event.to_dict()))
            sealed.append(prev)
        self._audit.put_many([(e.seq, e.to_dict()) for e in sealed])
        return sealed

    def audit_events(self, case_id: str | None = None) -> list[AuditEvent]:
        return [AuditEvent(**entry) for _, entry in self._audit.entries_after(0)
                if case_id is None or entry["case_id"] == case_id]

    def case_steps(self, scope: Scope) -> dict[str, list[tuple[str, str]]]:
        """From the index of step events kept beside the trail (which has no index by case)."""
        ids = set(scope.case_ids)
        for org_id in scope.org_ids:
            for page in self._org_cases(org_id).key_pages():
                ids.update(page)
        return self._steps.steps(ids)

    # --- small documents ---------------------------------------------------------------------------------

    def _docs_path(self, collection: str) -> Path:
        if not collection.replace("_", "").isalpha():
            raise ValueError(f"not a collection name: {collection!r}")
        return self._root / "docs" / f"{collection}.json"

    def put_doc(self, collection: str, doc: dict, feed: tuple[str, str] | None = None,
                audit: Sequence[AuditEvent] = ()) -> None:
        def write(token: str | None) -> None:
            with open_db(self._docs_path(collection)) as db:
                db.table("docs").put(doc["id"], {**self._codec.doc_to_sealed(collection, doc),
                                                 **({"write": token} if token else {})})

        with self._writing():
            if feed is None:
                self._journaled("docs", doc["id"], write, audit, collection=collection)
            else:
                self._write_step({"kind": collection, "entity_id": doc["id"], "case_id": feed[0], "org_id": feed[1]},
                                 write, audit)

    def get_doc(self, collection: str, doc_id: str) -> dict | None:
        with open_db(self._docs_path(collection)) as db:
            stored = db.table("docs").get(doc_id=doc_id)
        return None if stored is None else self._decoded(
            f"{collection} {doc_id}", lambda s: self._codec.sealed_to_doc(collection, doc_id, s), stored)

    def list_docs(self, collection: str, **equals) -> list[dict]:
        with open_db(self._docs_path(collection)) as db:
            stored = db.table("docs").all()
        docs = (self._decoded(f"{collection} {s.doc_id}",
                              lambda x, i=s.doc_id: self._codec.sealed_to_doc(collection, i, x), s) for s in stored)
        return [d for d in docs if all(d.get(k) == v for k, v in equals.items())]

    def delete_doc(self, collection: str, doc_id: str) -> None:
        with self._writing():
            self._settle()
            with open_db(self._docs_path(collection)) as db:
                db.table("docs").remove(doc_ids=[doc_id])

    # --- social-map edits ---------------------------------------------------------------------------------

    def list_socialmap_edits(self, since: int = 0) -> list[dict]:
        return [entry for _, entry in self._socialmap_edits.entries_after(since)]

    def last_socialmap_edit_seq(self) -> int:
        tail = self._socialmap_edits.tail()
        return tail[-1][0] if tail else 0

    def append_socialmap_edit(self, edit: dict, expected_last_seq: int, audit: Sequence[AuditEvent] = ()) -> dict:
        with self._writing():
            if self.last_socialmap_edit_seq() != expected_last_seq:
                raise StaleSequence()
            stored = {**edit, "seq": expected_last_seq + 1}
            # An edit is written once, at its number: the edit there with its id is the one this write put there.
            self._journaled("socialmap", edit.get("id"), lambda token: self._socialmap_edits.put(stored["seq"], stored),
                            audit, seq=stored["seq"])
            return stored

    # --- export (migration.py) -----------------------------------------------------------------------------

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """No process writes to this store while the block runs (for a consistent export)."""
        with self._writing():
            yield

    def _case_file_docs(self, table: str) -> Iterator:
        for path in sorted((self._root / "cases").glob("*.json")):
            with open_db(path) as db:
                docs = db.table(table).all()
            yield from docs

    def _doc_ids(self, path: Path) -> list[str]:
        with open_db(path) as db:
            return [doc.doc_id for doc in db.table("docs").all()]

    def export_rows(self, table: str) -> Iterator[dict]:
        """Every row of one of migration.TABLES, decrypted, as plain dicts."""
        exporters = {
            "orgs": lambda: (org.to_dict() for org in self.list_orgs()),
            "users": lambda: iter(self._rows("users")),
            "cases": lambda: (self._decoded(f"case {doc.doc_id}", self._codec.doc_to_case, doc).to_dict()
                              for doc in self._case_file_docs("case")),
            "records": lambda: (self._full(self._record(doc)).to_dict()
                                for doc in self._case_file_docs("records")),
            "docs": lambda: ({"collection": path.stem, "doc": self.get_doc(path.stem, doc_id)}
                             for path in sorted((self._root / "docs").glob("*.json"))
                             for doc_id in self._doc_ids(path)),
            "changes": lambda: (change.to_dict() for change in self._changes.committed()),
            "audit": lambda: (event.to_dict() for event in self.audit_events()),
            "socialmap_edits": self.list_socialmap_edits,
        }
        return iter(exporters[table]())

    def close(self) -> None:
        pass  # no file stays open between operations


def _case_entry(case: Case) -> dict:
    return {"kind": "case", "entity_id": case.id, "case_id": case.id, "org_id": case.org_id}


def _fields(row: dict) -> dict:
    """A row of TABLES or a session without the token of the write that put it there."""
    return {name: value for name, value in row.items() if name != "write"}


def _events(entry: dict) -> list[dict]:
    """The audit events a pending change-feed entry carries: a record change's one, a case's or document's list."""
    events = entry.get("audit", [])
    return events if isinstance(events, list) else [events]


def _written_by(stored: dict | None, entry: dict) -> bool:
    """Whether a stored case or document is the one the pending entry's write put there (entries written before
    the token was introduced name none: then being there is enough)."""
    return stored is not None and ("write" not in entry or stored.get("write") == entry["write"])


def _already_in(trail_end: list[dict], events: list[dict]) -> int:
    """How many of `events` (unsealed) the trail already ends with: an interrupted write may have appended the
    first of them (a batch of events spans two chunk files at most)."""
    def unsealed(event: dict) -> dict:
        return {k: v for k, v in event.items() if k not in ("seq", "prev_hash", "hash")}

    for count in range(min(len(events), len(trail_end)), 0, -1):
        if [unsealed(e) for e in trail_end[-count:]] == [unsealed(e) for e in events[:count]]:
            return count
    return 0


def open_tinydb_store(store_dir: Path, key_file: Path) -> TinyDBStore:
    """The store in `store_dir`, encrypted with the key in `key_file` (created on first run).

    The key must live outside the store directory: a copy of the store alone must not be readable.
    """
    store_dir, key_file = Path(store_dir).resolve(), Path(key_file).resolve()
    if key_file.is_relative_to(store_dir):
        raise ValueError(f"The data key {key_file} must not be inside the store directory {store_dir}.")
    holds_data = (store_dir / "store.json").exists()
    key = load_or_create_key(key_file, store=f"the store in {store_dir}" if holds_data else None)
    return TinyDBStore(store_dir, DataCipher(key))
