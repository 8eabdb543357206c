"""Revision rules of the sync protocol (ARCHITECTURE §5), as one pure decision.

The store loads a record's state under its lock or transaction, calls `decide`, and persists what it returns.
Nothing here does I/O, so the rules are the same for every store.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from .errors import N_, Invalid
from .jsontext import canonical
from .model import RecordState, Revision, generation_of


@dataclass
class RecordChange:
    """An incoming change to a record, already validated against its form."""

    id: str
    case_id: str
    form_id: str
    form_version: int
    status: str
    data: dict
    base_rev: str | None
    saved_by: str
    saved_at: str
    device_id: str | None = None
    resolves: list[str] = field(default_factory=list)

    def content_hash(self) -> str:
        """Identifies the change itself: what it is based on and what it says (not who sent it when)."""
        return hashlib.sha256(canonical({
            "base_rev": self.base_rev, "form_id": self.form_id, "form_version": self.form_version,
            "status": self.status, "data": self.data, "resolves": sorted(self.resolves)})).hexdigest()


@dataclass
class Outcome:
    status: str  # "ok" or "conflict"
    rev: str
    state: RecordState  # the state after the change
    changed: bool  # False for a replay or a change that says nothing new: nothing to persist
    created: bool = False
    seq: int | None = None  # the change feed's number for it, given by the store when it is persisted

    @property
    def current(self) -> Revision:
        return self.state.head


def _same_content(rev: Revision, change: RecordChange) -> bool:
    return (rev.status, rev.data, rev.form_version, rev.form_id) == (
        change.status, change.data, change.form_version, change.form_id)


def _revision(change: RecordChange, generation: int, digest: str) -> Revision:
    return Revision(rev=f"{generation}-{digest[:16]}", base_rev=change.base_rev, change_hash=digest,
                    form_id=change.form_id, form_version=change.form_version, status=change.status,
                    data=change.data, saved_by=change.saved_by, saved_at=change.saved_at,
                    device_id=change.device_id, resolves=sorted(change.resolves))


def decide(state: RecordState | None, change: RecordChange, org_id: str) -> Outcome:
    """Apply `change` to `state` (None for a record the store has never seen)."""
    digest = change.content_hash()
    if state is None:
        if change.base_rev is not None:
            raise Invalid(N_("The change is based on a revision the server does not know."),
                          [{"path": "/base_rev", "message": N_("Unknown revision")}])
        if change.status == "discarded":
            raise Invalid(N_("Only a draft the server has can be discarded."),
                          [{"path": "/status", "message": N_("Only a draft the server has can be discarded.")}])
        if change.resolves:
            raise Invalid(N_("A new record has no conflicts to resolve."),
                          [{"path": "/resolves", "message": N_("Unknown revision")}])
        rev = _revision(change, 1, digest)
        return Outcome("ok", rev.rev, RecordState(change.id, change.case_id, org_id, [rev], []), True, True)

    if change.case_id != state.case_id:
        raise Invalid(N_("This record belongs to another case."), [{"path": "/case_id", "message": N_("Wrong case")}])

    # A replay of a change already taken: the same answer, nothing new.
    for rev in state.revisions:
        if rev.change_hash == digest:
            return Outcome("ok", rev.rev, state, False)
    for rev in state.conflicts:
        if rev.change_hash == digest:
            return Outcome("conflict", rev.rev, state, False)
    # An earlier accepted revision made by this change would follow its base (generation 1 without one): only
    # for a base before the recent revisions does this look in the history.
    base_generation = 0 if change.base_rev is None else generation_of(change.base_rev)
    if base_generation is not None:
        replayed = f"{base_generation + 1}-{digest[:16]}"  # a rev ends with the first 16 hex digits of the hash
        if state.accepted_rev(base_generation + 1) == replayed:
            return Outcome("ok", replayed, state, False)

    head = state.head
    if change.status == "discarded" and head.status == "final":
        raise Invalid(N_("A final record cannot be discarded."),
                      [{"path": "/status", "message": N_("A final record cannot be discarded.")}])
    if change.base_rev is not None and not state.knows(change.base_rev):
        raise Invalid(N_("The change is based on a revision the server does not know."),
                      [{"path": "/base_rev", "message": N_("Unknown revision")}])
    open_revs = {c.rev for c in state.open_conflicts}
    all_conflicts = {c.rev for c in state.conflicts}
    unknown = set(change.resolves) - all_conflicts
    if unknown:
        raise Invalid(N_("The change resolves conflicts the record does not have."),
                      [{"path": "/resolves", "message": N_("Unknown revision")}])

    if change.base_rev == head.rev:
        to_resolve = set(change.resolves) & open_revs
        if not to_resolve and _same_content(head, change):
            return Outcome("ok", head.rev, state, False)
        rev = _revision(change, head.generation + 1, digest)
        conflicts = [_mark_resolved(c, rev.rev) if c.rev in to_resolve else c for c in state.conflicts]
        return Outcome("ok", rev.rev, RecordState(state.id, state.case_id, state.org_id,
                                                  state.revisions + [rev], conflicts, state.earlier), True)

    # Based on an older revision: never applied over the newer one. Two devices that made the same
    # edit do not conflict.
    if _same_content(head, change) and not change.resolves:
        return Outcome("ok", head.rev, state, False)
    conflict = _revision(change, base_generation + 1, digest)
    return Outcome("conflict", conflict.rev, RecordState(state.id, state.case_id, state.org_id,
                                                         state.revisions, state.conflicts + [conflict], state.earlier),
                   True)


def _mark_resolved(conflict: Revision, by_rev: str) -> Revision:
    """A resolved conflict stays in history, marked with the revision that resolved it."""
    return replace(conflict, resolved_by=by_rev)

