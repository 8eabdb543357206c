"""Coordinators' edits: recorded with who/when/old/new, applied over the shipped data, never lost."""
from __future__ import annotations

import copy
import uuid

import pytest

from app.domain.errors import Conflict, Invalid, NotFound
from socialmap.edits import (Edit, MemoryEditLog, StaleEditLog, added_id, apply_edits, changes_since, history,
                             parse_edit, record_edit)
from socialmap.search import SocialMap, load_organisations

CARITAS_BG = "b14-bg-caritas-bulgarije"
AT = "2025-03-01T10:00:00Z"


@pytest.fixture(scope="module")
def shipped() -> list[dict]:
    return load_organisations()


@pytest.fixture
def log() -> MemoryEditLog:
    return MemoryEditLog()


def change(shipped, org_id: str, by: str = "coordinator-1", **new) -> Edit:
    current = next(o for o in shipped if o["id"] == org_id)
    return Edit(id=str(uuid.uuid4()), org_id=org_id, kind="change", by=by, at=AT,
                changes={name: {"old": current[name], "new": value} for name, value in new.items()})


def test_a_change_is_kept_with_who_when_old_and_new_and_shows_in_the_map(shipped, log):
    edit = record_edit(log, shipped, change(shipped, CARITAS_BG, services=["shelter", "legal_help"]))
    assert edit.seq == 1
    assert edit.changes["services"]["old"][0] == "customs_police_immigration_help"
    assert edit.changes["services"]["new"] == ["shelter", "legal_help"]
    assert (edit.by, edit.at) == ("coordinator-1", AT)
    effective = apply_edits(shipped, log.list_socialmap_edits())
    assert effective.find(CARITAS_BG)["services"] == ["shelter", "legal_help"]
    social_map = SocialMap(effective.organisations)
    assert CARITAS_BG not in [o["id"] for o in social_map.search(service="medical_help", country="BG")]
    assert history(log.list_socialmap_edits(), CARITAS_BG) == [edit]
    assert next(o for o in shipped if o["id"] == CARITAS_BG)["services"][0] == "customs_police_immigration_help"


def test_a_change_based_on_stale_values_is_refused_with_the_current_values(shipped, log):
    first = change(shipped, CARITAS_BG, name="Caritas Bulgaria")
    second = change(shipped, CARITAS_BG, by="coordinator-2", name="Caritas Sofia")  # saw the old name too
    record_edit(log, shipped, first)
    with pytest.raises(Conflict) as raised:
        record_edit(log, shipped, second)
    assert raised.value.details["current"] == {"name": "Caritas Bulgaria"}
    assert len(log.list_socialmap_edits()) == 1


def test_resending_an_edit_records_it_once(shipped, log):
    edit = change(shipped, CARITAS_BG, other_services="Hulp bij terugkeer")
    assert record_edit(log, shipped, edit) == record_edit(log, shipped, edit)
    assert len(log.list_socialmap_edits()) == 1
    other = Edit(**{**edit.to_dict(), "changes": {"other_services": {"old": None, "new": "iets anders"}}})
    with pytest.raises(Conflict):
        record_edit(log, shipped, other)


def test_an_edit_that_would_make_the_entry_invalid_is_refused(shipped, log):
    with pytest.raises(Invalid) as raised:
        record_edit(log, shipped, change(shipped, CARITAS_BG, services=["food"]))
    assert raised.value.errors[0]["path"].startswith("/services")
    with pytest.raises(Invalid) as raised:
        record_edit(log, shipped, change(shipped, CARITAS_BG, country="XQ"))
    assert raised.value.errors[0]["path"] == "/country"
    with pytest.raises(Invalid):
        record_edit(log, shipped, change(shipped, CARITAS_BG, source_lines=[1, 2]))  # not editable
    with pytest.raises(NotFound):
        record_edit(log, shipped, Edit(id=str(uuid.uuid4()), org_id="b14-xx-nobody", kind="change", by="c", at=AT,
                                       changes={"name": {"old": "a", "new": "b"}}))
    with pytest.raises(Invalid):
        record_edit(log, shipped, change(shipped, CARITAS_BG))  # changes nothing
    assert log.list_socialmap_edits() == []


def test_adding_an_organisation(shipped, log):
    edit_id = str(uuid.uuid4())
    added = record_edit(log, shipped, Edit(
        id=edit_id, org_id="", kind="add", by="coordinator-1", at=AT,
        changes={"name": {"old": None, "new": "Nieuwe Opvang Sofia"}, "country": {"old": None, "new": "BG"},
                 "services": {"old": None, "new": ["shelter"]}}))
    assert added.org_id == added_id(edit_id) == f"added-{edit_id}"
    social_map = SocialMap(apply_edits(shipped, log.list_socialmap_edits()).organisations)
    found = social_map.search(country="BG", service="shelter", q="nieuwe opvang")
    assert [o["id"] for o in found] == [added.org_id]
    assert found[0]["appendix"] == "added" and found[0]["source_lines"] == []
    with pytest.raises(Invalid):  # an entry needs a name
        record_edit(log, shipped, Edit(id=str(uuid.uuid4()), org_id="", kind="add", by="c", at=AT,
                                       changes={"country": {"old": None, "new": "BG"}}))


