"""Coordinators' corrections to the social map, kept as an append-only log of edits.

The map the app shows is the shipped data file with every edit applied in order. An edit says who changed
what and when, with the old and the new value of each field, so the history of an entry can always be shown and
nothing is overwritten silently: a change whose old values no longer match the entry (someone else changed it
first, for instance on another device while offline) is refused with the current values, and the device keeps
it until a person decides. Edits live in the app's store, never in the data file, so rerunning the importer
cannot overwrite them; an edit whose organisation the data file no longer has is kept and reported as orphaned.

Edit kinds:
- `add`: a new organisation; `changes` holds its fields (old values null). Its id is `added-<edit id>`, so a
  device that adds an entry offline knows the id before it syncs.
- `change`: `changes` maps editable fields to {"old": value seen, "new": value}.
- `retire` / `restore`: take an organisation out of (or back into) the map; a reason is required.

The storage is the `EditLog` protocol below; `MemoryEditLog` implements it for tests.
"""
from __future__ import annotations

import copy
import threading
import uuid
from dataclasses import asdict, dataclass, field
from typing import Iterable, Protocol

from app.domain.errors import Conflict, Invalid, NotFound

from .labels import N_
from .record import EDITABLE_FIELDS, new_record, validation_errors

EDIT_KINDS = ("add", "change", "retire", "restore")
MAX_REASON_LENGTH = 1000
_APPEND_ATTEMPTS = 5


@dataclass(frozen=True)
class Edit:
    id: str  # chosen by the client (a UUID): sending the same edit twice records it once
    org_id: str
    kind: str
    changes: dict  # {field: {"old": value, "new": value}}
    by: str  # user id
    at: str  # ISO 8601 time of the edit
    reason: str | None = None
    seq: int = 0  # position in the log, assigned when appended; the sync cursor

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Edit":
        return cls(**data)

    def same_content(self, other: "Edit") -> bool:
        return (self.org_id, self.kind, self.changes, self.reason) == (other.org_id, other.kind, other.changes,
                                                                       other.reason)


class StaleEditLog(Exception):
    """`append_socialmap_edit` was told a last sequence number that is no longer the last."""


class EditLog(Protocol):
    """What the app's Store must offer to keep social-map edits (all atomic across threads and processes)."""

    def list_socialmap_edits(self, since: int = 0) -> list[Edit]:
        """Edits with seq > since, in seq order."""

    def last_socialmap_edit_seq(self) -> int:
        """The seq of the last edit, 0 when there is none."""

    def append_socialmap_edit(self, edit: Edit, expected_last_seq: int) -> Edit:
        """Store `edit` with seq = expected_last_seq + 1 and return it with that seq; raise StaleEditLog if the
        last seq is no longer `expected_last_seq` (another edit came first; the caller re-checks and retries)."""


class MemoryEditLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._edits: list[Edit] = []

    def list_socialmap_edits(self, since: int = 0) -> list[Edit]:
        return [e for e in self._edits if e.seq > since]

    def last_socialmap_edit_seq(self) -> int:
        return self._edits[-1].seq if self._edits else 0

    def append_socialmap_edit(self, edit: Edit, expected_last_seq: int) -> Edit:
        with self._lock:
            if self.last_socialmap_edit_seq() != expected_last_seq:
                raise StaleEditLog()
            stored = Edit(**{**asdict(edit), "seq": expected_last_seq + 1})
            self._edits.append(stored)
            return stored


@dataclass
class EffectiveMap:
    """The shipped data with the edits applied."""

    organisations: list[dict]  # active entries, in order: shipped ones first, then added ones
    retired: list[dict] = field(default_factory=list)
    orphans: list[Edit] = field(default_factory=list)  # edits on ids the data file no longer has
    last_seq: int = 0

    def find(self, org_id: str) -> dict | None:
        return next((o for o in self.organisations + self.retired if o["id"] == org_id), None)


def added_id(edit_id: str) -> str:
    return f"added-{edit_id.lower()}"


def apply_edits(shipped: Iterable[dict], edits: Iterable[Edit]) -> EffectiveMap:
    """Apply edits in seq order on a copy of the shipped organisations."""
    entries = {org["id"]: copy.deepcopy(org) for org in shipped}
    retired: set[str] = set()
    orphans: list[Edit] = []
    last_seq = 0
    for edit in edits:
        last_seq = max(last_seq, edit.seq)
        if edit.kind == "add":
            entries[edit.org_id] = _with_changes(new_record("added", "", None), edit.changes, edit.org_id)
        elif edit.org_id not in entries:
            orphans.append(edit)
        elif edit.kind == "change":
            entries[edit.org_id] = _with_changes(entries[edit.org_id], edit.changes, edit.org_id)
        elif edit.kind == "retire":
            retired.add(edit.org_id)
        elif edit.kind == "restore":
            retired.discard(edit.org_id)
    return EffectiveMap(organisations=[o for i, o in entries.items() if i not in retired],
                        retired=[o for i, o in entries.items() if i in retired], orphans=orphans, last_seq=last_seq)


def _with_changes(org: dict, changes: dict, org_id: str) -> dict:
    updated = {**copy.deepcopy(org), **{name: copy.deepcopy(change["new"]) for name, change in changes.items()}}
    updated["id"] = org_id
    return updated


def history(edits: Iterable[Edit], org_id: str) -> list[Edit]:
    """Who changed what and when on one organisation, oldest first."""
    return [e for e in edits if e.org_id == org_id]


