"""Benchmark (not a test): exporting Overzicht 3 records as CSV and XLSX, and the coordinator's report, as the
store grows; seconds and peak memory.

For every store a fresh app (in this process) is filled with cases of one organisation, each holding one final
Overzicht 3 record (the example record of tests/forms/examples, ~3 KB of answers with repeating rows) and the
audit events a case gets on creation. At each size the coordinator
  - exports every Overzicht 3 record as CSV (a zip: the form has repeating groups) and as XLSX, reading the
    streamed body chunk by chunk and dropping it, as a web server sends it on;
  - computes the report (GET /reports/summary) over all cases.
Peak memory is the peak of the Python heap during the operation above what was allocated before it
(tracemalloc: Python's objects and zlib's compressor state, not what other C libraries allocate on their own). It
should not grow from 1,000 to 10,000 records.

    python bench/export.py [--sizes 1000,10000] [--stores tinydb,postgresql] [--postgresql URL] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from app import create_app  # noqa: E402
from app.domain.model import Case  # noqa: E402
from app.domain.revisions import RecordChange, decide  # noqa: E402
from app.services import accounts, audit, data_export, reports  # noqa: E402
from tests.postgres import temporary_database  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = json.loads((ROOT / "tests" / "forms" / "examples" / "overzicht-3.json").read_text())["valid"]
BATCH = 100
STEPS = ("NL-3", "NL-7", "NL-10", "NL-12")
COUNTRIES = ("BG", "NG", "RO", "UG", "ER")


class Filler:
    def __init__(self, app):
        self.c = app.extensions["safefuture"]
        accounts.create_org(self.c, "shelter", "Shelter", "NL", "counselling")
        self.user = accounts.create_user(self.c, "coordinator@shelter.example", "shelter", "coordinator",
                                         "correct horse battery staple")
        form = self.c.forms.get("overzicht-3")
        self.data = self.c.forms.prepare(form, EXAMPLE, "final")
        self.count = 0

    def fill(self, total: int) -> None:
        """Add cases with one Overzicht 3 record each until there are `total`, in batches."""
        while self.count < total:
            n = min(BATCH, total - self.count)
            now = self.c.now()
            cases = [Case(id=str(uuid.uuid4()), org_id="shelter", client_code=f"C-{self.count + i}",
                          country_of_origin=COUNTRIES[(self.count + i) % len(COUNTRIES)],
                          step=STEPS[(self.count + i) % len(STEPS)], created_at=now, updated_at=now,
                          created_by=self.user.id) for i in range(n)]
            for case in cases:
                self.c.store.create_case(case)
            audit.record_many(self.c, [audit.event(self.c, self.user, "create_case", case_id=case.id, step=case.step)
                                       for case in cases])
            changes = [(RecordChange(id=str(uuid.uuid4()), case_id=case.id, form_id="overzicht-3", form_version=1,
                                     status="final", data=self.data, base_rev=None, saved_by=self.user.id,
                                     saved_at=now), "shelter") for case in cases]
            self.c.store.apply_record_changes(changes, decide)
            self.count += n


def measured(work, repeat: int) -> tuple[float, float, object]:
    """(seconds, peak MiB of the Python heap above the start, result) of `work()`: the median time of `repeat`
    runs, then the peak of one more, traced (tracing slows every allocation)."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - began)
    seconds = statistics.median(times)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    work()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return seconds, peak / 2**20, result


def drain(export) -> int:
    return sum(len(chunk) for chunk in export.chunks)


def run(store: str, config_store: str, directory: Path, sizes: list[int], repeat: int) -> list[dict]:
    app = create_app({"DATA_DIR": directory / "instance", "STORE": config_store})
    filler = Filler(app)
    c = filler.c
    rows = []
    try:
        for size in sizes:
            began = time.perf_counter()
            filler.fill(size)
            print(f"  {store}: {size} records stored in {time.perf_counter() - began:.0f} s", file=sys.stderr)
            for fmt in ("csv", "xlsx"):
                args = {"format": fmt, "lang": "nl", "labels": "labels"}
                seconds, peak, size_out = measured(
                    lambda: drain(data_export.export_records(c, filler.user, "overzicht-3", args)), repeat)
                rows.append({"store": store, "records": size, "what": f"export {fmt.upper()}",
                             "seconds": seconds, "peak": peak, "out": size_out / 2**20})
                print(f"  {rows[-1]}", file=sys.stderr)
            seconds, peak, summary = measured(lambda: reports.summary(c, filler.user, "2020-01-01", c.now()[:10]),
                                              repeat)
            assert summary["cases"] == size, summary["cases"]
            rows.append({"store": store, "records": size, "what": "report summary", "seconds": seconds,
                         "peak": peak, "out": None})
            print(f"  {rows[-1]}", file=sys.stderr)
    finally:
        c.store.close()
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| store | records (= cases) | operation | seconds (median) | peak memory (MiB) | output (MiB) |",
             "|---|---:|---|---:|---:|---:|"]
    for r in rows:
        out = f"{r['out']:.1f}" if r["out"] is not None else "–"
        lines.append(f"| {r['store']} | {r['records']:,} | {r['what']} | {r['seconds']:.1f} | {r['peak']:.1f} | {out} |")
    by = {(r["store"], r["what"], r["records"]): r for r in rows}
    sizes = sorted({r["records"] for r in rows})
    if len(sizes) > 1:
        lines += ["", f"| store | operation | time ×{sizes[-1] // sizes[0]} records | peak memory ×{sizes[-1] // sizes[0]} records |",
                  "|---|---|---:|---:|"]
        for (store, what) in dict.fromkeys((r["store"], r["what"]) for r in rows):
            small, large = by.get((store, what, sizes[0])), by.get((store, what, sizes[-1]))
            if not (small and large):
                continue
            lines.append(f"| {store} | {what} | {large['seconds'] / small['seconds']:.1f} | "
                         f"{large['peak'] / small['peak']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--stores", default="tinydb,postgresql")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (the median is shown)")
    parser.add_argument("--postgresql", default=os.environ.get("SAFEFUTURE_BENCH_PG"),
                        help="an admin URL of a PostgreSQL server (a throwaway database is made on it)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    load_before = os.getloadavg()
    rows = []
    with ExitStack() as stack:
        for store in args.stores.split(","):
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            if store == "postgresql":
                if not args.postgresql:
                    print("  no --postgresql server given: PostgreSQL left out", file=sys.stderr)
                    continue
                rows += run(store, stack.enter_context(temporary_database(args.postgresql)), directory, sizes,
                            args.repeat)
            else:
                rows += run(store, store, directory, sizes, args.repeat)
    print(table(rows))
    print(f"\nLoad average (1, 5, 15 min) at the start {', '.join(f'{x:.1f}' for x in load_before)}, at the end "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores.")


if __name__ == "__main__":
    main()
