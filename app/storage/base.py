"""The `Store` interface every storage implementation fulfils (checked by tests/storage contract tests)."""
from __future__ import annotations

import errno
from datetime import datetime
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from ..domain.access import Scope
from ..domain.audit import AuditEvent
from ..domain.errors import DomainError
from ..domain.model import Case, Change, Organisation, RecordState, Revision, Session, User
from ..domain.revisions import Outcome, RecordChange

Decide = Callable[[RecordState | None, RecordChange, str], Outcome]
# The audit event (unsealed, see services/audit.event) of a change the store persists: the store writes it in
# the same step as the change, so no revision is ever saved without its event.
AuditFor = Callable[[RecordChange, Outcome], AuditEvent]


class AlreadyExists(Exception):
    """A create with an id that is taken."""


def session_matches(session: dict, user_id: str | None, device_id: str | None, keep: str | None) -> bool:
    """The filter of Store.delete_sessions_of on a session's fields."""
    if user_id is None and device_id is None:
        raise ValueError("name a user or a device")
    return (session["id"] != keep and (user_id is None or session["user_id"] == user_id)
            and (device_id is None or session.get("device_id") == device_id))


class StaleSequence(Exception):
    """An append that expected another last sequence number: someone else appended first."""


class StoreFull(Exception):
    """A write the store could not make for lack of space (a full disk, a quota, PostgreSQL's disk_full). The
    write changed nothing; it can be made again once there is space."""


