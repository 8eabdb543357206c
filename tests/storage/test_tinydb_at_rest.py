"""What the TinyDB store leaves on disk: no case text, a key kept elsewhere, loud failures on damage, and a
layout where writes and the change feed do not touch the whole store."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from app.domain.access import Scope
from app.domain.audit import AuditEvent, first_broken_link
from app.domain.model import Case, Organisation
from app.domain.revisions import RecordChange, decide
from app.storage.base import CorruptStore
from app.storage.crypto import DataCipher
from app.storage.tinydb_store import TinyDBStore, open_tinydb_store

ORG = "org-a"
EVERYTHING = Scope(org_ids=frozenset({ORG}))
MARKER = "Marker-Kwetsbaar-7f3a"


def open_store(root: Path) -> TinyDBStore:
    return open_tinydb_store(root / "store", root / "keys" / "data.key")


def change(record_id="rec-1", text="intake", base_rev=None, case_id="case-1") -> RecordChange:
    return RecordChange(id=record_id, case_id=case_id, form_id="overzicht-1", form_version=1, status="draft",
                        data={"occasion": text}, base_rev=base_rev, saved_by="user-1", saved_at="2024-05-01")


def store_files(root: Path) -> list[Path]:
    return [p for p in (root / "store").rglob("*") if p.is_file()]


def case_file(root: Path) -> Path:
    [path] = (root / "store" / "cases").glob("*.json")
    return path


def test_store_files_hold_no_case_text(tmp_path):
    store = open_store(tmp_path)
    store.create_case(Case("case-1", ORG, client_code=f"{MARKER}-code", country_of_origin="NG"))
    first = store.apply_record_change(change(text=f"{MARKER} first"), ORG, decide)
    head = store.apply_record_change(change(text=f"{MARKER} second", base_rev=first.rev), ORG, decide)
    store.apply_record_change(change(text=f"{MARKER} conflict", base_rev=first.rev), ORG, decide)
    assert store.get_record("rec-1").head.rev == head.rev
    assert MARKER in store.get_case("case-1").client_code

    files = store_files(tmp_path)
    assert len(files) >= 5
    for path in files:
        raw = path.read_bytes()
        assert MARKER.encode() not in raw, path
        assert MARKER.encode("utf-16-le") not in raw, path
    # nor the content hashes revision ids are made of, which would let a guess be confirmed
    assert first.rev.split("-")[1].encode() not in case_file(tmp_path).read_bytes()


def test_key_file_is_private_and_outside_the_store(tmp_path):
    open_store(tmp_path)
    key_file = tmp_path / "keys" / "data.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not key_file.resolve().is_relative_to((tmp_path / "store").resolve())
    with pytest.raises(ValueError, match="must not be inside the store directory"):
        open_tinydb_store(tmp_path / "other", tmp_path / "other" / "keys" / "data.key")
    assert not (tmp_path / "other").exists()


def test_store_files_are_readable_by_their_owner_only(tmp_path):
    store = open_store(tmp_path)
    store.create_case(Case("case-1", ORG, client_code="C-17", country_of_origin="NG"))
    store.apply_record_change(change(), ORG, decide)
    assert stat.S_IMODE((tmp_path / "store").stat().st_mode) == 0o700
    for path in store_files(tmp_path):
        if path.name != "write.lock":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_opening_with_another_key_is_refused(tmp_path):
    open_store(tmp_path).put_org(Organisation(ORG, "Alpha", "NL", "counselling"))
    with pytest.raises(CorruptStore, match="data key does not open the store"):
        TinyDBStore(tmp_path / "store", DataCipher(os.urandom(32)))


def test_data_survives_closing_and_reopening(tmp_path):
    store = open_store(tmp_path)
    store.put_org(Organisation(ORG, "Alpha", "NL", "counselling"))
    store.create_case(Case("case-1", ORG, client_code="C-17", country_of_origin="NG", created_at="2024-05-01"))
    first = store.apply_record_change(change(), ORG, decide)
    store.close()
    reopened = open_store(tmp_path)
    assert reopened.get_org(ORG).name == "Alpha"
    assert reopened.get_case("case-1").client_code == "C-17"
    assert reopened.get_record("rec-1") == first.state
    assert reopened.last_seq() == 2


def test_a_corrupt_file_fails_loudly_instead_of_reading_as_empty(tmp_path):
    store = open_store(tmp_path)
    store.put_org(Organisation(ORG, "Alpha", "NL", "counselling"))
    store.apply_record_change(change(), ORG, decide)
    path = case_file(tmp_path)
    path.write_bytes(path.read_bytes()[:40])  # a truncated file
    with pytest.raises(CorruptStore, match="not valid JSON"):
        store.get_record("rec-1")
    with pytest.raises(CorruptStore, match="not valid JSON"):
        store.apply_record_change(change(text="v2"), ORG, decide)
    (tmp_path / "store" / "orgs.json").write_text("[]")
    with pytest.raises(CorruptStore):
        store.list_orgs()


def test_a_store_without_its_marker_file_does_not_start_over(tmp_path):
    open_store(tmp_path).apply_record_change(change(), ORG, decide)
    (tmp_path / "store" / "store.json").unlink()
    with pytest.raises(CorruptStore, match="store.json is missing"):
        open_store(tmp_path)


def test_ciphertext_moved_to_another_record_is_refused(tmp_path):
    store = open_store(tmp_path)
    store.apply_record_change(change("rec-1", "for one client"), ORG, decide)
    store.apply_record_change(change("rec-2", "for another"), ORG, decide)
    path = case_file(tmp_path)
    tables = json.loads(path.read_text())
    tables["records"]["rec-2"]["sealed"] = tables["records"]["rec-1"]["sealed"]
    path.write_text(json.dumps(tables))
    assert store.get_record("rec-1").head.data == {"occasion": "for one client"}
    with pytest.raises(CorruptStore, match="record rec-2"):
        store.get_record("rec-2")


def test_record_writes_touch_one_case_file_and_small_index_files(tmp_path):
    store = open_store(tmp_path)
    for n in range(20):
        store.apply_record_change(change(f"rec-{n}", case_id=f"case-{n}"), ORG, decide)
    before = {p: p.stat().st_mtime_ns for p in store_files(tmp_path)}
    store.apply_record_change(change("rec-3", "edited", store.get_record("rec-3").head.rev, "case-3"), ORG, decide)
    rewritten = [p.relative_to(tmp_path / "store").parts[0] for p, mtime in before.items()
                 if p.stat().st_mtime_ns != mtime]
    assert sorted(rewritten) == ["cases", "changes"]


def test_change_feed_reads_no_chunk_before_the_cursor(tmp_path):
    store = open_store(tmp_path)
    for n in range(300):  # more than two chunks of 128
        store.create_case(Case(f"case-{n}", ORG, client_code="c", country_of_origin="NG"))
    first_chunk = tmp_path / "store" / "changes" / "0000000000.json"
    first_chunk.write_text("damaged")  # reading it now would fail
    changes, cursor = store.changes_since(295, EVERYTHING, 100)
    assert [c.entity_id for c in changes] == [f"case-{n}" for n in range(295, 300)] and cursor == 300
    with pytest.raises(CorruptStore):
        store.changes_since(0, EVERYTHING, 100)


def test_an_audit_event_changed_on_disk_breaks_the_chain(tmp_path):
    store = open_store(tmp_path)
    for action in ("login", "read_case", "export_pdf"):
        store.append_audit(AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="user-1", org_id=ORG,
                                      action=action, case_id="case-1"))
    assert first_broken_link(store.audit_events()) is None
    [chunk] = (tmp_path / "store" / "audit").glob("*.json")
    tables = json.loads(chunk.read_text())
    tables["entries"]["2"]["action"] = "login"  # hide that the case was read
    chunk.write_text(json.dumps(tables))
    assert first_broken_link(store.audit_events()) == 2
