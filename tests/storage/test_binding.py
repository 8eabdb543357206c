"""Every stored ciphertext of a case or record is bound to its organisation and case as well as its id: someone who
can write the store's files or tables cannot re-label another organisation's case as their own. Stores written
before that binding are sealed again once, when they open, and after that the old binding no longer opens."""
from __future__ import annotations

import os
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from app.domain.jsontext import compact
from app.domain.model import Case
from app.domain.revisions import RecordChange, decide
from app.storage.base import CorruptStore
from app.storage.crypto import DataCipher
from app.storage.postgresql_store import PostgreSQLStore
from app.storage.tinydb_files import open_db
from app.storage.tinydb_store import TinyDBStore
from tests.postgres import temporary_schema

KEY = os.urandom(32)


def change(record_id="rec-1", text="intake", case_id="case-1") -> RecordChange:
    return RecordChange(id=record_id, case_id=case_id, form_id="overzicht-1", form_version=1, status="draft",
                        data={"occasion": text}, base_rev=None, saved_by="user-1", saved_at="2024-05-01")


def fill(store) -> None:
    store.create_case(Case("case-1", "org-a", client_code="A-1", country_of_origin="NG"))
    store.apply_record_change(change(), "org-a", decide)


def legacy(doc: dict, cipher: DataCipher) -> dict:
    """A case or record document sealed as stores sealed it before the binding: to the id alone."""
    kind = "record" if "case_id" in doc else "case"
    now = compact([kind, doc["org_id"], *([doc["case_id"]] if kind == "record" else []), doc["id"]])
    return {**doc, "sealed": cipher.encrypt(cipher.decrypt(doc["sealed"], now), f"{kind}/{doc['id']}")}


# --- TinyDB ---------------------------------------------------------------------------------------------------

def case_file(root: Path) -> Path:
    [path] = (root / "cases").glob("*.json")
    return path


def test_tinydb_a_case_relabelled_to_another_organisation_does_not_open(tmp_path):
    store = TinyDBStore(tmp_path, DataCipher(KEY))
    fill(store)
    with open_db(case_file(tmp_path)) as db:
        db.table("case").put("case-1", {**db.table("case").get(doc_id="case-1"), "org_id": "org-b"})
        db.table("records").put("rec-1", {**db.table("records").get(doc_id="rec-1"), "org_id": "org-b"})
    with pytest.raises(CorruptStore):
        store.get_case("case-1")
    with pytest.raises(CorruptStore):
        store.get_record("rec-1")


def test_tinydb_a_store_sealed_before_the_binding_is_sealed_again_when_it_opens(tmp_path):
    cipher = DataCipher(KEY)
    fill(TinyDBStore(tmp_path, cipher))
    with open_db(case_file(tmp_path)) as db:  # turn it into a store as the previous version wrote it
        db.table("case").put("case-1", legacy(dict(db.table("case").get(doc_id="case-1")), cipher))
        db.table("records").put("rec-1", legacy(dict(db.table("records").get(doc_id="rec-1")), cipher))
    with open_db(tmp_path / "store.json") as db:
        meta = dict(db.table("meta").get(doc_id="store"))
        del meta["binding"]
        db.table("meta").put("store", meta)
    old_case_bytes = case_file(tmp_path).read_bytes()

    store = TinyDBStore(tmp_path, cipher)
    assert store.get_case("case-1").client_code == "A-1"
    assert store.get_record("rec-1").head.data == {"occasion": "intake"}
    assert case_file(tmp_path).read_bytes() != old_case_bytes

    # Once sealed again, a value with the old binding is refused: it could have been re-labelled.
    case_file(tmp_path).write_bytes(old_case_bytes)
    with pytest.raises(CorruptStore):
        TinyDBStore(tmp_path, cipher).get_case("case-1")


# --- PostgreSQL -----------------------------------------------------------------------------------------------

@pytest.mark.postgres
def test_postgresql_a_case_relabelled_to_another_organisation_does_not_open():
    with temporary_schema() as url:
        store = PostgreSQLStore(url, DataCipher(KEY))
        try:
            fill(store)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("UPDATE cases SET org_id = 'org-b', body = jsonb_set(body, '{org_id}', '\"org-b\"')")
                conn.execute("UPDATE records SET org_id = 'org-b', body = jsonb_set(body, '{org_id}', '\"org-b\"')")
            with pytest.raises(CorruptStore):
                store.get_case("case-1")
            with pytest.raises(CorruptStore):
                store.get_record("rec-1")
        finally:
            store.close()


@pytest.mark.postgres
def test_postgresql_a_database_sealed_before_the_binding_is_sealed_again_when_it_opens():
    cipher = DataCipher(KEY)
    with temporary_schema() as url:
        first = PostgreSQLStore(url, cipher)
        fill(first)
        first.close()
        with psycopg.connect(url, autocommit=True) as conn:
            (case,) = conn.execute("SELECT body FROM cases").fetchone()
            (record,) = conn.execute("SELECT body FROM records").fetchone()
            old_case = legacy(case, cipher)
            conn.execute("UPDATE cases SET body = %s", (Jsonb(old_case),))
            conn.execute("UPDATE records SET body = %s", (Jsonb(legacy(record, cipher)),))
            conn.execute("DELETE FROM meta WHERE name = 'binding'")
        store = PostgreSQLStore(url, cipher)
        try:
            assert store.get_case("case-1").client_code == "A-1"
            assert store.get_record("rec-1").head.data == {"occasion": "intake"}
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("UPDATE cases SET body = %s", (Jsonb(old_case),))
            with pytest.raises(CorruptStore):
                store.get_case("case-1")
        finally:
            store.close()
