"""Benchmark (not a test): does the cost of one record write grow with the number of stored records?

Compares every store side by side: the in-memory store (the floor: decide and copies, no I/O), TinyDBStore
(partitioned files), PostgreSQLStore, and a naive single-file TinyDB store that keeps every record in one JSON
file, using the same atomic write (temporary file, fsync, rename), the same locks and the same encryption as
TinyDBStore. The naive store only upserts the record (no index, no change feed), so it does less work per write.

For each size it fills every store up to that many records (10 per case, ~3 KB of Overzicht 1 answers each),
then times single writes: a new record in an existing case, and a new revision of an existing record.
Filling TinyDB skips fsync to save time; every timed write is durable (fsync, or a PostgreSQL commit, which
is durable when the server runs with fsync on, as scripts/bench starts it).

Second axis: the revisions of a case. A case whose one record was saved 10, 100 or 1,000 times (autosave):
a new revision of that record, and a new record in that case, against the same write in a fresh case (a new
revision of a record saved once; a new record in an empty case). The goal: at 1,000 revisions at most 1.5 times
the fresh case, on every store.

    python bench/store_growth.py [--writes 30] [--sizes 100,1000,10000] [--revisions 10,100,1000] [--no-sizes]
                                 [--dir DIR] [--postgresql URL]

URL is a PostgreSQL server where the benchmark may create (and then drops) a database; without one, the
PostgreSQL column is left out.
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
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from filelock import FileLock  # noqa: E402

from app.domain.model import RecordState  # noqa: E402
from app.domain.revisions import Outcome, RecordChange, decide  # noqa: E402
from app.storage.base import Decide  # noqa: E402
from app.storage.codec import EncryptedCodec  # noqa: E402
from app.storage.crypto import DataCipher  # noqa: E402
from app.storage.tinydb_files import open_db  # noqa: E402
from bench.workload import answers  # noqa: E402
from app.storage.memory import MemoryStore  # noqa: E402
from app.storage.postgresql_store import PostgreSQLStore  # noqa: E402
from app.storage.tinydb_store import TinyDBStore  # noqa: E402
from tests.postgres import temporary_database  # noqa: E402

ORG = "org-bench"
RECORDS_PER_CASE = 10


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


def run(sizes: list[int], writes: int, directory: Path, postgresql_url: str | None) -> list[dict]:
    rng = random.Random(7)
    cipher = DataCipher(os.urandom(32))
    stores = {"memory": MemoryStore(), "TinyDBStore": TinyDBStore(directory / "store", cipher)}
    if postgresql_url:
        stores["PostgreSQLStore"] = PostgreSQLStore(postgresql_url, cipher)
    naive = NaiveSingleFileStore(directory, cipher)
    record_ids: list[str] = []
    rows = []
    for size in sizes:
        cases = max(1, size // RECORDS_PER_CASE)
        filled = []
        with without_fsync():
            while len(record_ids) < size:
                record_id = f"rec-{len(record_ids):06d}"
                change = new_record(rng, record_id, cases)
                outcomes = [store.apply_record_change(change, ORG, decide) for store in stores.values()]
                filled.append(outcomes[0].state)
                record_ids.append(record_id)
            naive.fill(filled)
        for name, store in {**stores, "naive single file": naive}.items():
            creates = [new_record(rng, f"{name}-{size}-{i}", cases) for i in range(writes)]
            edits = [edit(rng, store.get_record(record_id)) for record_id in rng.sample(record_ids, writes)]
            rows.append({"store": name, "write": "new record", "records": size,
                         "ms": median_write_ms(store, creates)})
            rows.append({"store": name, "write": "new revision", "records": size, "ms": median_write_ms(store, edits)})
        print(f"  measured at {size:,} records", file=sys.stderr)
    for store in stores.values():
        store.close()
    return rows


def run_history(revisions: list[int], writes: int, directory: Path, postgresql_url: str | None) -> list[dict]:
    """For each count: a case whose one record has been saved that many times (autosave); timed writes: a new
    revision of that record, and a new record in that case. The yardstick, in a fresh case: a new revision of a
    record saved once, and a new record in a case that holds nothing. The kinds of write take turns, round after
    round, so a busy machine slows them alike."""
    rng = random.Random(11)
    cipher = DataCipher(os.urandom(32))
    stores = {"memory": MemoryStore(), "TinyDBStore": TinyDBStore(directory / "history-store", cipher)}
    if postgresql_url:
        stores["PostgreSQLStore"] = PostgreSQLStore(postgresql_url, cipher)
    rows = []
    for name, store in stores.items():
        def new(record_id: str, case_id: str) -> RecordChange:
            return RecordChange(id=record_id, case_id=case_id, form_id="overzicht-1", form_version=1,
                                status="draft", data=answers(rng, rng.randrange(10**6)), base_rev=None,
                                saved_by="user-1", saved_at="2024-05-01T10:00:00Z")

        busy: dict[int, RecordState] = {}  # revisions -> the state of the case's one record
        with without_fsync():
            for count in [1, *revisions]:
                state = store.apply_record_change(new(f"{name}-busy-{count}", f"{name}-case-{count}"), ORG, decide).state
                for _ in range(count - 1):
                    state = store.apply_record_change(edit(rng, state), ORG, decide).state
                busy[count] = state
        times: dict[tuple[str, int], list[float]] = {}
        for i in range(writes):
            kinds = [("new record", 0, new(f"{name}-fresh-{i}", f"{name}-fresh-case-{i}"))]
            # the yardstick's record saved once: a record of its own each round, made outside the timing
            once = store.apply_record_change(new(f"{name}-once-{i}", f"{name}-once-case-{i}"), ORG, decide).state
            kinds.append(("new revision", 0, edit(rng, once)))
            for count in revisions:
                kinds.append(("new revision", count, edit(rng, busy[count])))
                kinds.append(("new record", count, new(f"{name}-busy-{count}-new-{i}", f"{name}-case-{count}")))
            for write, count, change in kinds:
                start = time.perf_counter()
                outcome = store.apply_record_change(change, ORG, decide)
                times.setdefault((write, count), []).append((time.perf_counter() - start) * 1000)
                if write == "new revision" and count:
                    busy[count] = outcome.state
        rows += [{"store": name, "write": write, "revisions": count, "ms": statistics.median(ms)}
                 for (write, count), ms in times.items()]
        print(f"  measured {name}", file=sys.stderr)
    for store in stores.values():
        store.close()
    return rows


def history_table(rows: list[dict], revisions: list[int]) -> str:
    lines = ["| store | write | fresh case (ms) | " + " | ".join(f"{n:,} revisions (ms)" for n in revisions)
             + f" | ratio {revisions[-1]:,} / fresh |", "|---|---|---:|" + "---:|" * (len(revisions) + 1)]
    fresh = {(row["store"], row["write"]): row["ms"] for row in rows if row["revisions"] == 0}
    cells: dict[tuple[str, str], dict[int, float]] = {}
    for row in rows:
        if row["revisions"]:
            cells.setdefault((row["store"], row["write"]), {})[row["revisions"]] = row["ms"]
    for (store, write), by_count in cells.items():
        lines.append(f"| {store} | {write} | {fresh[store, write]:.2f} | "
                     + " | ".join(f"{by_count[n]:.2f}" for n in revisions)
                     + f" | **{by_count[revisions[-1]] / fresh[store, write]:.2f}x** |")
    return "\n".join(lines)


def table(rows: list[dict], sizes: list[int]) -> str:
    lines = ["| store | write | " + " | ".join(f"{size:,} records (ms)" for size in sizes)
             + f" | ratio {sizes[-1]:,} / {sizes[0]:,} |", "|---|---|" + "---:|" * (len(sizes) + 1)]
    cells: dict[tuple[str, str], dict[int, float]] = {}
    for row in rows:
        cells.setdefault((row["store"], row["write"]), {})[row["records"]] = row["ms"]
    for (store, write), by_size in cells.items():
        lines.append(f"| {store} | {write} | " + " | ".join(f"{by_size[size]:.2f}" for size in sizes)
                     + f" | **{by_size[sizes[-1]] / by_size[sizes[0]]:.2f}x** |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=30, help="timed writes per size and kind (median)")
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated record counts, ascending")
    parser.add_argument("--revisions", default="10,100,1000",
                        help="comma-separated revision counts of one case's record, ascending ('' to leave out)")
    parser.add_argument("--no-sizes", action="store_true", help="only the revisions axis")
    parser.add_argument("--dir", type=Path, default=None, help="where to create the stores (default: a temp dir)")
    parser.add_argument("--postgresql", default=os.environ.get("SAFEFUTURE_BENCH_PG"),
                        help="a PostgreSQL server URL (default: $SAFEFUTURE_BENCH_PG); a database is created on it")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    revisions = [int(n) for n in args.revisions.split(",") if n]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=args.dir) as directory, ExitStack() as stack:
        url = stack.enter_context(temporary_database(args.postgresql)) if args.postgresql else None
        if not url:
            print("  no --postgresql server given: PostgreSQLStore left out", file=sys.stderr)
        rows = [] if args.no_sizes else run(sizes, args.writes, Path(directory), url)
        history_rows = run_history(revisions, args.writes, Path(directory), url) if revisions else []
    if rows:
        print(f"Median ms per record write ({args.writes} writes per cell, durable writes, ~3 KB records, "
              f"{RECORDS_PER_CASE} records per case; run took {time.perf_counter() - started:.0f} s)\n")
        print(table(rows, sizes))
    if history_rows:
        print(f"\nMedian ms per record write into a case whose one record has that many revisions, against the same "
              f"write in a fresh case ({args.writes} writes per cell, durable writes, ~3 KB records)\n")
        print(history_table(history_rows, revisions))


if __name__ == "__main__":
    main()
