"""The `store` fixture: every Store implementation, so the contract suite runs against each of them.

To add an implementation, add one entry to STORE_FACTORIES: a function from a fresh temporary directory to a
context manager that yields an open store and cleans up after it.
"""
from __future__ import annotations

import os
from contextlib import AbstractContextManager, closing, contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest

from app.storage.base import Store
from app.storage.crypto import DataCipher
from app.storage.memory import MemoryStore
from app.storage.postgresql_store import PostgreSQLStore
from app.storage.tinydb_store import open_tinydb_store
from tests.postgres import temporary_schema


@contextmanager
def postgresql_store(tmp_path: Path) -> Iterator[PostgreSQLStore]:
    with temporary_schema() as url:
        store = PostgreSQLStore(url, DataCipher(os.urandom(32)))
        with closing(store):
            yield store


STORE_FACTORIES: dict[str, Callable[[Path], AbstractContextManager[Store]]] = {
    "memory": lambda tmp_path: closing(MemoryStore()),
    "tinydb": lambda tmp_path: closing(open_tinydb_store(tmp_path / "store", tmp_path / "keys" / "data.key")),
    "postgresql": postgresql_store,
}
# Stores that need a server get its marker, so `-m "not postgres"` can leave them out on purpose.
SERVER_MARKS = {"postgresql": [pytest.mark.postgres]}


@pytest.fixture(params=[pytest.param(name, marks=SERVER_MARKS.get(name, [])) for name in STORE_FACTORIES])
def store(request, tmp_path) -> Store:
    with STORE_FACTORIES[request.param](tmp_path) as opened:
        yield opened
