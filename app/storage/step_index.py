"""The steps each case went through, read from the TinyDB audit trail once and then only what was appended since.

The trail has no index by case, and every case view shows the steps its case has been in: reading the whole trail
for each view made the views slower as the trail grew (a case view at 17,000 revisions cost more than the rest of
the server's work together). The trail stays the only truth: the index holds what the trail says up to an entry it
has seen, and before each use it reads what came after that entry (another process may have written it) and checks
that the entry is still the one it saw (else the trail was replaced, say restored from a backup, and is read again).
"""
from __future__ import annotations

import threading
from typing import Iterable

from ..domain.audit import STEP_ACTIONS
from .chunked_log import ChunkedLog


class StepIndex:
    def __init__(self, trail: ChunkedLog):
        self._trail = trail
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._seen = 0  # the last entry read
        self._seen_hash: str | None = None
        self._steps: dict[str, list[tuple[str, str]]] = {}  # case id -> [(time, step)], oldest first

    def steps(self, case_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """Per case of `case_ids` that has any, the (time, step) of each step event, oldest first."""
        with self._lock:
            self._catch_up()
            return {case_id: list(self._steps[case_id]) for case_id in case_ids if case_id in self._steps}

    def _catch_up(self) -> None:
        if self._seen and self._hash_of(self._seen) != self._seen_hash:
            self._reset()
        for seq, entry in self._trail.entries_after(self._seen):
            step = entry["details"].get("step") if entry["action"] in STEP_ACTIONS else None
            if step:
                self._steps.setdefault(entry["case_id"], []).append((entry["at"], step))
            self._seen, self._seen_hash = seq, entry.get("hash")

    def _hash_of(self, seq: int) -> str | None:
        return next((entry.get("hash") for s, entry in self._trail.chunk_of(seq) if s == seq), None)
