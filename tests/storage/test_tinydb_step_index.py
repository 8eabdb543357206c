"""The TinyDB store's index of step events (app/storage/step_index.py): built from the audit trail, it follows what
another process appends, and a trail replaced under it (a restore) is read again, so a case view never shows
steps the trail does not hold."""
from __future__ import annotations

import shutil
from pathlib import Path

from app.domain.access import Scope
from app.domain.audit import AuditEvent
from app.domain.model import Case
from app.storage.tinydb_store import TinyDBStore, open_tinydb_store

ORG = "org-a"
SEES = Scope(org_ids=frozenset({ORG}))


def open_store(root: Path) -> TinyDBStore:
    return open_tinydb_store(root / "store", root / "keys" / "data.key")


def step(case_id: str, step_id: str, at: str, action: str = "update_case") -> AuditEvent:
    return AuditEvent(seq=0, at=at, actor_id="user-1", org_id=ORG, action=action, case_id=case_id,
                      details={"step": step_id})


def new_case(store: TinyDBStore, case_id: str) -> None:
    store.create_case(Case(id=case_id, org_id=ORG, client_code="C-1", country_of_origin="NG", step="NL-1",
                           counsellor_id="user-1", created_at="2024-05-01T10:00:00Z",
                           updated_at="2024-05-01T10:00:00Z"))


def test_steps_another_process_appends_are_seen(tmp_path):
    server, other = open_store(tmp_path), open_store(tmp_path)  # two store objects: as the server and a CLI
    new_case(server, "case-1")
    server.append_audit(step("case-1", "NL-1", "2024-05-01T10:00:00Z", action="create_case"))
    assert server.case_steps(SEES) == {"case-1": [("2024-05-01T10:00:00Z", "NL-1")]}
    # past a chunk's end too (the trail's chunk files hold 128 entries)
    other.append_audit_many([AuditEvent(seq=0, at="2024-05-02T10:00:00Z", actor_id="user-1", org_id=ORG,
                                        action="read_case", case_id="case-1") for _ in range(200)])
    other.append_audit(step("case-1", "NL-2", "2024-06-01T10:00:00Z"))
    assert server.case_steps(SEES) == {"case-1": [("2024-05-01T10:00:00Z", "NL-1"), ("2024-06-01T10:00:00Z", "NL-2")]}


def test_a_trail_replaced_under_the_index_is_read_again(tmp_path):
    new_case(open_store(tmp_path / "backup"), "case-1")
    backup = open_store(tmp_path / "backup")
    backup.append_audit(step("case-1", "NL-1", "2024-05-01T10:00:00Z", action="create_case"))
    backup.append_audit(step("case-1", "NL-5", "2024-05-09T10:00:00Z"))

    live = open_store(tmp_path / "live")
    new_case(live, "case-1")
    live.append_audit(step("case-1", "NL-1", "2024-05-01T10:00:00Z", action="create_case"))
    live.append_audit(step("case-1", "NL-2", "2024-06-01T10:00:00Z"))
    assert live.case_steps(SEES)["case-1"][-1] == ("2024-06-01T10:00:00Z", "NL-2")
    # the trail is put back to another one of the same length: same positions, other events
    shutil.rmtree(tmp_path / "live" / "store" / "audit")
    shutil.copytree(tmp_path / "backup" / "store" / "audit", tmp_path / "live" / "store" / "audit")
    assert live.case_steps(SEES) == {"case-1": [("2024-05-01T10:00:00Z", "NL-1"), ("2024-05-09T10:00:00Z", "NL-5")]}
