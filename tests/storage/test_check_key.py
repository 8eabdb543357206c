"""Store.check_key, what GET /healthz asks: quiet while the store is reachable and the key opens it, an error
when the store's key check is gone or was sealed with another key."""
from __future__ import annotations

import os
import shutil

import psycopg
import pytest

from app.storage.base import CorruptStore
from app.storage.crypto import DataCipher
from app.storage.tinydb_store import open_tinydb_store
from tests.postgres import temporary_schema


def test_an_open_store_passes_the_key_check(store):
    store.check_key()
    store.check_key()  # and again: it reads, it changes nothing


def test_tinydb_key_check_fails_when_the_store_directory_is_gone_or_holds_another_key(tmp_path):
    store = open_tinydb_store(tmp_path / "store", tmp_path / "keys" / "data.key")
    other = open_tinydb_store(tmp_path / "other", tmp_path / "keys" / "other.key")
    store.check_key()
    shutil.copy(tmp_path / "other" / "store.json", tmp_path / "store" / "store.json")
    with pytest.raises(CorruptStore, match="data key does not open the store"):
        store.check_key()
    shutil.rmtree(tmp_path / "store")
    with pytest.raises(CorruptStore, match="missing"):
        store.check_key()
    other.close()
    store.close()


@pytest.mark.postgres
def test_postgresql_key_check_fails_when_the_key_check_was_sealed_with_another_key():
    from app.storage.postgresql_store import PostgreSQLStore

    with temporary_schema() as url:
        store = PostgreSQLStore(url, DataCipher(os.urandom(32)))
        try:
            store.check_key()
            foreign = DataCipher(os.urandom(32)).encrypt("safefuture store key check", "store/key-check")
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("UPDATE meta SET value = %s WHERE name = 'key_check'", (foreign,))
            with pytest.raises(CorruptStore, match="data key does not open the store"):
                store.check_key()
        finally:
            store.close()