def test_retiring_and_restoring_need_a_reason(shipped, log):
    retire = Edit(id=str(uuid.uuid4()), org_id=CARITAS_BG, kind="retire", changes={}, by="c", at=AT,
                  reason="Bestaat niet meer (gebeld 2025-02)")
    record_edit(log, shipped, retire)
    effective = apply_edits(shipped, log.list_socialmap_edits())
    assert CARITAS_BG not in [o["id"] for o in effective.organisations]
    assert [o["id"] for o in effective.retired] == [CARITAS_BG]
    with pytest.raises(Conflict):
        record_edit(log, shipped, Edit(**{**retire.to_dict(), "id": str(uuid.uuid4())}))
    with pytest.raises(Invalid):
        record_edit(log, shipped, Edit(id=str(uuid.uuid4()), org_id=CARITAS_BG, kind="restore", changes={},
                                       by="c", at=AT, reason=" "))
    record_edit(log, shipped, Edit(id=str(uuid.uuid4()), org_id=CARITAS_BG, kind="restore", changes={}, by="c",
                                   at=AT, reason="Toch nog actief"))
    assert CARITAS_BG in [o["id"] for o in apply_edits(shipped, log.list_socialmap_edits()).organisations]


def test_a_new_data_file_never_overwrites_edits(shipped, log):
    record_edit(log, shipped, change(shipped, CARITAS_BG, name="Caritas Bulgaria"))
    reimported = copy.deepcopy(shipped)
    next(o for o in reimported if o["id"] == CARITAS_BG)["name"] = "Caritas Bulgarije (2014)"
    effective = apply_edits(reimported, log.list_socialmap_edits())
    assert effective.find(CARITAS_BG)["name"] == "Caritas Bulgaria"
    # An organisation the new file no longer has: its edits are kept and reported, not dropped.
    without = [o for o in reimported if o["id"] != CARITAS_BG]
    effective = apply_edits(without, log.list_socialmap_edits())
    assert effective.find(CARITAS_BG) is None
    assert [e.org_id for e in effective.orphans] == [CARITAS_BG]


def test_sync_sends_the_current_state_of_what_changed_since_the_cursor(shipped, log):
    record_edit(log, shipped, change(shipped, CARITAS_BG, name="Caritas Bulgaria"))
    payoke = "b14-be-payoke"
    record_edit(log, shipped, Edit(id=str(uuid.uuid4()), org_id=payoke, kind="retire", changes={}, by="c",
                                   at=AT, reason="Gesloten"))
    everything = changes_since(shipped, log, 0)
    assert [o["id"] for o in everything["organisations"]] == [CARITAS_BG]
    assert everything["retired"] == [payoke] and everything["cursor"] == 2
    assert changes_since(shipped, log, 1) == {"organisations": [], "retired": [payoke], "cursor": 2}
    assert changes_since(shipped, log, 2) == {"organisations": [], "retired": [], "cursor": 2}


class RacingLog(MemoryEditLog):
    """A log where another coordinator's edit lands between our check and our append, once."""

    def __init__(self, rival: Edit):
        super().__init__()
        self.rival = rival

    def append_socialmap_edit(self, edit: Edit, expected_last_seq: int) -> Edit:
        if self.rival is not None:
            rival, self.rival = self.rival, None
            super().append_socialmap_edit(rival, expected_last_seq)
        return super().append_socialmap_edit(edit, expected_last_seq)


def test_an_edit_racing_another_is_checked_again(shipped):
    log = RacingLog(change(shipped, CARITAS_BG, by="rival", name="Caritas Bulgaria"))
    stored = record_edit(log, shipped, change(shipped, CARITAS_BG, other_services="Hulp bij terugkeer"))
    assert stored.seq == 2  # retried after the rival's edit; different field, so both are kept
    log = RacingLog(change(shipped, CARITAS_BG, by="rival", name="Caritas Bulgaria"))
    with pytest.raises(Conflict):  # same field: refused on the re-check, never silently overwritten
        record_edit(log, shipped, change(shipped, CARITAS_BG, name="Caritas Sofia"))
    assert [e.by for e in log.list_socialmap_edits()] == ["rival"]


def test_memory_log_refuses_an_append_on_a_stale_sequence(shipped):
    log = MemoryEditLog()
    log.append_socialmap_edit(change(shipped, CARITAS_BG, name="A"), 0)
    with pytest.raises(StaleEditLog):
        log.append_socialmap_edit(change(shipped, CARITAS_BG, name="B"), 0)


def test_parse_edit_names_each_bad_field():
    with pytest.raises(Invalid) as raised:
        parse_edit({"id": "not-a-uuid", "org_id": CARITAS_BG, "kind": "change", "changes": {}}, "c", AT)
    assert raised.value.errors == [{"path": "/id", "message": "Expected a UUID"}]
    with pytest.raises(Invalid) as raised:
        parse_edit({"id": 5, "kind": "change", "changes": [], "extra": 1}, "c", AT)
    assert {e["path"] for e in raised.value.errors} == {"/id", "/org_id", "/changes", "/extra"}
    with pytest.raises(Invalid):
        parse_edit(["not", "an", "object"], "c", AT)
    edit_id = str(uuid.uuid4())
    edit = parse_edit({"id": edit_id.upper(), "kind": "add", "changes": {"name": {"old": None, "new": "X"}}},
                      "coordinator-1", AT)
    assert (edit.id, edit.kind, edit.by, edit.at) == (edit_id, "add", "coordinator-1", AT)
