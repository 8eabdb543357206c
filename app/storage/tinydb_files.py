"""TinyDB files that are replaced atomically, with documents keyed by our own string ids.

TinyDB's own JSONStorage rewrites a file in place, so a crash mid-write leaves it truncated. Here every write
goes to a temporary file in the same directory, is fsynced, renamed over the old file and the directory is
fsynced: a reader or a restart sees the old file or the new one, never a mix. Callers serialise writers with
the store's lock; readers need no lock.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

from ..domain.jsontext import compact
from ..secret_file import fsync_dir

from .base import CorruptStore, raise_if_full

TEMP_PREFIX = ".tmp-"


def read_json_file(path: Path, object_pairs_hook=None):
    """The parsed content of `path`, or None if it does not exist. Anything unreadable is an error."""
    try:
        with open(path, "rb") as f:
            data = json.load(f, object_pairs_hook=object_pairs_hook)
    except FileNotFoundError:
        return None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptStore(f"{path} is not valid JSON ({exc}). The store will not start with part of its data "
                           "missing: restore this file from a backup.") from exc
    if not isinstance(data, dict):
        raise CorruptStore(f"{path} does not hold a TinyDB database. Restore this file from a backup.")
    return data


_ENTRY = object()


def _keys_only(pairs: list[tuple]):
    """json object_pairs_hook for a ShardedMap file: each entry ({"value": …}) becomes a marker, so that only the
    keys of the map take memory."""
    return _ENTRY if len(pairs) == 1 and pairs[0][0] == "value" and pairs[0][1] is not _ENTRY else dict(pairs)


class AtomicJSONStorage(Storage):
    def __init__(self, path: str, sync_dir: bool = True):
        self._path = Path(path)
        self._sync_dir = sync_dir  # False: the caller fsyncs the directory once after several files

    def read(self):
        return read_json_file(self._path)

    def write(self, data) -> None:
        try:
            self._write(data)
        except OSError as exc:  # a full disk is StoreFull: the file is unchanged, the write can be made again
            raise_if_full(exc)
            raise

    def _write(self, data) -> None:
        fd, tmp = tempfile.mkstemp(dir=self._path.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(compact(data))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if self._sync_dir:
            fsync_dir(self._path.parent)

    def close(self) -> None:
        pass  # no handle is kept open between operations


class KeyedTable(Table):
    """A table whose document ids are our entity ids (strings) rather than TinyDB's counters."""

    document_id_class = str

    def put(self, doc_id: str, document: dict) -> None:
        """Insert or replace one document in a single write (TinyDB's upsert writes twice for a new one)."""
        self.put_many({doc_id: document})

    def put_many(self, documents: dict[str, dict]) -> None:
        """Insert or replace several documents in a single write."""
        def replace(table: dict) -> None:
            table.update(documents)
        self._update_table(replace)

    def rewrite(self, change: Callable[[dict], object]) -> None:
        """Change the table's documents (a dict, id → document) in place with `change`, in a single write."""
        self._update_table(change)


class KeyedTinyDB(TinyDB):
    table_class = KeyedTable


@contextmanager
def open_db(path: Path, sync_dir: bool = True) -> Iterator[KeyedTinyDB]:
    """A fresh TinyDB on `path` for one operation: nothing is cached between operations, so a write made by
    another process is always seen."""
    db = KeyedTinyDB(str(path), storage=AtomicJSONStorage, sync_dir=sync_dir)
    try:
        yield db
    finally:
        db.close()


def digest(key: str) -> str:
    """A file-name-safe stand-in for an id that comes from outside (no path tricks, no personal data)."""
    return hashlib.sha256(key.encode()).hexdigest()


class ShardedMap:
    """A key → value map spread over `shards` small TinyDB files, so one write rewrites only a slice of it."""

    TABLE = "entries"

    def __init__(self, directory: Path, name: str, shards: int):
        self._directory = directory
        self._name = name
        self._shards = shards

    def _path(self, shard: int) -> Path:
        return self._directory / f"{self._name}-{shard:02x}.json"

    def _path_for(self, key: str) -> Path:
        return self._path(int(digest(key)[:8], 16) % self._shards)

    def get(self, key: str):
        with open_db(self._path_for(key)) as db:
            doc = db.table(self.TABLE).get(doc_id=key)
        return None if doc is None else doc["value"]

    def put(self, key: str, value) -> None:
        self.put_many({key: value})

    def put_many(self, values: dict) -> None:
        """Set several keys with one write per shard they fall in, and one fsync of the directory for all."""
        by_shard: dict[Path, dict[str, dict]] = {}
        for key, value in values.items():
            by_shard.setdefault(self._path_for(key), {})[key] = {"value": value}
        for path, documents in by_shard.items():
            with open_db(path, sync_dir=False) as db:
                db.table(self.TABLE).put_many(documents)
        if by_shard:
            fsync_dir(self._directory)

    def discard(self, key: str) -> None:
        with open_db(self._path_for(key)) as db:
            table = db.table(self.TABLE)
            if table.contains(doc_id=key):
                table.remove(doc_ids=[key])

    def remove_where(self, matches) -> list[str]:
        """Remove the entries whose value `matches`, with one write per shard that had any; returns their keys."""
        removed = []
        for shard in range(self._shards):
            with open_db(self._path(shard)) as db:
                table = db.table(self.TABLE)
                keys = [doc.doc_id for doc in table.all() if matches(doc["value"])]
                if keys:
                    table.remove(doc_ids=keys)
            removed += keys
        return removed

    def keys(self) -> list[str]:
        return [key for page in self.key_pages() for key in page]

    def key_pages(self) -> Iterator[list[str]]:
        """The keys, one shard's at a time. Read from the file without its values or TinyDB's document copies: a
        shard holds 1/`shards` of all keys, and an export walks an organisation's cases by these pages."""
        for shard in range(self._shards):
            data = read_json_file(self._path(shard), _keys_only) or {}
            yield list(data.get(self.TABLE) or {})
