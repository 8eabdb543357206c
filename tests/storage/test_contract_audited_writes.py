"""The storage contract for the audited writes that announce nothing to devices (an organisation, a user, a
session, a document without a feed entry such as a device's wipe, a social-map edit): the write and its audit
events are one step, so a failure between the two leaves both or neither, on every store. (Records, cases and announced
documents: test_contract_write_steps.py.)"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Callable

import pytest

import app.storage.memory as memory_module
from app.domain.access import Scope
from app.domain.audit import AuditEvent, first_broken_link
from app.domain.model import Organisation, Session, User
from app.storage.base import StaleSequence, StoreFull
from tests.storage.conftest import SERVER_MARKS, STORE_FACTORIES
from tests.storage.test_contract_write_steps import postgresql_full, tinydb_full

ORG = "org-a"
PARTNER = Organisation("org-b", "Beta", "BG", "partner")
USER = User("user-1", "ana@example.org", ORG, "counsellor", "")
DEVICE = {"id": "device-1", "user_id": USER.id, "org_id": ORG, "wipe": None}
SESSION = Session("session-1", USER.id, "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z", device_id="device-1")
EVERYTHING = Scope(org_ids=frozenset({ORG, PARTNER.id}), doc_org_ids=frozenset({ORG, PARTNER.id}))


def event(action: str, **details) -> AuditEvent:
    return AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="admin-1", org_id=ORG, action=action,
                      details=details)


@dataclass
class Write:
    """An audited write: what is there before it, the write itself (given its events), and whether it is done."""
    action: str
    before: Callable[[object], None]
    write: Callable[[object, list[AuditEvent]], None]
    done: Callable[[object], bool]


WRITES = {
    "new organisation": Write("org_created", lambda s: None, lambda s, audit: s.put_org(PARTNER, audit),
                              lambda s: s.get_org(PARTNER.id) is not None),
    "organisation change": Write("org_updated", lambda s: s.put_org(PARTNER),
                                 lambda s, audit: s.put_org(replace(PARTNER, active=False), audit),
                                 lambda s: not s.get_org(PARTNER.id).active),
    "new user": Write("user_created", lambda s: None, lambda s, audit: s.put_user(USER, audit),
                      lambda s: s.get_user(USER.id) is not None),
    "user change": Write("user_updated", lambda s: s.put_user(USER),
                         lambda s, audit: s.put_user(replace(USER, role="coordinator"), audit),
                         lambda s: s.get_user(USER.id).role == "coordinator"),
    "login": Write("login", lambda s: None, lambda s, audit: s.put_session(SESSION, audit),
                   lambda s: s.get_session(SESSION.id) == SESSION),
    "logout": Write("logout", lambda s: s.put_session(SESSION), lambda s, audit: s.delete_session(SESSION.id, audit),
                    lambda s: s.get_session(SESSION.id) is None),
    "device wipe": Write("device_wipe_ordered", lambda s: s.put_doc("devices", DEVICE),
                         lambda s, audit: s.put_doc("devices", {**DEVICE, "wipe": {"ordered_at": "now"}}, audit=audit),
                         lambda s: s.get_doc("devices", DEVICE["id"])["wipe"] is not None),
    "social-map edit": Write("socialmap_edit", lambda s: None,
                             lambda s, audit: s.append_socialmap_edit({"id": "edit-1", "org_id": "x", "changes": {}},
                                                                      0, audit),
                             lambda s: [e["id"] for e in s.list_socialmap_edits()] == ["edit-1"]),
}


def events_of(store, action: str) -> list[AuditEvent]:
    return [e for e in store.audit_events() if e.action == action and "next" not in e.details]


@pytest.mark.parametrize("name", WRITES)
def test_an_audited_write_and_its_events_are_written_in_one_step(store, name):
    write = WRITES[name]
    write.before(store)
    assert store.audit_events() == []  # a write without events writes none
    write.write(store, [event(write.action, n=1), event(write.action, n=2)])
    assert write.done(store)
    events = store.audit_events()
    assert [(e.action, e.details["n"], e.seq) for e in events] == [(write.action, 1, 1), (write.action, 2, 2)]
    assert first_broken_link(events) is None
    assert store.changes_since(0, EVERYTHING, 10)[0] == []  # nothing announced to devices


def test_a_refused_social_map_edit_writes_no_event(store):
    store.append_socialmap_edit({"id": "edit-1", "org_id": "x", "changes": {}}, 0, [event("socialmap_edit")])
    with pytest.raises(StaleSequence):
        store.append_socialmap_edit({"id": "edit-2", "org_id": "x", "changes": {}}, 0, [event("socialmap_edit")])
    assert len(store.audit_events()) == 1 and len(store.list_socialmap_edits()) == 1


# --- a failure between the write and its event ---------------------------------------------------------------

@contextmanager
def memory_full(store, where: str):
    """The in-memory store cannot fail to write; its audit events are made to fail (at their sealing)."""
    assert where == "audit"
    real = memory_module.chain

    def full(prev, event):
        raise StoreFull("no room for the audit event")

    memory_module.chain = full
    try:
        yield
    finally:
        memory_module.chain = real


FAIL = {"memory": (memory_full, ["audit"]), "tinydb": (tinydb_full, ["data", "audit"]),
        "postgresql": (postgresql_full, ["data", "audit"])}


@pytest.fixture(params=[pytest.param((name, where), id=f"{name}-{where}", marks=SERVER_MARKS.get(name, []))
                        for name, (_, wheres) in FAIL.items() for where in wheres])
def failing_store(request, tmp_path):
    name, where = request.param
    with STORE_FACTORIES[name](tmp_path) as opened:
        yield opened, FAIL[name][0], where


@pytest.mark.parametrize("name", WRITES)
def test_a_write_whose_data_or_event_cannot_be_written_leaves_both_or_neither(failing_store, name):
    """The data ("data") or the audit trail ("audit") cannot be written. The write is refused (StoreFull); once
    there is room, the next write settles what it left: either the change and its event are there, once, or
    neither is. A change whose data could not be written is not there."""
    store, full, where = failing_store
    write = WRITES[name]
    write.before(store)
    with full(store, where), pytest.raises(StoreFull):
        write.write(store, [event(write.action)])
    store.put_org(Organisation("org-next", "Next", "NL", "counselling"), [event("org_created", next=True)])
    events = events_of(store, write.action)
    assert len(events) == int(write.done(store))  # both or neither
    if where == "data":
        assert not write.done(store)
    assert store.audit_events()[-1].details == {"next": True}  # the next write's event is last
    assert first_broken_link(store.audit_events()) is None
    if not write.done(store):  # made again once there is room: done, with its one event
        write.write(store, [event(write.action)])
        assert write.done(store) and len(events_of(store, write.action)) == 1
