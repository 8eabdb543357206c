"""The domain model (ARCHITECTURE §3) as plain dataclasses."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Callable

ROLES = ("counsellor", "coordinator", "partner", "admin")
ORG_KINDS = ("counselling", "partner")
RECORD_STATUSES = ("draft", "final", "discarded")  # a discarded draft stays in history


@dataclass
class Organisation:
    id: str
    name: str
    country: str
    kind: str
    active: bool = True  # a deactivated organisation's users cannot log in

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class User:
    id: str
    email: str
    org_id: str
    role: str
    password_hash: str
    active: bool = True
    # Raised with every change of the password, in the same write: a session opened before it is over at once,
    # even if the server stops before it has removed that session.
    password_version: int = 0

    def public(self) -> dict:
        return {"id": self.id, "email": self.email, "org_id": self.org_id, "role": self.role}

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Session:
    id: str  # a hash of the token; the token itself is only in the cookie
    user_id: str
    created_at: str  # the session ends SESSION_MAX_SECONDS after this, however busy
    last_seen: str
    device_id: str | None = None  # the app installation it was opened from (X-Device-Id), for wiping
    key_hash: str | None = None  # a lockable session: the hash of the key every request must carry
    password_version: int = 0  # the user's password_version it was opened with (or kept at a change)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Case:
    id: str
    org_id: str
    client_code: str
    country_of_origin: str
    step: str = "NL-1"
    counsellor_id: str | None = None
    created_at: str = ""
    updated_at: str = ""
    created_by: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Revision:
    """One saved version of a record. `rev` is "<generation>-<hash>" as in CouchDB."""

    rev: str
    base_rev: str | None
    change_hash: str
    form_id: str
    form_version: int
    status: str
    data: dict
    saved_by: str
    saved_at: str
    device_id: str | None = None
    resolves: list[str] = field(default_factory=list)  # conflict revs this revision resolves
    resolved_by: str | None = None  # on a conflict: the revision that resolved it

    @property
    def generation(self) -> int:
        return int(self.rev.split("-", 1)[0])

    def to_dict(self) -> dict:
        """Its fields, for storing: the data is not copied (asdict's deep copy cost more than the encryption)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "Revision":
        return cls(**d)


def generation_of(rev: str | None) -> int | None:
    """The generation of a revision id "<generation>-<16 hex digits>", or None for anything else."""
    if not isinstance(rev, str):
        return None
    generation, _, digest = rev.partition("-")
    if not (generation.isascii() and generation.isdigit() and len(digest) == 16):
        return None
    return int(generation)


def no_earlier_revisions(generation: int) -> None:
    """RecordState.earlier of a state that is the whole accepted line."""
    return None


@dataclass
class RecordState:
    """What the store keeps about one record: its head and recent revisions, and its conflicts.

    A store keeps a record's older revisions apart from its current state (`Store.record_history` reads them
    all), so that writing to a record costs the same after a thousand revisions as after one. `revisions` is the
    recent end of the accepted line, at least its head (a store may give all of it). The accepted line numbers
    its revisions 1, 2, 3 … (the generation), so an earlier one is found by its generation: `earlier` looks it
    up in the store's history, and is only called for a generation before the recent ones (a replay of an old
    change, a change based on an old revision), never for an ordinary edit of the head."""

    id: str
    case_id: str
    org_id: str
    revisions: list[Revision] = field(default_factory=list)  # accepted line (its recent end), oldest first
    conflicts: list[Revision] = field(default_factory=list)  # unresolved incoming versions
    # generation -> the id of the accepted revision of that generation, for those before `revisions`
    earlier: Callable[[int], str | None] = field(default=no_earlier_revisions, repr=False, compare=False)

    def accepted_rev(self, generation: int) -> str | None:
        """The id of the accepted revision of that generation (None if there is none yet)."""
        if generation < 1:
            return None
        if generation < self.revisions[0].generation:
            return self.earlier(generation)
        return next((r.rev for r in self.revisions if r.generation == generation), None)

    def knows(self, rev: str) -> bool:
        """Whether `rev` is on the accepted line (recent or earlier)."""
        generation = generation_of(rev)
        return generation is not None and self.accepted_rev(generation) == rev

    @property
    def head(self) -> Revision:
        return self.revisions[-1]

    @property
    def discarded(self) -> bool:
        """A draft its user threw away: kept with its history, listed nowhere."""
        return self.head.status == "discarded"

    @property
    def open_conflicts(self) -> list[Revision]:
        return [c for c in self.conflicts if c.resolved_by is None]

    def to_dict(self) -> dict:
        return {"id": self.id, "case_id": self.case_id, "org_id": self.org_id,
                "revisions": [r.to_dict() for r in self.revisions],
                "conflicts": [r.to_dict() for r in self.conflicts]}

    @classmethod
    def from_dict(cls, d: dict) -> "RecordState":
        return cls(id=d["id"], case_id=d["case_id"], org_id=d["org_id"],
                   revisions=[Revision.from_dict(r) for r in d["revisions"]],
                   conflicts=[Revision.from_dict(r) for r in d["conflicts"]])

    def view(self) -> dict:
        """The record as the API shows it."""
        h = self.head
        return {"id": self.id, "case_id": self.case_id, "form_id": h.form_id, "form_version": h.form_version,
                "status": h.status, "data": h.data, "rev": h.rev, "saved_by": h.saved_by, "saved_at": h.saved_at,
                "device_id": h.device_id,
                "conflicts": [{"rev": c.rev, "base_rev": c.base_rev, "status": c.status, "data": c.data,
                               "form_version": c.form_version, "saved_by": c.saved_by, "saved_at": c.saved_at,
                               "device_id": c.device_id}
                              for c in self.open_conflicts]}


@dataclass
class Change:
    """One entry of the change feed. `seq` is assigned by the store, strictly increasing."""

    seq: int
    kind: str  # "case" or "record"
    entity_id: str
    case_id: str
    org_id: str

    def to_dict(self) -> dict:
        return asdict(self)
