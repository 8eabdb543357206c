"""Choose the Store from SAFEFUTURE_STORE: `tinydb` (default), `memory` (tests), or a postgresql:// URL."""
from __future__ import annotations

from .memory import MemoryStore


def open_store(config):
    kind = config["STORE"]
    if kind == "memory":
        return MemoryStore()
    if kind == "tinydb":
        from .tinydb_store import open_tinydb_store

        return open_tinydb_store(config["DATA_DIR"] / "store", config["KEY_FILE"])
    if kind.startswith(("postgresql://", "postgres://")):
        from .crypto import DataCipher, load_or_create_key
        from .postgresql_store import PostgreSQLStore

        store = "the PostgreSQL database" if PostgreSQLStore.holds_data(kind) else None
        return PostgreSQLStore(kind, DataCipher(load_or_create_key(config["KEY_FILE"], store=store)))
    raise ValueError(f"SAFEFUTURE_STORE must be 'tinydb', 'memory' or a postgresql:// URL, not {kind!r}")
