"""The domain model (ARCHITECTURE §3) as plain dataclasses."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Mapping

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


@dataclass
class RecordState:
    """What the store keeps about one record: its head and recent revisions, its conflicts, and the ids of the
    revisions before those.

    A store keeps a record's older revisions apart from its current state (`Store.record_history` reads them
    all), so that writing to a record costs the same after a thousand revisions as after one. `revisions` is the
    recent end of the accepted line, at least its head (a store may give all of it); `past` holds the rest
    by id, keyed by the first 16 hex digits of their change hash (the part of the rev after the generation), so
    a replay of an old change and a change based on an old revision are still recognised."""

    id: str
    case_id: str
    org_id: str
    revisions: list[Revision] = field(default_factory=list)  # accepted line (its recent end), oldest first
    conflicts: list[Revision] = field(default_factory=list)  # unresolved incoming versions
    past: Mapping[str, str] = field(default_factory=dict)  # earlier accepted revisions: hash prefix -> rev

    def knows(self, rev: str) -> bool:
        """Whether `rev` is on the accepted line (recent or past)."""
        return any(r.rev == rev for r in self.revisions) or self.past.get(rev.partition("-")[2]) == rev

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
        """Its fields; `past` only when there is one (a whole history has none)."""
        out = {"id": self.id, "case_id": self.case_id, "org_id": self.org_id,
               "revisions": [r.to_dict() for r in self.revisions],
               "conflicts": [r.to_dict() for r in self.conflicts]}
        if self.past:
            out["past"] = sorted(self.past.values(), key=lambda rev: int(rev.partition("-")[0]))
        return out

    @classmethod
    def from_dict(cls, d: dict) -> "RecordState":
        return cls(id=d["id"], case_id=d["case_id"], org_id=d["org_id"],
                   revisions=[Revision.from_dict(r) for r in d["revisions"]],
                   conflicts=[Revision.from_dict(r) for r in d["conflicts"]], past=past_index(d.get("past", ())))

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


def past_index(revs) -> dict[str, str]:
    """`RecordState.past` for these revision ids."""
    return {rev.partition("-")[2]: rev for rev in revs}


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
