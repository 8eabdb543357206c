"""The social map: the shipped data with coordinators' edits applied, searched and edited through the store."""
from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from typing import Callable, Sequence

from socialmap import edits as map_edits
from socialmap.search import SocialMap, load_organisations, public_view

from ..domain.audit import AuditEvent
from ..domain.errors import N_, Forbidden, NotFound
from ..domain.model import User
from ..storage.base import StaleSequence
from . import audit
from .container import Container

EDITOR_ROLES = ("coordinator", "admin")


class StoreEditLog:
    """socialmap.edits.EditLog over the app's Store (which keeps edits as plain dicts). An edit appended is
    stored with the audit events `audit` gives for it, in the same step."""

    def __init__(self, store, audit: Callable[[map_edits.Edit], Sequence[AuditEvent]] = lambda edit: ()):
        self.store = store
        self.audit = audit

    def list_socialmap_edits(self, since: int = 0) -> list[map_edits.Edit]:
        return [map_edits.Edit.from_dict(e) for e in self.store.list_socialmap_edits(since)]

    def last_socialmap_edit_seq(self) -> int:
        return self.store.last_socialmap_edit_seq()

    def append_socialmap_edit(self, edit: map_edits.Edit, expected_last_seq: int) -> map_edits.Edit:
        try:
            return map_edits.Edit.from_dict(self.store.append_socialmap_edit(asdict(edit), expected_last_seq,
                                                                             self.audit(edit)))
        except StaleSequence:
            raise map_edits.StaleEditLog()


@lru_cache(maxsize=1)
def shipped() -> tuple[dict, ...]:
    return tuple(load_organisations())


def _effective(c: Container) -> tuple[SocialMap, list[dict]]:
    """The effective map and the organisations taken off it, rebuilt only when the edit log moved (searching
    needs the map's folded text index)."""
    last = c.store.last_socialmap_edit_seq()
    cached = c.extras.get("socialmap")
    if cached is None or cached[0] != last:
        effective = map_edits.apply_edits(list(shipped()), StoreEditLog(c.store).list_socialmap_edits())
        cached = (last, SocialMap(effective.organisations), effective.retired)
        c.extras["socialmap"] = cached
    return cached[1], cached[2]


def current_map(c: Container) -> SocialMap:
    return _effective(c)[0]


def retired(c: Container, user: User, lang: str) -> list[dict]:
    """The organisations coordinators took off the map, so that one can be put back."""
    if user.role not in EDITOR_ROLES:
        raise Forbidden(N_("Only coordinators change the social map."))
    return sorted((public_view(o, lang) for o in _effective(c)[1]), key=lambda o: o["name"].casefold())


def search(c: Container, country: str | None, service: str | None, q: str | None, lang: str) -> list[dict]:
    return [public_view(o, lang) for o in current_map(c).search(country=country, service=service, q=q)]


def organisation(c: Container, org_id: str, lang: str) -> dict:
    org = current_map(c).get(org_id)
    if org is None:
        raise NotFound(N_("No such organisation."))
    history = map_edits.history(StoreEditLog(c.store).list_socialmap_edits(), org_id)
    return {**public_view(org, lang), "history": [e.to_dict() for e in history]}


def countries(c: Container, lang: str) -> list[dict]:
    return current_map(c).country_choices(lang)


def edit(c: Container, user: User, payload) -> dict:
    if user.role not in EDITOR_ROLES:
        raise Forbidden(N_("Only coordinators change the social map."))
    proposal = map_edits.parse_edit(payload, by=user.id, at=c.now())
    # The edit and its audit event are one write; an edit sent again is returned as stored, with no new event.
    log = StoreEditLog(c.store, lambda edit: [audit.event(c, user, "socialmap_edit", organisation=edit.org_id,
                                                          edit=edit.id)])
    return map_edits.record_edit(log, list(shipped()), proposal).to_dict()


def changes_since(c: Container, since: int) -> dict:
    return map_edits.changes_since(list(shipped()), StoreEditLog(c.store), since)
