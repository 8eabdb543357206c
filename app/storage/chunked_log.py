"""An append-only numbered log in fixed-size TinyDB chunk files (the change feed and the audit trail).

Chunk k holds the entries numbered k*size+1 … (k+1)*size, so reading from a position opens only the chunks at
and after it, and an append rewrites only the last, small chunk. Appends must be serialised by the caller.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from .tinydb_files import fsync_dir, open_db

TABLE = "entries"


class ChunkedLog:
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

    def _last_chunk(self) -> int:
        chunk = self._last_chunk_hint
        while chunk > 0 and not self._path(chunk).exists():  # the end was cut back (replace_from)
            chunk -= 1
        while self._path(chunk + 1).exists():
            chunk += 1
        self._last_chunk_hint = chunk
        return chunk

    def tail(self) -> list[tuple[int, dict]]:
        """The entries of the last chunk (empty for an empty log)."""
        return self._read(self._last_chunk())

    def chunk_of(self, seq: int) -> list[tuple[int, dict]]:
        """The entries of the chunk that holds entry `seq`."""
        return self._read((seq - 1) // self._size)

    def put(self, seq: int, entry: dict) -> None:
        """Write entry `seq`: the next one after the tail, or the tail entry again to replace it."""
        with open_db(self._path((seq - 1) // self._size)) as db:
            db.table(TABLE).put(str(seq), entry)

    def put_many(self, entries: list[tuple[int, dict]]) -> None:
        """Append consecutive entries with one write per chunk they fall in."""
        by_chunk: dict[int, dict[str, dict]] = {}
        for seq, entry in entries:
            by_chunk.setdefault((seq - 1) // self._size, {})[str(seq)] = entry
        for chunk, documents in sorted(by_chunk.items()):
            with open_db(self._path(chunk)) as db:
                db.table(TABLE).put_many(documents)

    def replace_from(self, first: int, entries: list[dict]) -> None:
        """Replace the end of the log, from entry `first` on, with `entries` (numbered first, first + 1, …), with
        one write per chunk; chunks left empty are removed, the last one first."""
        first_chunk, last_chunk = (first - 1) // self._size, self._last_chunk()
        by_chunk: dict[int, dict[str, dict]] = {}
        for seq, entry in enumerate(entries, start=first):
            by_chunk.setdefault((seq - 1) // self._size, {})[str(seq)] = entry
        keeps_earlier = first > first_chunk * self._size + 1  # the first chunk holds entries before `first`
        emptied = []
        for chunk in range(first_chunk, max(last_chunk, *by_chunk, first_chunk) + 1):
            documents = by_chunk.get(chunk, {})
            if not documents and not (chunk == first_chunk and keeps_earlier):
                emptied.append(chunk)
                continue
            def replace(table: dict, documents: dict = documents) -> None:
                for key in [key for key in table if int(key) >= first]:
                    del table[key]
                table.update(documents)

            with open_db(self._path(chunk)) as db:
                db.table(TABLE).rewrite(replace)
        for chunk in reversed(emptied):
            self._path(chunk).unlink(missing_ok=True)
        if emptied:
            fsync_dir(self._directory)

    def entries_after(self, since: int) -> Iterator[tuple[int, dict]]:
        chunk = max(since, 0) // self._size
        while True:
            entries = self._read(chunk)
            yield from ((seq, entry) for seq, entry in entries if seq > since)
            # Go on only from a full chunk: a later chunk read after a short one could skip an entry
            # appended to the short one in between.
            if len(entries) < self._size:
                return
            chunk += 1
