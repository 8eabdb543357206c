"""The change feed of the TinyDB store: numbered changes in fixed-size chunk files.

Chunk k holds the changes numbered k*size+1 … (k+1)*size, so a reader with a cursor opens only the chunks at
and after it, and an append rewrites only the last (small) chunk.

A change is first appended as *pending*, then the data it announces is written, then it is committed. A
reader stops at a pending change, so it never moves its cursor past data it could not yet read. If a writer
dies in between, the next writer (or opening the store) commits the pending change: the data was written or
not, and a device told about an unchanged entity simply fetches it again. Nothing written goes unannounced.
"""
from __future__ import annotations

from pathlib import Path

from ..domain.access import Scope
from ..domain.model import Change
from .tinydb_files import open_db

TABLE = "changes"


class ChangeLog:
    def __init__(self, directory: Path, chunk_size: int = 128):
        self._directory = directory
        self._size = chunk_size
        # The last chunk this object has seen; other processes may have added later ones.
        chunks = [int(p.stem) for p in directory.glob("*.json") if p.stem.isdigit()]
        self._last_chunk_hint = max(chunks, default=0)

    def _path(self, chunk: int) -> Path:
        return self._directory / f"{chunk:010d}.json"

    def _read(self, chunk: int) -> list[tuple[int, dict]]:
        with open_db(self._path(chunk)) as db:
            docs = db.table(TABLE).all()
        return sorted((int(doc.doc_id), dict(doc)) for doc in docs)

    def _tail(self) -> tuple[int, list[tuple[int, dict]]]:
        """The last chunk and its entries."""
        chunk = self._last_chunk_hint
        while self._path(chunk + 1).exists():
            chunk += 1
        self._last_chunk_hint = chunk
        return chunk, self._read(chunk)

    def _put(self, seq: int, entry: dict) -> None:
        with open_db(self._path((seq - 1) // self._size)) as db:
            db.table(TABLE).put(str(seq), entry)

    def last_seq(self) -> int:
        chunk, entries = self._tail()
        committed = [seq for seq, entry in entries if not entry.get("pending")]
        return committed[-1] if committed else chunk * self._size

    def _recovered_tail(self) -> tuple[int, list[tuple[int, dict]]]:
        chunk, entries = self._tail()
        if entries and entries[-1][1].get("pending"):
            self.commit(*entries[-1])  # its writer died before committing it
        return chunk, entries

    def recover(self) -> None:
        """Commit a change left pending by a writer that died. Call with the write lock held."""
        self._recovered_tail()

    def append_pending(self, kind: str, entity_id: str, case_id: str, org_id: str) -> tuple[int, dict]:
        """Add a pending change and return its number and entry. Call with the write lock held."""
        chunk, entries = self._recovered_tail()
        seq = entries[-1][0] + 1 if entries else chunk * self._size + 1
        entry = {"kind": kind, "entity_id": entity_id, "case_id": case_id, "org_id": org_id}
        self._put(seq, {**entry, "pending": True})
        return seq, entry

    def commit(self, seq: int, entry: dict) -> None:
        self._put(seq, {k: v for k, v in entry.items() if k != "pending"})

    def since(self, since: int, scope: Scope, limit: int) -> tuple[list[Change], int]:
        since = max(since, 0)
        out, cursor = [], since
        chunk = since // self._size
        while True:
            entries = self._read(chunk)
            for seq, entry in entries:
                if seq <= since:
                    continue
                if entry.get("pending") or len(out) >= limit:
                    return out, cursor
                cursor = seq
                if scope.sees(entry["org_id"], entry["case_id"]):
                    out.append(Change(seq, entry["kind"], entry["entity_id"], entry["case_id"], entry["org_id"]))
            # Go on only from a full chunk: a later chunk read after a short one could skip a change
            # appended to the short one in between.
            if len(entries) < self._size:
                return out, cursor
            chunk += 1
