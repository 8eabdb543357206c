"""What the PostgreSQL store leaves in the database: no case text and no revision hashes in readable form, and
a refusal to start on a database it cannot read correctly."""
from __future__ import annotations

import os
import threading
import time

import psycopg
import pytest
from psycopg import sql

from app.domain.model import Case
from app.domain.revisions import RecordChange, decide
from app.storage.base import CorruptStore
from app.storage.crypto import DataCipher
from app.storage.factory import open_store
from app.storage.postgresql_store import PostgreSQLStore
from tests.postgres import temporary_schema

pytestmark = pytest.mark.postgres

ORG = "org-a"
MARKER = "Marker-Kwetsbaar-7f3a"


def change(text: str, base_rev: str | None = None) -> RecordChange:
    return RecordChange(id="rec-1", case_id="case-1", form_id="overzicht-1", form_version=1, status="draft",
                        data={"occasion": text}, base_rev=base_rev, saved_by="user-1", saved_at="2024-05-01")


def database_text(url: str) -> str:
    """Every row of every table of the store, as PostgreSQL prints it."""
    with psycopg.connect(url) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")]
        return "\n".join(str(row) for table in tables
                         for row in conn.execute(sql.SQL("SELECT t::text FROM {} t").format(sql.Identifier(table))))


def test_the_database_holds_no_case_text_and_no_revision_hashes():
    with temporary_schema() as url:
        store = PostgreSQLStore(url, DataCipher(os.urandom(32)))
        store.create_case(Case("case-1", ORG, client_code=f"{MARKER}-code", country_of_origin="NG"))
        first = store.apply_record_change(change(f"{MARKER} first"), ORG, decide)
        head = store.apply_record_change(change(f"{MARKER} second", first.rev), ORG, decide)
        conflict = store.apply_record_change(change(f"{MARKER} conflict", first.rev), ORG, decide)
        assert conflict.status == "conflict" and store.get_record("rec-1").head.rev == head.rev
        assert MARKER in store.get_case("case-1").client_code
        store.close()

        text = database_text(url)
        assert "case-1" in text and "rec-1" in text  # the ids are readable: they are what is indexed
        assert MARKER not in text
        for outcome in (first, head, conflict):
            assert outcome.rev.split("-")[1] not in text
            assert outcome.state.head.change_hash not in text
        with psycopg.connect(url) as conn:
            (body,) = conn.execute("SELECT body FROM records WHERE id = 'rec-1'").fetchone()
        assert set(body) == {"id", "case_id", "org_id", "sealed"}  # a JSONB document around one ciphertext


def test_another_key_or_a_newer_layout_is_refused():
    with temporary_schema() as url:
        PostgreSQLStore(url, DataCipher(os.urandom(32))).close()
        with pytest.raises(CorruptStore, match="data key does not open"):
            PostgreSQLStore(url, DataCipher(os.urandom(32)))
        with psycopg.connect(url) as conn:
            conn.execute("UPDATE schema_version SET version = 99")
        with pytest.raises(CorruptStore, match="layout 99"):
            PostgreSQLStore(url, DataCipher(os.urandom(32)))


def test_servers_starting_together_create_the_tables_once():
    with temporary_schema() as url:
        cipher = DataCipher(os.urandom(32))
        start, opened, failed = threading.Barrier(4), [], []

        def open_one():
            start.wait()
            try:
                opened.append(PostgreSQLStore(url, cipher))
            except Exception as exc:  # noqa: BLE001 - the assertion below shows it
                failed.append(exc)

        threads = [threading.Thread(target=open_one) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert failed == [] and len(opened) == 4
        opened[0].create_case(Case("case-1", ORG, client_code="C-1", country_of_origin="NG"))
        assert [s.last_seq() for s in opened] == [1, 1, 1, 1]
        for s in opened:
            s.close()


def test_a_postgresql_url_in_the_configuration_opens_this_store(tmp_path):
    with temporary_schema() as url:
        store = open_store({"STORE": url, "KEY_FILE": tmp_path / "keys" / "data.key", "DATA_DIR": tmp_path})
        try:
            assert isinstance(store, PostgreSQLStore)
            assert (tmp_path / "keys" / "data.key").exists()
        finally:
            store.close()


@pytest.mark.parametrize("idle_before_check, survives", [(0.2, True), (3600, False)])
def test_a_connection_the_server_dropped_is_replaced_when_it_was_idle(idle_before_check, survives):
    """A pooled connection idle for longer than idle_before_check is checked before use, so a database restart
    while the app is quiet costs a reconnect, not an error; one used moments ago is not pinged (the second
    case shows that the check is what saves the first)."""
    with temporary_schema() as url:
        store = PostgreSQLStore(url, DataCipher(os.urandom(32)), pool_size=1, idle_before_check=idle_before_check)
        try:
            store.create_case(Case("case-1", ORG, client_code="C-1", country_of_origin="NG"))
            [(pid,)] = store._rows("SELECT pg_backend_pid()")
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            time.sleep(0.5)
            if survives:
                assert store.get_case("case-1").client_code == "C-1"
            else:
                with pytest.raises(psycopg.OperationalError):
                    store.get_case("case-1")
        finally:
            store.close()
