"""Moving a TinyDB store into PostgreSQL, and proving the copy: a row count and a checksum per table.

The checksums are taken over the decrypted content that each store gives back (every case, every revision
and conflict of every record, every document, every change and audit event with its number), not over stored
bytes: the two
stores encrypt with fresh nonces, and what matters is that PostgreSQL returns exactly what TinyDB held.
Sessions are not copied: users log in again after the switch.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable, Iterator, Protocol

from ..domain.jsontext import canonical

TABLES = ("orgs", "users", "cases", "records", "docs", "changes", "audit", "socialmap_edits")


class Exportable(Protocol):
    def export_rows(self, table: str) -> Iterator[dict]: ...


class Importable(Exportable, Protocol):
    def row_counts(self) -> dict[str, int]: ...
    def import_rows(self, tables: dict[str, Iterable[dict]]) -> None: ...


class TargetNotEmpty(Exception):
    """The target already holds data; a migration only fills an empty store."""


@dataclass
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def matches(self) -> bool:
        return (self.source_rows, self.source_checksum) == (self.target_rows, self.target_checksum)


def fingerprint(rows: Iterable[dict]) -> tuple[int, str]:
    """(row count, checksum) of a table, independent of row order; memory grows by 32 bytes a row."""
    digests = sorted(hashlib.sha256(canonical(row)).digest() for row in rows)
    return len(digests), hashlib.sha256(b"".join(digests)).hexdigest()


def verify(source: Exportable, target: Exportable) -> list[TableCheck]:
    checks = []
    for table in TABLES:
        source_rows, source_sum = fingerprint(source.export_rows(table))
        target_rows, target_sum = fingerprint(target.export_rows(table))
        checks.append(TableCheck(table, source_rows, target_rows, source_sum, target_sum))
    return checks


def migrate(source: Exportable, target: Importable) -> list[TableCheck]:
    """Copy every table of `source` into the empty `target` (one transaction), then verify the copy."""
    filled = {table: n for table, n in target.row_counts().items() if n}
    if filled:
        raise TargetNotEmpty("The target database already holds data ("
                             + ", ".join(f"{table}: {n} rows" for table, n in filled.items())
                             + "). Migrate into an empty database; nothing was changed.")
    target.import_rows({table: source.export_rows(table) for table in TABLES})
    return verify(source, target)
