"""An in-memory Store: the fake for fast unit tests, and the reference for the contract tests."""
from __future__ import annotations

import copy
import json
import threading
from contextlib import contextmanager
from typing import Iterator, Sequence

from ..domain.access import Scope
from ..domain.audit import STEP_ACTIONS, AuditEvent, chain
from ..domain.errors import DomainError
from ..domain.jsontext import compact
from ..domain.model import Case, Change, Organisation, RecordState, Revision, Session, User
from ..domain.revisions import Outcome, RecordChange
from .base import (AlreadyExists, AuditFor, Decide, StaleSequence, decide_in_order, earlier, last_states,
                   only_outcome, session_matches)

KEEP = 1  # revisions in a record's current state


class MemoryStore:
    def __init__(self):
        self._lock = threading.RLock()
        self._orgs: dict[str, Organisation] = {}
        self._users: dict[str, User] = {}
        self._sessions: dict[str, Session] = {}
        self._cases: dict[str, Case] = {}
        self._records: dict[str, tuple[str, str]] = {}  # id -> (case id, the current state as JSON)
        # record id -> its earlier revisions as JSON, oldest first: generation g at index g - 1
        self._history: dict[str, list[str]] = {}
        self._changes: list[Change] = []
        self._audit: list[AuditEvent] = []
        self._socialmap_edits: list[dict] = []
        self._docs: dict[str, dict[str, dict]] = {}  # collection -> id -> document

    @contextmanager
    def _audited(self, events: Sequence[AuditEvent]) -> Iterator[None]:
        """A write and its audit events in one step: the events are sealed before the block writes anything and
        appended after it, so a failure on either side leaves neither."""
        with self._lock:
            sealed, prev = [], self._audit[-1] if self._audit else None
            for event in events:
                prev = chain(prev, AuditEvent(**event.to_dict()))
                sealed.append(prev)
            yield
            self._audit.extend(sealed)

    # Copies in and out, so callers can never change stored state by accident (as with a real store).
    def put_org(self, org: Organisation, audit: Sequence[AuditEvent] = ()) -> None:
        with self._audited(audit):
            self._orgs[org.id] = copy.deepcopy(org)

    def get_org(self, org_id: str) -> Organisation | None:
        return copy.deepcopy(self._orgs.get(org_id))

    def list_orgs(self) -> list[Organisation]:
        return copy.deepcopy(sorted(self._orgs.values(), key=lambda o: o.id))

    def put_user(self, user: User, audit: Sequence[AuditEvent] = ()) -> None:
        with self._audited(audit):
            self._users[user.id] = copy.deepcopy(user)

    def get_user(self, user_id: str) -> User | None:
        return copy.deepcopy(self._users.get(user_id))

    def find_user_by_email(self, email: str) -> User | None:
        email = email.strip().lower()
        return copy.deepcopy(next((u for u in self._users.values() if u.email.strip().lower() == email), None))

    def list_users(self, org_id: str) -> list[User]:
        return copy.deepcopy(sorted((u for u in self._users.values() if u.org_id == org_id), key=lambda u: u.email))

    def put_session(self, session: Session, audit: Sequence[AuditEvent] = ()) -> None:
        with self._audited(audit):
            self._sessions[session.id] = copy.deepcopy(session)

    def get_session(self, session_id: str) -> Session | None:
        return copy.deepcopy(self._sessions.get(session_id))

    def delete_session(self, session_id: str, audit: Sequence[AuditEvent] = ()) -> None:
        with self._audited(audit):
            self._sessions.pop(session_id, None)

    def delete_sessions_idle_since(self, cutoff: str) -> list[str]:
        with self._lock:
            idle = [s.id for s in self._sessions.values() if earlier(s.last_seen, cutoff)]
            for session_id in idle:
                del self._sessions[session_id]
            return idle

    def delete_sessions_of(self, user_id: str | None = None, device_id: str | None = None,
                           keep: str | None = None) -> list[str]:
        with self._lock:
            ended = [s.id for s in self._sessions.values() if session_matches(s.to_dict(), user_id, device_id, keep)]
            for session_id in ended:
                del self._sessions[session_id]
            return ended

    def _append_change(self, kind: str, entity_id: str, case_id: str, org_id: str) -> int:
        self._changes.append(Change(len(self._changes) + 1, kind, entity_id, case_id, org_id))
        return len(self._changes)

    def create_case(self, case: Case, audit: Sequence[AuditEvent] = ()) -> None:
        with self._lock:
            if case.id in self._cases:
                raise AlreadyExists(case.id)
            self.update_case(case, audit)

    def update_case(self, case: Case, audit: Sequence[AuditEvent] = ()) -> None:
        with self._audited(audit):
            self._cases[case.id] = copy.deepcopy(case)
            self._append_change("case", case.id, case.id, case.org_id)

    def get_case(self, case_id: str) -> Case | None:
        return copy.deepcopy(self._cases.get(case_id))

    def list_cases(self, scope: Scope) -> list[Case]:
        return copy.deepcopy(sorted((c for c in self._cases.values() if scope.sees_case(c)),
                                    key=lambda c: (c.created_at, c.id)))

    def iter_cases(self, scope: Scope) -> Iterator[Case]:
        with self._lock:
            ids = [case_id for case_id, case in self._cases.items() if scope.sees_case(case)]
        for case_id in ids:
            case = self.get_case(case_id)
            if case is not None:
                yield case

    def _thaw(self, record_id: str) -> RecordState | None:
        """A fresh copy of a stored record (decoding JSON costs a fraction of a deep copy of the objects) that
        finds its earlier revisions in the history by generation."""
        frozen = self._records.get(record_id)
        if frozen is None:
            return None
        state = RecordState.from_dict(json.loads(frozen[1]))
        history = self._history.setdefault(record_id, [])  # grows in place: no copy that grows with the history
        state.earlier = lambda generation: json.loads(history[generation - 1])["rev"] if generation <= len(
            history) else None
        return state

    def record_history(self, record_id: str) -> list[Revision]:
        with self._lock:
            state = self._thaw(record_id)
            if state is None:
                return []
            return [Revision.from_dict(json.loads(r)) for r in self._history.get(record_id, [])] + state.revisions

    def get_record(self, record_id: str) -> RecordState | None:
        return self._thaw(record_id)

    def get_records(self, record_ids) -> dict[str, RecordState]:
        found = {record_id: self._thaw(record_id) for record_id in record_ids}
        return {record_id: state for record_id, state in found.items() if state is not None}

    def list_records(self, case_id: str) -> list[RecordState]:
        return [self._thaw(record_id) for record_id, r in list(self._records.items()) if r[0] == case_id]

    def apply_record_change(self, change: RecordChange, org_id: str, decide: Decide,
                            audit: AuditFor | None = None) -> Outcome:
        return only_outcome(self.apply_record_changes([(change, org_id)], decide, audit))

    def apply_record_changes(self, changes: list[tuple[RecordChange, str]], decide: Decide,
                             audit: AuditFor | None = None) -> list[Outcome | DomainError]:
        with self._lock:
            results, persisted, events = decide_in_order(changes, self.get_records({c.id for c, _ in changes}),
                                                         decide, audit)
            with self._audited([e for e in events if e is not None]):
                self._persist(persisted)
        return results

    def _persist(self, persisted: list[Outcome]) -> None:
        for state in last_states(persisted):
            # The current state keeps its last KEEP revisions; the others move to the history (which grows
            # in place, so a write costs the same however long the history).
            archived = state.revisions[:-KEEP]
            self._history.setdefault(state.id, []).extend(compact(r.to_dict()) for r in archived)
            current = RecordState(state.id, state.case_id, state.org_id, state.revisions[-KEEP:], state.conflicts)
            self._records[state.id] = (state.case_id, compact(current.to_dict()))
        for outcome in persisted:
            state = outcome.state
            outcome.seq = self._append_change("record", state.id, state.case_id, state.org_id)

    def changes_since(self, since: int, scope: Scope, limit: int) -> tuple[list[Change], int]:
        # Changes are numbered 1..n, so the slice starts at the cursor: no scan of older changes.
        out, cursor = [], since
        for change in self._changes[max(since, 0):]:
            if len(out) >= limit:
                break
            cursor = change.seq
            if scope.sees_change(change):
                out.append(copy.deepcopy(change))
        return out, cursor

    def put_doc(self, collection: str, doc: dict, feed: tuple[str, str] | None = None,
                audit: Sequence[AuditEvent] = ()) -> None:
        with self._audited(audit):
            self._docs.setdefault(collection, {})[doc["id"]] = copy.deepcopy(doc)
            if feed is not None:
                self._append_change(collection, doc["id"], *feed)

    def get_doc(self, collection: str, doc_id: str) -> dict | None:
        return copy.deepcopy(self._docs.get(collection, {}).get(doc_id))

    def list_docs(self, collection: str, **equals) -> list[dict]:
        with self._lock:
            docs = list(self._docs.get(collection, {}).values())
        return copy.deepcopy([d for d in docs if all(d.get(k) == v for k, v in equals.items())])

    def delete_doc(self, collection: str, doc_id: str) -> None:
        with self._lock:
            self._docs.get(collection, {}).pop(doc_id, None)

    def last_seq(self) -> int:
        return len(self._changes)

    def append_audit(self, event: AuditEvent) -> AuditEvent:
        return self.append_audit_many([event])[0]

    def append_audit_many(self, events: list[AuditEvent]) -> list[AuditEvent]:
        with self._lock:
            with self._audited(events):
                pass
            return [AuditEvent(**e.to_dict()) for e in self._audit[len(self._audit) - len(events):]]

    def audit_events(self, case_id: str | None = None) -> list[AuditEvent]:
        return [AuditEvent(**e.to_dict()) for e in self._audit if case_id is None or e.case_id == case_id]

    def case_steps(self, scope: Scope) -> dict[str, list[tuple[str, str]]]:
        ids = {case_id for case_id, case in self._cases.items()
               if case.org_id in scope.org_ids or case_id in scope.case_ids}
        steps: dict[str, list[tuple[str, str]]] = {}
        for e in self._audit:
            if e.case_id in ids and e.action in STEP_ACTIONS and e.details.get("step"):
                steps.setdefault(e.case_id, []).append((e.at, e.details["step"]))
        return steps

    def list_socialmap_edits(self, since: int = 0) -> list[dict]:
        return copy.deepcopy([e for e in self._socialmap_edits if e["seq"] > since])

    def last_socialmap_edit_seq(self) -> int:
        return self._socialmap_edits[-1]["seq"] if self._socialmap_edits else 0

    def append_socialmap_edit(self, edit: dict, expected_last_seq: int, audit: Sequence[AuditEvent] = ()) -> dict:
        with self._lock:
            if self.last_socialmap_edit_seq() != expected_last_seq:
                raise StaleSequence()
            stored = {**copy.deepcopy(edit), "seq": expected_last_seq + 1}
            with self._audited(audit):
                self._socialmap_edits.append(stored)
            return copy.deepcopy(stored)

    def check_key(self) -> None:
        pass  # nothing encrypted, nothing to open

    def probe_space(self) -> None:
        pass  # memory does not run out the way a disk does

    def close(self) -> None:
        pass

