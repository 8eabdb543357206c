"""Benchmark (not a test): sync throughput of one server, batched sync versus one request per record.

N simulated devices (threads on loopback; each a counsellor of its own organisation, with its own session and
keep-alive connection) each sync a week of offline work, RECORDS new Overzicht 1 records of ~3 KB spread over
CASES cases, and then pull the change feed until it has no more. Two ways, all devices starting at once:

    batch    POST /api/v1/sync with the whole week in `push` (what the PWA does), then further pulls if `more`
    single   PUT /api/v1/records/<id> once per record, then POST /api/v1/sync pulls until `more` is false

For every store a fresh server runs in a subprocess (bench/seeded_server.py: waitress, 8 threads, as `flask
serve`). Measured per store and way: records per second over a round (N x RECORDS / wall time from the
start until the last device is done), request latency p50/p95, and how long one device takes to sync its
week (p50/p95). The ratio compares records per second of batch and single.

On loopback a request costs the server's work only. A device in the field also waits a network round trip
per request; --rtt adds one (a pause in the client around each request, as a mobile network would; bandwidth
is not simulated, and both ways send the same records).

    python bench/sync_throughput.py [--devices 8] [--records 50] [--rounds 3] [--stores memory,tinydb,postgresql]
                                   [--rtt 0] [--postgresql URL]

scripts/bench runs it twice: 8 devices on loopback (what the server can take), and one device over a 50 ms
round trip (what a counsellor waits for).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench import seeded_server  # noqa: E402
from bench.device import Device  # noqa: E402
from tests.live_server import running_server  # noqa: E402
from tests.postgres import temporary_database  # noqa: E402

CASES = 5  # a counsellor's week touches a few clients


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def week(device: Device, records: int) -> list[dict]:
    """A week of work: new records in a few new cases (created first; the device's cursor moves past them)."""
    changes = device.records([device.new_case() for _ in range(CASES)], records)
    device.pull()
    return changes


def run_round(devices: list[Device], way: str, records: int) -> dict:
    weeks = [(device, week(device, records)) for device in devices]
    start = threading.Barrier(len(devices) + 1)
    durations: list[float] = []

    def sync(device: Device, changes: list[dict]) -> None:
        device.requests.clear()
        start.wait()
        began = time.perf_counter()
        if way == "batch":
            device.push(changes)
        else:
            device.put_each(changes)
        durations.append(time.perf_counter() - began)

    threads = [threading.Thread(target=sync, args=week_) for week_ in weeks]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return {"records_per_s": len(devices) * records / wall, "durations": durations,
            "latencies": [seconds for device in devices for seconds, _ in device.requests]}


def summary(runs: list[dict]) -> dict:
    latencies = [x for r in runs for x in r["latencies"]]
    durations = [x for r in runs for x in r["durations"]]
    return {"records_per_s": statistics.median(r["records_per_s"] for r in runs),
            "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
            "requests_per_week": len(latencies) / len(durations),
            "device_p50": percentile(durations, 50), "device_p95": percentile(durations, 95)}


def measure(store: str, env: dict, directory: Path, devices: int, records: int, rounds: int,
            rtts: list[float]) -> list[dict]:
    rows = []
    with running_server(directory, env, command=(*seeded_server.COMMAND, "--orgs", str(devices))) as base_url:
        clients = [Device(base_url, org, seed=org) for org in range(devices)]
        run_round(clients, "batch", 5)  # warm up: connections, pools, caches
        for rtt in rtts:
            for device in clients:
                device.rtt = rtt
            runs = {way: [] for way in ("batch", "single")}
            for _ in range(rounds):
                for way in runs:
                    runs[way].append(run_round(clients, way, records))
            rows.append({"store": store, "rtt": rtt, **{way: summary(r) for way, r in runs.items()}})
        for device in clients:
            device.close()
    print(f"  measured {store}", file=sys.stderr)
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| store | network round trip | way | records/s | request p50 (ms) | request p95 (ms) "
             "| requests per device week | one device's week p50 (ms) | p95 (ms) | batch / single |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        ratio = row["batch"]["records_per_s"] / row["single"]["records_per_s"]
        rtt = "none (loopback)" if row["rtt"] == 0 else f"{row['rtt'] * 1000:.0f} ms"
        for way in ("batch", "single"):
            m = row[way]
            lines.append(f"| {row['store']} | {rtt} | {way} | {m['records_per_s']:,.0f} | {m['p50'] * 1000:.1f} | "
                         f"{m['p95'] * 1000:.1f} | {m['requests_per_week']:.1f} | {m['device_p50'] * 1000:,.0f} | "
                         f"{m['device_p95'] * 1000:,.0f} | " + (f"**{ratio:.1f}x**" if way == "batch" else "") + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=8)
    parser.add_argument("--records", type=int, default=50, help="records in each device's week of work")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per way (records/s: the median round)")
    parser.add_argument("--stores", default="memory,tinydb,postgresql")
    parser.add_argument("--rtt", default="0", help="network round trips to simulate, in ms, comma-separated "
                                                   "(0: loopback only)")
    parser.add_argument("--postgresql", default=os.environ.get("SAFEFUTURE_BENCH_PG"),
                        help="a PostgreSQL server URL (default: $SAFEFUTURE_BENCH_PG); a database is created on it")
    args = parser.parse_args()
    stores = args.stores.split(",")
    if "postgresql" in stores and not args.postgresql:
        print("  no --postgresql server given: PostgreSQL left out", file=sys.stderr)
        stores.remove("postgresql")
    started = time.perf_counter()
    rtts = [float(ms) / 1000 for ms in args.rtt.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for store in stores:
            with ExitStack() as stack:
                kind = stack.enter_context(temporary_database(args.postgresql)) if store == "postgresql" else store
                rows += measure(store, {"SAFEFUTURE_STORE": kind}, Path(directory) / store, args.devices,
                                args.records, args.rounds, rtts)
    print(f"{args.devices} device(s) at once, each syncing {args.records} new records (~3 KB) in {CASES} cases "
          f"and pulling; median of {args.rounds} rounds; run took {time.perf_counter() - started:.0f} s\n")
    print(table(rows))


if __name__ == "__main__":
    main()