def raise_if_full(error: OSError) -> None:
    """Raise StoreFull from an OSError that means "no space left" (ENOSPC, EDQUOT)."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        raise StoreFull(str(error)) from error


class CorruptStore(Exception):
    """Stored data that cannot be read safely. The store stops instead of carrying on with part of the data."""


def earlier(moment: str, than: str) -> bool:
    """Whether one ISO 8601 time is before another, compared as times (with or without fractions of a second)."""
    return datetime.fromisoformat(moment) < datetime.fromisoformat(than)


def decide_in_order(changes: list[tuple[RecordChange, str]], states: dict[str, RecordState | None],
                    decide: Decide, audit: AuditFor | None = None
                    ) -> tuple[list[Outcome | DomainError], list[Outcome], list[AuditEvent | None]]:
    """Decide a batch in order, each change seeing the ones before it (`states`, record id -> state, is updated
    as it goes). Returns the result of every change, the outcomes to persist, in order (each gets its own entry
    in the change feed: store it as its `seq`; the last state of each record is the one to write), and for
    each of those its audit event (None without `audit`), to write in the same step."""
    results: list[Outcome | DomainError] = []
    persisted: list[Outcome] = []
    events: list[AuditEvent | None] = []
    for change, org_id in changes:
        try:
            outcome = decide(states.get(change.id), change, org_id)
        except DomainError as error:
            results.append(error)
            continue
        if outcome.changed:
            states[change.id] = outcome.state
            persisted.append(outcome)
            events.append(audit(change, outcome) if audit else None)
        results.append(outcome)
    return results, persisted, events


def last_states(persisted: list[Outcome]) -> list[RecordState]:
    """The state to write for each record the persisted outcomes touch: its last one."""
    return list({outcome.state.id: outcome.state for outcome in persisted}.values())


def split_history(state: RecordState, keep: int) -> tuple[RecordState, list[Revision]]:
    """A record's state to keep as current, with its last `keep` revisions, and the revisions to move to its
    history, oldest first (none if it has no more than `keep`)."""
    archived = state.revisions[:-keep]
    if not archived:
        return state, []
    return RecordState(state.id, state.case_id, state.org_id, state.revisions[-keep:], state.conflicts,
                       state.earlier), archived


def full_state(state: RecordState, history: list[Revision]) -> RecordState:
    """A record with its whole accepted line: the revisions moved to history (batch after batch, in the order of
    their first generation), then the current ones. Only history before the current revisions counts, one
    revision per generation: a batch that a dropped write left behind is written again by the next write that
    moves those revisions, under the same name, before its state leaves them out."""
    first = state.revisions[0].generation
    earlier = {r.generation: r for r in history if r.generation < first}
    return RecordState(state.id, state.case_id, state.org_id, [earlier[g] for g in sorted(earlier)] + state.revisions,
                       state.conflicts)


def revision_at(batch: list[Revision], generation: int) -> str | None:
    """The id of the revision of that generation in a batch of history (None if it holds none)."""
    return next((r.rev for r in batch if r.generation == generation), None)


def only_outcome(results: list[Outcome | DomainError]) -> Outcome:
    """The outcome of a batch of one change, raising its error: apply_record_change in terms of the batch."""
    (result,) = results
    if isinstance(result, DomainError):
        raise result
    return result


class Store(Protocol):
    # Every write that takes `audit` events (unsealed, see services/audit.event) appends them to the audit trail
    # in the same atomic step as the write: a crash or a failed write (StoreFull) leaves both or neither (once
    # the store has settled what an interrupted write left, which it does before its next write or when it
    # opens). A write that is refused (AlreadyExists, StaleSequence, a DomainError) appends none of them.

    # Organisations and users
    def put_org(self, org: Organisation, audit: Sequence[AuditEvent] = ()) -> None: ...
    def get_org(self, org_id: str) -> Organisation | None: ...
    def list_orgs(self) -> list[Organisation]: ...
    def put_user(self, user: User, audit: Sequence[AuditEvent] = ()) -> None: ...
    def get_user(self, user_id: str) -> User | None: ...
    def find_user_by_email(self, email: str) -> User | None: ...
    def list_users(self, org_id: str) -> list[User]: ...

    # Server-side sessions
    def put_session(self, session: Session, audit: Sequence[AuditEvent] = ()) -> None: ...
    def get_session(self, session_id: str) -> Session | None: ...
    def delete_session(self, session_id: str, audit: Sequence[AuditEvent] = ()) -> None: ...
    def delete_sessions_idle_since(self, cutoff: str) -> list[str]: ...  # last_seen before cutoff; their ids
    # The sessions of a user or opened from a device (both given: of both), except `keep`; their ids.
    def delete_sessions_of(self, user_id: str | None = None, device_id: str | None = None,
                           keep: str | None = None) -> list[str]: ...

    # Cases. `create_case` raises AlreadyExists when the id is taken (the caller decides what that means).
    def create_case(self, case: Case, audit: Sequence[AuditEvent] = ()) -> None: ...
    def update_case(self, case: Case, audit: Sequence[AuditEvent] = ()) -> None: ...
    def get_case(self, case_id: str) -> Case | None: ...
    def list_cases(self, scope: Scope) -> list[Case]: ...
    # The same cases, in no particular order, read a page at a time: for reports and exports over every case,
    # whose memory must not grow with the number of cases.
    def iter_cases(self, scope: Scope) -> Iterator[Case]: ...

    # Records. `apply_record_change` loads the record's state, calls `decide(state, change, org_id)` and
    # persists the outcome, all atomically with respect to every other writer (threads, processes, servers).
    # `apply_record_changes` does the same for a batch (a sync push) in one step: the changes are decided in
    # order, each seeing the ones before it; one that `decide` refuses with a DomainError changes nothing and
    # its error takes its place in the results, the others go on. A persisted outcome gets `seq`, the number of
    # its entry in the change feed. With `audit`, each persisted outcome's audit event is appended in the same
    # atomic step (a crash or a failed write leaves both or neither); a replay persists nothing, so no event.
    # A record's state holds its recent revisions only (RecordState); `record_history` gives its whole accepted
    # line, oldest first ([] for an unknown record). Writing to a record costs the same however long its history.
    def record_history(self, record_id: str) -> list[Revision]: ...
    def get_record(self, record_id: str) -> RecordState | None: ...
    def get_records(self, record_ids: Iterable[str]) -> dict[str, RecordState]: ...  # those that exist, by id
    def list_records(self, case_id: str) -> list[RecordState]: ...
    def apply_record_change(self, change: RecordChange, org_id: str, decide: Decide,
                            audit: AuditFor | None = None) -> Outcome: ...
    def apply_record_changes(self, changes: list[tuple[RecordChange, str]], decide: Decide,
                             audit: AuditFor | None = None) -> list[Outcome | DomainError]: ...

    # Small documents (handovers and their events, push subscriptions, inbox notifications, ...): JSON objects
    # with a string "id", kept per collection. `put_doc` inserts or replaces by id, atomically; with `feed`
    # = (case_id, org_id) it also appends a change of kind=collection, entity_id=doc["id"] to the change feed,
    # in the same atomic step, so the document is readable once its change is (and the `audit` events, with or
    # without `feed`, in that step too). `list_docs` returns the documents
    # whose top-level fields equal the given values (all of them without filters), in no particular order.
    # Documents may hold free text typed by users (a consent's purpose): store them like case data.
    def put_doc(self, collection: str, doc: dict, feed: tuple[str, str] | None = None,
                audit: Sequence[AuditEvent] = ()) -> None: ...
    def get_doc(self, collection: str, doc_id: str) -> dict | None: ...
    def list_docs(self, collection: str, **equals) -> list[dict]: ...
    def delete_doc(self, collection: str, doc_id: str) -> None: ...

    # Change feed: changes after `since` that `scope` may see (`scope.sees_change`), at most `limit`; returns
    # them and the cursor to continue from (past the invisible ones too). Its cost grows with the number of
    # changes after `since`, not with the size of the store.
    def changes_since(self, since: int, scope: Scope, limit: int) -> tuple[list[Change], int]: ...
    def last_seq(self) -> int: ...

    # Audit trail, append-only. `append_audit` links the event after the last one (domain.audit.chain) atomically.
    def append_audit(self, event: AuditEvent) -> AuditEvent: ...
    def append_audit_many(self, events: list[AuditEvent]) -> list[AuditEvent]: ...  # one write for a batch
    def audit_events(self, case_id: str | None = None) -> list[AuditEvent]: ...
    # The steps the cases of `scope` went through, for reports: per case the (time, step) of each audit event of
    # domain.audit.STEP_ACTIONS that names a step, oldest first. Reads those events only (not the whole trail
    # into memory); a case of the scope's organisations may be listed even where `scope.sees_case` would say no.
    def case_steps(self, scope: Scope) -> dict[str, list[tuple[str, str]]]: ...

    # Social-map edits (socialmap/edits.py), an append-only log of dicts with a `seq` the store assigns.
    # `append_socialmap_edit` raises StaleSequence when the last seq is no longer `expected_last_seq`.
    def list_socialmap_edits(self, since: int = 0) -> list[dict]: ...
    def last_socialmap_edit_seq(self) -> int: ...
    def append_socialmap_edit(self, edit: dict, expected_last_seq: int,
                              audit: Sequence[AuditEvent] = ()) -> dict: ...

    # Health (services/health.py): reads the store's key-check value and returns when it is reachable and this
    # key opens it; raises CorruptStore (or the driver's error for an unreachable database) otherwise.
    def check_key(self) -> None: ...
    # Whether there is room to write again, after a write was refused for lack of it: a small real write apart
    # from the data (and for a store on a local disk, a margin of free space); raises StoreFull while not.
    def probe_space(self) -> None: ...

    def close(self) -> None: ...
