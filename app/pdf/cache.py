"""Rendered parts of printouts, kept in memory (never on disk) so a dossier printed again renders only the
records that changed.

A part is keyed by the digest of the engine's name and the part's complete HTML. The HTML holds everything the
page shows (the record's revision as printed, the form version's labels, the languages, the head with the date),
so a changed record, another language pair, another form version or a new day is another key, and a key can
only be asked for by someone who could build that HTML, i.e. who may read the record. The cache is bounded in
bytes and forgets the least recently used parts first.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from .base import Part


def part_key(engine: str, html: str) -> str:
    return hashlib.sha256(engine.encode() + b"\0" + html.encode("utf-8")).hexdigest()


class PdfCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._parts: OrderedDict[str, Part] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Part | None:
        with self._lock:
            part = self._parts.get(key)
            if part is not None:
                self._parts.move_to_end(key)
            return part

    def put(self, key: str, part: Part) -> None:
        if len(part.pdf) > self.max_bytes:
            return
        with self._lock:
            old = self._parts.pop(key, None)
            self._size -= len(old.pdf) if old else 0
            self._parts[key] = part
            self._size += len(part.pdf)
            while self._size > self.max_bytes:
                _, dropped = self._parts.popitem(last=False)
                self._size -= len(dropped.pdf)

    def clear(self) -> None:
        with self._lock:
            self._parts.clear()
            self._size = 0

    @property
    def size(self) -> int:
        return self._size

    def __len__(self) -> int:
        return len(self._parts)
