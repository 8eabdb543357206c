"""The change feed of the TinyDB store, kept in a ChunkedLog.

A change is first appended as *pending*, then the data it announces is written, then it is committed. A
reader stops at a pending change, so it never moves its cursor past data it could not yet read. If a writer
dies in between, the next writer (or opening the store) commits the pending change: the data was written or
not, and a device told about an unchanged entity simply fetches it again. Nothing written goes unannounced.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ..domain.access import Scope
from ..domain.model import Change
from .chunked_log import ChunkedLog


class ChangeLog:
    def __init__(self, directory: Path):
        self._log = ChunkedLog(directory)

    def last_seq(self) -> int:
        tail = self._log.tail()
        if not tail:
            return 0
        seq, entry = tail[-1]
        return seq - 1 if entry.get("pending") else seq

    def _recovered_tail(self) -> list[tuple[int, dict]]:
        tail = self._log.tail()
        if tail and tail[-1][1].get("pending"):
            self.commit(*tail[-1])  # its writer died before committing it
        return tail

    def recover(self) -> None:
        """Commit a change left pending by a writer that died. Call with the write lock held."""
        self._recovered_tail()

    def append_pending(self, kind: str, entity_id: str, case_id: str, org_id: str) -> tuple[int, dict]:
        """Add a pending change and return its number and entry. Call with the write lock held."""
        tail = self._recovered_tail()
        seq = tail[-1][0] + 1 if tail else 1
        entry = {"kind": kind, "entity_id": entity_id, "case_id": case_id, "org_id": org_id}
        self._log.put(seq, {**entry, "pending": True})
        return seq, entry

    def commit(self, seq: int, entry: dict) -> None:
        self._log.put(seq, {k: v for k, v in entry.items() if k != "pending"})

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
