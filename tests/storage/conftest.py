"""The `store` fixture: every Store implementation, so the contract suite runs against each of them.

To add an implementation, add one entry to STORE_FACTORIES (a function from a fresh temporary directory to an
open store).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from app.storage.base import Store
from app.storage.memory import MemoryStore
from app.storage.tinydb_store import open_tinydb_store

STORE_FACTORIES: dict[str, Callable[[Path], Store]] = {
    "memory": lambda tmp_path: MemoryStore(),
    "tinydb": lambda tmp_path: open_tinydb_store(tmp_path / "store", tmp_path / "keys" / "data.key"),
}


@pytest.fixture(params=list(STORE_FACTORIES))
def store(request, tmp_path) -> Store:
    opened = STORE_FACTORIES[request.param](tmp_path)
    yield opened
    opened.close()