def _check_proposal(effective: EffectiveMap, edit: Edit) -> None:
    """Raise Invalid / NotFound / Conflict unless `edit` can be applied to the map as it is now."""
    if edit.kind not in EDIT_KINDS:
        raise Invalid(N_("Unknown kind of edit."), [{"path": "/kind", "message": f"One of {list(EDIT_KINDS)}"}])
    if not edit.by or not edit.at:
        raise Invalid(N_("An edit must say who made it and when."), [{"path": "/by", "message": "Required"}])
    unknown = sorted(set(edit.changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise Invalid(N_("These fields cannot be edited."),
                      [{"path": f"/changes/{name}", "message": f"Not one of {list(EDITABLE_FIELDS)}"}
                       for name in unknown])
    if any(not isinstance(c, dict) or set(c) != {"old", "new"} for c in edit.changes.values()):
        raise Invalid(N_("Each change needs its old and its new value."),
                      [{"path": f"/changes/{name}", "message": "Expected {old, new}"} for name in edit.changes])
    current = effective.find(edit.org_id)
    if edit.kind == "add":
        if current is not None:
            raise Conflict(N_("This organisation already exists."), org_id=edit.org_id)
        proposed = _with_changes(new_record("added", "", None), edit.changes, edit.org_id)
    else:
        if current is None:
            raise NotFound(N_("Unknown organisation."), org_id=edit.org_id)
        if edit.kind in ("retire", "restore"):
            if edit.changes:
                raise Invalid(N_("Retiring or restoring an organisation changes no fields."),
                              [{"path": "/changes", "message": "Must be empty"}])
            if not (edit.reason or "").strip() or len(edit.reason) > MAX_REASON_LENGTH:
                raise Invalid(N_("Say why the organisation is retired or restored."),
                              [{"path": "/reason", "message": f"Required, at most {MAX_REASON_LENGTH} characters"}])
            is_retired = any(o["id"] == edit.org_id for o in effective.retired)
            if is_retired == (edit.kind == "retire"):
                raise Conflict(N_("The organisation is already in that state."), org_id=edit.org_id,
                               retired=is_retired)
            return
        if not edit.changes:
            raise Invalid(N_("The edit changes nothing."), [{"path": "/changes", "message": "Empty"}])
        stale = {name: current[name] for name, change in edit.changes.items() if change["old"] != current[name]}
        if stale:
            raise Conflict(N_("Someone changed this organisation in the meantime."), org_id=edit.org_id,
                           current=stale)
        proposed = _with_changes(current, edit.changes, edit.org_id)
    errors = validation_errors(proposed)
    if errors:
        raise Invalid(N_("The organisation would not be valid."), errors)


def parse_edit(payload: object, by: str, at: str) -> Edit:
    """An Edit from a request body `{id, org_id, kind, changes, reason}`; who and when come from the session
    and the server clock. Raises Invalid naming each bad field."""
    if not isinstance(payload, dict):
        raise Invalid(N_("The edit must be an object."), [{"path": "", "message": "Expected an object"}])
    expected = {"id": str, "org_id": str, "kind": str, "changes": dict, "reason": (str, type(None))}
    errors = [{"path": f"/{name}", "message": "Missing or of the wrong type"}
              for name, kind in expected.items()
              if not isinstance(payload.get(name), kind) or (kind is str and not payload.get(name).strip())]
    errors += [{"path": f"/{name}", "message": "Unknown field"} for name in sorted(set(payload) - set(expected))]
    if payload.get("kind") == "add" and "org_id" not in payload:
        errors = [e for e in errors if e["path"] != "/org_id"]
    if not errors:
        try:
            edit_id = str(uuid.UUID(payload["id"]))
        except ValueError:
            errors.append({"path": "/id", "message": "Expected a UUID"})
    if errors:
        raise Invalid(N_("The edit is not well-formed."), errors)
    return Edit(id=edit_id, org_id=payload.get("org_id", ""), kind=payload["kind"],
                changes=payload["changes"], by=by, at=at, reason=payload.get("reason"))


def record_edit(log: EditLog, shipped: list[dict], edit: Edit) -> Edit:
    """Check an edit against the current map and append it to the log; return it as stored (with its seq).

    Idempotent: an edit whose id is already in the log with the same content is returned as stored; the same
    id with other content is a Conflict. `add` edits get the id `added-<edit id>` whatever org_id they carry.
    """
    if edit.kind == "add":
        edit = Edit(**{**asdict(edit), "org_id": added_id(edit.id), "seq": 0})
    for _ in range(_APPEND_ATTEMPTS):
        last_seq = log.last_socialmap_edit_seq()
        edits = log.list_socialmap_edits()
        earlier = next((e for e in edits if e.id == edit.id), None)
        if earlier is not None:
            if earlier.same_content(edit):
                return earlier
            raise Conflict(N_("Another edit with this id exists."), edit_id=edit.id)
        _check_proposal(apply_edits(shipped, edits), edit)
        try:
            return log.append_socialmap_edit(edit, last_seq)
        except StaleEditLog:
            continue  # another edit came in between: check again against the new state
    raise Conflict(N_("The social map is being changed by others; try again."), edit_id=edit.id)


def changes_since(shipped: list[dict], log: EditLog, since: int) -> dict:
    """For a device's sync: the organisations edits touched after `since` (their current state), the ids retired,
    and the new cursor. A device applies them over its copy of the shipped data by id."""
    edits = log.list_socialmap_edits()
    effective = apply_edits(shipped, edits)
    touched = {e.org_id for e in edits if e.seq > since}
    return {
        "organisations": [o for o in effective.organisations if o["id"] in touched],
        "retired": [o["id"] for o in effective.retired if o["id"] in touched],
        "cursor": effective.last_seq,
    }
