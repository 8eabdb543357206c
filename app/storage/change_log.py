"""The change feed of the TinyDB store, kept in a ChunkedLog.

Changes are first appended as *pending*, then the data they announce is written, then they are committed. A
reader stops at a pending change, so it never moves its cursor past data it could not yet read. If the writer
fails (a full disk) or dies in between, the pending changes are settled (`settle`) by the store, which checks
each against what it holds: those whose data was written are committed, the others dropped and their numbers
given to the next changes (no reader has passed them). So nothing written goes unannounced, and no change is
announced that did not happen. Writers are serialised, so the pending changes are always the end of the log: one
writer's batch, which may reach back over several chunks. A pending entry may carry what the store needs to
settle it (the revision it announces, its audit event); a committed entry holds only FIELDS.

A write that announces nothing to devices (an organisation, a user, a session, a device, a social-map edit) but
has audit events is made in the same steps, as a *journal* entry (one with "journal": where its data is): pending while
its data and events are written, then removed instead of committed (settled the same way), so its number goes to
the next change and no reader ever sees it.

Every record change names the record's case, so the feed is also the index from a record id to its case file:
each process keeps that map in memory and reads only the entries added since it last looked. It reads committed
entries only: a record is found once its change is announced (its case file was written before), and the index
never moves past a number that settling may give again.
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
                if entry.get("pending"):
                    break
                if entry["kind"] == "record":
                    self._record_cases[entry["entity_id"]] = entry["case_id"]
                self._indexed = seq
            return {r: self._record_cases[r] for r in record_ids if r in self._record_cases}

    def pending(self) -> list[tuple[int, dict]]:
        """The pending changes at the end of the log, oldest first."""
        return self._pending_end()[0]

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

    def settle(self, pending: list[tuple[int, dict]], written: list[dict]) -> None:
        """Replace the pending changes with those of them whose data was written (`written`, in order), committed
        and numbered on from the first pending one (journal entries go). Call with the write lock held."""
        self._log.replace_from(pending[0][0], [_committed(entry) for entry in written if "journal" not in entry])

    def append_pending(self, entries: list[dict]) -> list[tuple[int, dict]]:
        """Add changes (kind, entity_id, case_id, org_id, and what settling them needs) as pending, with one write
        per chunk; returns them numbered. Call with the write lock held, after settling earlier pending changes."""
        pending, last = self._pending_end()
        if pending:
            raise RuntimeError("settle the pending changes before appending")
        numbered = [(last + 1 + i, entry) for i, entry in enumerate(entries)]
        self._log.put_many([(seq, {**entry, "pending": True}) for seq, entry in numbered])
        return numbered

    def commit(self, numbered: list[tuple[int, dict]]) -> None:
        if any("journal" in entry for _, entry in numbered):
            self.settle(numbered, [entry for _, entry in numbered])
        else:
            self._log.put_many([(seq, _committed(entry)) for seq, entry in numbered])

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


FIELDS = ("kind", "entity_id", "case_id", "org_id")


def _committed(entry: dict) -> dict:
    return {name: entry[name] for name in FIELDS}
