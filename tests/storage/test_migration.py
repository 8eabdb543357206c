"""`flask --app app migrate-to-postgresql URL`: a TinyDB data directory copied into PostgreSQL, verified by
counts and checksums, refusing a target that already holds data."""
from __future__ import annotations

import psycopg
import pytest

from app import create_app
from app.domain.access import Scope
from app.domain.audit import AuditEvent, first_broken_link
from app.domain.model import Case, Organisation, Session, User
from app.domain.revisions import RecordChange, decide
from app.storage.crypto import DataCipher, load_or_create_key
from app.storage.migration import verify
from app.storage.postgresql_store import PostgreSQLStore
from tests.postgres import temporary_schema

pytestmark = pytest.mark.postgres

ORGS = ("org-a", "org-b")
EVERYTHING = Scope(org_ids=frozenset(ORGS))


def change(record_id, case_id, text, base_rev=None, resolves=()) -> RecordChange:
    return RecordChange(id=record_id, case_id=case_id, form_id="overzicht-1", form_version=1, status="draft",
                        data={"occasion": text}, base_rev=base_rev, saved_by="user-1", saved_at="2024-05-01",
                        resolves=list(resolves))


def fill(store) -> None:
    """Some of everything: history, an open and a resolved conflict, a moved case, audit, social-map edits."""
    for org in ORGS:
        store.put_org(Organisation(org, org.title(), "NL", "counselling"))
        store.put_user(User(f"user-{org}", f"anna@{org}.nl", org, "counsellor", "$argon2id$hash"))
    store.put_session(Session("sess-1", "user-org-a", "2024-05-01T10:00:00Z", "2024-05-01T10:00:00Z"))
    for n in range(3):
        store.create_case(Case(f"case-{n}", ORGS[n % 2], client_code=f"C-{n}", country_of_origin="BG"))
        first = store.apply_record_change(change(f"rec-{n}", f"case-{n}", "v1"), ORGS[n % 2], decide)
        head = store.apply_record_change(change(f"rec-{n}", f"case-{n}", "v2", first.rev), ORGS[n % 2], decide)
        conflict = store.apply_record_change(change(f"rec-{n}", f"case-{n}", "other", first.rev), ORGS[n % 2],
                                             decide)
        if n == 0:
            store.apply_record_change(change("rec-0", "case-0", "merged", head.rev, [conflict.rev]), ORGS[0], decide)
    store.update_case(Case("case-2", "org-b", client_code="C-2", country_of_origin="BG", step="NL-3"))
    for n in range(5):
        store.append_audit(AuditEvent(seq=0, at="2024-05-01T10:00:00Z", actor_id="user-org-a", org_id="org-a",
                                      action="read_case", case_id=f"case-{n % 3}"))
    store.put_doc("handovers", {"id": "h1", "case_id": "case-0", "to_org": "cosudow", "purpose": "return"},
                  feed=("case-0", "org-a"))
    store.put_doc("subscriptions", {"id": "s1", "endpoint": "https://push.example/1"})
    store.append_socialmap_edit({"id": "e1", "org_id": "cosudow", "changes": {"name": "Cosudow"}}, 0)
    store.append_socialmap_edit({"id": "e2", "org_id": "animus", "changes": {}}, 1)


@pytest.fixture
def tinydb_app(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": tmp_path / "instance", "STORE": "tinydb"})
    fill(app.extensions["safefuture"].store)
    return app


def test_migration_copies_everything_and_verifies_it(tinydb_app):
    source = tinydb_app.extensions["safefuture"].store
    with temporary_schema() as url:
        result = tinydb_app.test_cli_runner().invoke(args=["migrate-to-postgresql", url])
        assert result.exit_code == 0, result.output
        assert "Copied and verified" in result.output
        assert "| records | 3 | 3 |" in result.output and "| changes | 15 | 15 |" in result.output
        target = PostgreSQLStore(url, DataCipher(load_or_create_key(tinydb_app.config["KEY_FILE"])))
        try:
            assert all(check.matches for check in verify(source, target))
            assert target.list_orgs() == source.list_orgs()
            assert target.find_user_by_email("anna@org-b.nl") == source.find_user_by_email("anna@org-b.nl")
            assert target.list_cases(EVERYTHING) == source.list_cases(EVERYTHING)
            for n in range(3):
                assert target.get_record(f"rec-{n}") == source.get_record(f"rec-{n}")
            assert target.get_record("rec-0").conflicts[0].resolved_by == target.get_record("rec-0").head.rev
            assert target.changes_since(0, EVERYTHING, 100) == source.changes_since(0, EVERYTHING, 100)
            assert target.audit_events() == source.audit_events()
            assert target.list_socialmap_edits() == source.list_socialmap_edits()
            assert target.get_doc("handovers", "h1") == source.get_doc("handovers", "h1")
            assert target.list_docs("subscriptions") == source.list_docs("subscriptions")
            assert target.get_session("sess-1") is None  # sessions stay behind: users log in again

            # The numbering goes on where TinyDB stopped, and the audit chain stays one chain.
            last = source.last_seq()
            assert target.last_seq() == last
            target.create_case(Case("case-new", "org-a", client_code="C-9", country_of_origin="NG"))
            assert target.changes_since(last, EVERYTHING, 10)[0][0].seq == last + 1
            target.append_audit(AuditEvent(seq=0, at="2024-06-01T10:00:00Z", actor_id="user-org-a",
                                           org_id="org-a", action="login"))
            assert [e.seq for e in target.audit_events()] == list(range(1, 7))
            assert first_broken_link(target.audit_events()) is None
            assert target.append_socialmap_edit({"id": "e3", "org_id": "x", "changes": {}}, 2)["seq"] == 3
        finally:
            target.close()


def test_migration_refuses_a_database_that_holds_data_and_changes_nothing(tinydb_app):
    with temporary_schema() as url:
        store = PostgreSQLStore(url, DataCipher(load_or_create_key(tinydb_app.config["KEY_FILE"])))
        store.put_org(Organisation("org-x", "Already here", "NL", "counselling"))
        result = tinydb_app.test_cli_runner().invoke(args=["migrate-to-postgresql", url])
        assert result.exit_code == 2
        assert "already holds data (orgs: 1 rows)" in result.output
        assert [o.id for o in store.list_orgs()] == ["org-x"] and store.last_seq() == 0
        store.close()


def test_verification_finds_a_copy_that_differs(tinydb_app):
    source = tinydb_app.extensions["safefuture"].store
    with temporary_schema() as url:
        assert tinydb_app.test_cli_runner().invoke(args=["migrate-to-postgresql", url]).exit_code == 0
        with psycopg.connect(url) as conn:
            conn.execute("DELETE FROM records WHERE id = 'rec-1'")
            conn.execute("UPDATE changes SET org_id = 'org-b' WHERE seq = 2")
        target = PostgreSQLStore(url, DataCipher(load_or_create_key(tinydb_app.config["KEY_FILE"])))
        try:
            differing = {c.table: (c.source_rows, c.target_rows) for c in verify(source, target) if not c.matches}
        finally:
            target.close()
        assert differing == {"records": (3, 2), "changes": (15, 15)}


def test_migration_needs_a_tinydb_store_configured(tmp_path):
    app = create_app({"TESTING": True, "DATA_DIR": tmp_path / "instance", "STORE": "memory"})
    result = app.test_cli_runner().invoke(args=["migrate-to-postgresql", "postgresql://127.0.0.1:1/none"])
    assert result.exit_code == 2 and "not TinyDB" in result.output
