"""The change feed of the TinyDB store, kept in a ChunkedLog.

Changes are first appended as *pending*, then the data they announce is written, then they are committed. A
reader stops at a pending change, so it never moves its cursor past data it could not yet read. If a writer
dies in between, the next writer (or opening the store) commits the pending changes: the data was written or
not, and a device told about an unchanged entity simply fetches it again. Nothing written goes unannounced.
Writers are serialised, so the pending changes are always the end of the log: one writer's batch, which may
reach back over several chunks.

Every record change names the record's case, so the feed is also the index from a record id to its case file:
each process keeps that map in memory and reads only the entries added since it last looked. A pending entry
counts (it is written before the case file, so an id found here may not be in its case file yet, never the
other way round).
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Iterator

from ..domain.access import Scope
from ..domain.model import Change
from .chunked_log import ChunkedLog


class ChangeLog:
    def __init__(self, directory: Path):
        self._log = ChunkedLog(directory)
        self._record_cases: dict[str, str] = {}
        self._indexed = 0  # the last entry read into _record_cases
        self._index_lock = threading.Lock()

    def record_cases(self, record_ids) -> dict[str, str]:
        """The case of each of these records the feed has announced (record id → case id)."""
        with self._index_lock:
            for seq, entry in self._log.entries_after(self._indexed):
                if entry["kind"] == "record":
                    self._record_cases[entry["entity_id"]] = entry["case_id"]
                self._indexed = seq
            return {r: self._record_cases[r] for r in record_ids if r in self._record_cases}

    def _pending_end(self) -> tuple[list[tuple[int, dict]], int]:
        """(the pending changes at the end of the log, oldest first; the number of the last change)."""
        entries = self._log.tail()
        last = entries[-1][0] if entries else 0
        pending: list[tuple[int, dict]] = []
        while entries:
            in_chunk = [(seq, entry) for seq, entry in entries if entry.get("pending")]
            pending = in_chunk + pending
            first = entries[0][0]
            if len(in_chunk) < len(entries) or first == 1:
                break
            entries = self._log.chunk_of(first - 1)  # the whole chunk was pending: the batch began earlier
        return pending, last

    def last_seq(self) -> int:
        """The number of the last committed change."""
        pending, last = self._pending_end()
        return pending[0][0] - 1 if pending else last

    def recover(self) -> int:
        """Commit changes left pending by a writer that died; returns the last number. Call with the write lock
        held."""
        pending, last = self._pending_end()
        if pending:
            self.commit(pending)
        return last

    def append_pending(self, entries: list[dict]) -> list[tuple[int, dict]]:
        """Add changes (kind, entity_id, case_id, org_id) as pending, with one write per chunk; returns them
        numbered. Call with the write lock held."""
        last = self.recover()
        numbered = [(last + 1 + i, entry) for i, entry in enumerate(entries)]
        self._log.put_many([(seq, {**entry, "pending": True}) for seq, entry in numbered])
        return numbered

    def commit(self, numbered: list[tuple[int, dict]]) -> None:
        self._log.put_many([(seq, {k: v for k, v in entry.items() if k != "pending"}) for seq, entry in numbered])

    def committed(self) -> Iterator[Change]:
        """Every committed change, in order."""
        for seq, entry in self._log.entries_after(0):
            if entry.get("pending"):
                return
            yield Change(seq, entry["kind"], entry["entity_id"], entry["case_id"], entry["org_id"])

    def since(self, since: int, scope: Scope, limit: int) -> tuple[list[Change], int]:
        out, cursor = [], since
        for seq, entry in self._log.entries_after(since):
            if entry.get("pending") or len(out) >= limit:
                break
            cursor = seq
            change = Change(seq, entry["kind"], entry["entity_id"], entry["case_id"], entry["org_id"])
            if scope.sees_change(change):
                out.append(change)
        return out, cursor
