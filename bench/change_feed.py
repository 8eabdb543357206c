"""Benchmark (not a test): what a pull costs after one change, against a full pull, as the store grows.

For every store a fresh server runs in a subprocess (bench/seeded_server.py). One device fills it through
POST /api/v1/sync (batches of 450 new Overzicht 1 records of ~3 KB, 10 per case) up to each size; a second
device of the same organisation then
  - pulls everything from an empty cursor (a new device): requests, bytes received, time;
  - repeatedly, after the first device changed one record (PUT), pulls from its cursor: bytes and time
    (median of the repetitions).
The pull after one change should cost the same at every size; the full pull grows with the store.

    python bench/change_feed.py [--sizes 1000,10000] [--repeat 20] [--stores memory,tinydb,postgresql]
                                [--postgresql URL]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench import seeded_server  # noqa: E402
from bench.device import Device  # noqa: E402
from tests.live_server import running_server  # noqa: E402
from tests.postgres import temporary_database  # noqa: E402

BATCH = 450  # with its 45 new cases: at most 500 items in one sync request
RECORDS_PER_CASE = 10


def fill(writer: Device, records: int) -> list[dict]:
    """Add `records` new records in new cases; returns the last batch's push results."""
    results = []
    while records > 0:
        count = min(BATCH, records)
        cases = [writer.case() for _ in range(max(1, count // RECORDS_PER_CASE))]
        results = writer.push(writer.records([c["id"] for c in cases], count), cases=cases)
        records -= count
    return results


def full_pull(reader: Device) -> dict:
    reader.cursor, reader.requests[:] = None, []
    began = time.perf_counter()
    reader.pull()
    return {"seconds": time.perf_counter() - began, "requests": len(reader.requests),
            "bytes": sum(size for _, size in reader.requests)}


def pulls_after_one_change(writer: Device, reader: Device, record: dict, repeat: int) -> dict:
    """The reader is up to date; the writer changes `record` once, the reader pulls; `repeat` times."""
    seconds, sizes = [], []
    for n in range(repeat):
        answer = writer.request("PUT", f"/api/v1/records/{record['id']}",
                                {**{k: v for k, v in record.items() if k != "id"},
                                 "data": {**record["data"], "occasion": f"changed {n}"}})
        record["base_rev"] = answer["rev"]
        reader.requests[:] = []
        began = time.perf_counter()
        reader.pull()
        seconds.append(time.perf_counter() - began)
        sizes.append(sum(size for _, size in reader.requests))
    return {"seconds": statistics.median(seconds), "bytes": statistics.median(sizes)}


def measure(store: str, env: dict, directory: Path, sizes: list[int], repeat: int) -> list[dict]:
    rows = []
    with running_server(directory, env, command=(*seeded_server.COMMAND, "--orgs", "1")) as base_url:
        writer, reader = Device(base_url, 0, seed=1), Device(base_url, 0, seed=2)
        stored = 0
        for size in sizes:
            fill(writer, size - stored)
            stored = size
            record = writer.records([writer.new_case()], 1)[0]
            record["base_rev"] = writer.push([record])[0]["rev"]
            full = full_pull(reader)
            one = pulls_after_one_change(writer, reader, record, repeat)
            rows.append({"store": store, "records": stored + 1, "full": full, "one": one})
            print(f"  measured {store} at {size:,} records", file=sys.stderr)
        writer.close()
        reader.close()
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| store | records stored | full pull: requests | full pull: KB | full pull: ms "
             "| pull after one change: bytes | pull after one change: ms |", "|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        full, one = row["full"], row["one"]
        lines.append(f"| {row['store']} | {row['records']:,} | {full['requests']} | {full['bytes'] / 1024:,.0f} | "
                     f"{full['seconds'] * 1000:,.0f} | {one['bytes']:,.0f} | {one['seconds'] * 1000:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated record counts, ascending")
    parser.add_argument("--repeat", type=int, default=20, help="pulls after one change per size (median)")
    parser.add_argument("--stores", default="memory,tinydb,postgresql")
    parser.add_argument("--postgresql", default=os.environ.get("SAFEFUTURE_BENCH_PG"),
                        help="a PostgreSQL server URL (default: $SAFEFUTURE_BENCH_PG); a database is created on it")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    stores = args.stores.split(",")
    if "postgresql" in stores and not args.postgresql:
        print("  no --postgresql server given: PostgreSQL left out", file=sys.stderr)
        stores.remove("postgresql")
    started = time.perf_counter()
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for store in stores:
            with ExitStack() as stack:
                kind = stack.enter_context(temporary_database(args.postgresql)) if store == "postgresql" else store
                rows += measure(store, {"SAFEFUTURE_STORE": kind}, Path(directory) / store, sizes, args.repeat)
    print(f"A pull after one change (median of {args.repeat}) and a full pull by a new device, ~3 KB records; "
          f"run took {time.perf_counter() - started:.0f} s\n")
    print(table(rows))


if __name__ == "__main__":
    main()
