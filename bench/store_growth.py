"""Benchmark (not a test): does the cost of one record write grow with the number of stored records?

Compares TinyDBStore (partitioned files) with a naive single-file TinyDB store that keeps every record in one
JSON file, using the same atomic write (temporary file, fsync, rename), the same locks and the same encryption.
The naive store only upserts the record (no index, no change feed), so it does less work per write than ours.

For each size it fills both stores up to that many records (10 per case, ~3 KB of Overzicht 1 answers each),
then times single writes: a new record in an existing case, and a new revision of an existing record.
Filling skips fsync to save time; every timed write fsyncs.

    python bench/store_growth.py [--writes 30] [--sizes 100,1000,10000] [--dir DIR]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from filelock import FileLock  # noqa: E402

from app.domain.model import RecordState  # noqa: E402
from app.domain.revisions import Outcome, RecordChange, decide  # noqa: E402
from app.storage.base import Decide  # noqa: E402
from app.storage.codec import EncryptedCodec  # noqa: E402
from app.storage.crypto import DataCipher  # noqa: E402
from app.storage.tinydb_files import open_db  # noqa: E402
from app.storage.tinydb_store import TinyDBStore  # noqa: E402

ORG = "org-bench"
RECORDS_PER_CASE = 10
SCORES = ("--", "-", "+", "++")


class NaiveSingleFileStore:
    """All records in one TinyDB file: what a straightforward TinyDB store does."""

    def __init__(self, directory: Path, cipher: DataCipher):
        self._path = directory / "naive.json"
        self._codec = EncryptedCodec(cipher)
        self._thread_lock = threading.RLock()
        self._file_lock = FileLock(directory / "naive.lock", thread_local=False)

    def get_record(self, record_id: str) -> RecordState | None:
        with open_db(self._path) as db:
            doc = db.table("records").get(doc_id=record_id)
        return None if doc is None else self._codec.doc_to_record(doc)

    def apply_record_change(self, change: RecordChange, org_id: str, decide: Decide) -> Outcome:
        with self._thread_lock, self._file_lock, open_db(self._path) as db:
            records = db.table("records")
            doc = records.get(doc_id=change.id)
            outcome = decide(None if doc is None else self._codec.doc_to_record(doc), change, org_id)
            if outcome.changed:
                records.put(change.id, self._codec.record_to_doc(outcome.state))
            return outcome

    def fill(self, states: list[RecordState]) -> None:
        """Add many records with one file write (filling one by one would take hours at 10,000)."""
        with self._thread_lock, self._file_lock, open_db(self._path) as db:
            db.storage.write({"records": {**(db.storage.read() or {}).get("records", {}),
                                          **{s.id: self._codec.record_to_doc(s) for s in states}}})


def answers(rng: random.Random, n: int) -> dict:
    """A filled-in Overzicht 1 of about 3 KB."""
    note = "Client describes the situation in her own words; counsellor notes follow-up. "

    def block():
        return {f"f{i}": {"score": rng.choice(SCORES), "note": note + str(rng.random())} for i in range(1, 11)}

    return {"scored_on": "2024-05-01", "occasion": f"future conversation {n}", "status": "b8_3",
            "status_note": note * 4, "nl": block(), "coo": block()}


def new_record(rng: random.Random, record_id: str, case_count: int) -> RecordChange:
    return RecordChange(id=record_id, case_id=f"case-{rng.randrange(case_count):05d}", form_id="overzicht-1",
                        form_version=1, status="draft", data=answers(rng, rng.randrange(10**6)), base_rev=None,
                        saved_by="user-1", saved_at="2024-05-01T10:00:00Z")


def edit(rng: random.Random, state: RecordState) -> RecordChange:
    head = state.head
    return RecordChange(id=state.id, case_id=state.case_id, form_id=head.form_id, form_version=head.form_version,
                        status="draft", data=answers(rng, rng.randrange(10**6)), base_rev=head.rev,
                        saved_by="user-1", saved_at="2024-05-02T10:00:00Z")


@contextmanager
def without_fsync():
    real = os.fsync
    os.fsync = lambda fd: None
    try:
        yield
    finally:
        os.fsync = real


def median_write_ms(store, changes: list[RecordChange]) -> float:
    times = []
    for change in changes:
        start = time.perf_counter()
        store.apply_record_change(change, ORG, decide)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(sizes: list[int], writes: int, directory: Path) -> list[dict]:
    rng = random.Random(7)
    cipher = DataCipher(os.urandom(32))
    ours = TinyDBStore(directory / "store", cipher)
    naive = NaiveSingleFileStore(directory, cipher)
    record_ids: list[str] = []
    rows = []
    for size in sizes:
        cases = max(1, size // RECORDS_PER_CASE)
        filled = []
        with without_fsync():
            while len(record_ids) < size:
                record_id = f"rec-{len(record_ids):06d}"
                filled.append(ours.apply_record_change(new_record(rng, record_id, cases), ORG, decide).state)
                record_ids.append(record_id)
            naive.fill(filled)
        row = {"records": size}
        for name, store in (("ours", ours), ("naive", naive)):
            creates = [new_record(rng, f"{name}-{size}-{i}", cases) for i in range(writes)]
            edits = [edit(rng, store.get_record(record_id)) for record_id in rng.sample(record_ids, writes)]
            row[f"{name}_new"] = median_write_ms(store, creates)
            row[f"{name}_edit"] = median_write_ms(store, edits)
        rows.append(row)
        print(f"  measured at {size:,} records", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    columns = [("ours_new", "TinyDBStore new record"), ("ours_edit", "TinyDBStore new revision"),
               ("naive_new", "naive single file new record"), ("naive_edit", "naive single file new revision")]
    lines = ["| stored records | " + " | ".join(title + " (ms)" for _, title in columns) + " |",
             "|---:|" + "---:|" * len(columns)]
    for row in rows:
        lines.append(f"| {row['records']:,} | " + " | ".join(f"{row[key]:.2f}" for key, _ in columns) + " |")
    first, last = rows[0], rows[-1]
    lines.append(f"| **ratio {last['records']:,} / {first['records']:,}** | "
                 + " | ".join(f"**{last[key] / first[key]:.2f}x**" for key, _ in columns) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=30, help="timed writes per size and kind (median)")
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated record counts, ascending")
    parser.add_argument("--dir", type=Path, default=None, help="where to create the stores (default: a temp dir)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(dir=args.dir) as directory:
        started = time.perf_counter()
        rows = run(sizes, args.writes, Path(directory))
    print(f"Median ms per record write ({args.writes} writes per cell, fsync on, ~3 KB records, "
          f"{RECORDS_PER_CASE} records per case; run took {time.perf_counter() - started:.0f} s)\n")
    print(table(rows))


if __name__ == "__main__":
    main()
