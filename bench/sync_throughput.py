"""Benchmark (not a test): sync throughput of one server, batched sync versus one request per record.

N simulated devices (threads on loopback; each a counsellor of its own organisation, with its own session and
keep-alive connection) each sync a week of offline work, RECORDS new Overzicht 1 records of ~3 KB in one case,
and then pull the change feed until it has no more. Two ways, each device starting at the same moment:

    batch    POST /api/v1/sync with the whole week in `push` (what the PWA does), then further pulls if `more`
    single   PUT /api/v1/records/<id> once per record, then POST /api/v1/sync pulls until `more` is false

For every store a fresh server runs in a subprocess (bench/seeded_server.py: waitress, 8 threads, as `flask
serve`). Measured per store and way: records per second over a round (N x RECORDS / wall time from the
start until the last device is done), request latency p50/p95, and how long one device takes to sync its
week (p50/p95). The ratio compares records per second of batch and single.

    python bench/sync_throughput.py [--devices 8] [--records 50] [--rounds 3] [--stores memory,tinydb,postgresql]
                                   [--postgresql URL]
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
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench.seeded_server import PASSWORD, email  # noqa: E402
from bench.workload import answers  # noqa: E402
from tests.live_server import ApiClient, running_server  # noqa: E402
from tests.postgres import temporary_database  # noqa: E402

SEEDED_SERVER = (sys.executable, str(Path(__file__).resolve().parent / "seeded_server.py"))


class Device:
    """One device: a logged-in counsellor with a case to fill and a cursor in the change feed."""

    def __init__(self, base_url: str, org: int):
        self.client = ApiClient(base_url).login(email(org), PASSWORD)
        self.rng = random.Random(org)
        self.cursor = self.pull(None, [])

    def new_case(self) -> str:
        case_id = str(uuid.uuid4())
        status, body, _ = self.client.request("POST", "/api/v1/cases", {"id": case_id, "client_code": "C-1",
                                                                         "country_of_origin": "BG"})
        assert status == 201, body
        self.cursor = self.pull(self.cursor, [])
        return case_id

    def week(self, case_id: str, records: int) -> list[dict]:
        return [{"id": str(uuid.uuid4()), "case_id": case_id, "form_id": "overzicht-1", "form_version": 1,
                 "status": "draft", "data": answers(self.rng, n), "base_rev": None} for n in range(records)]

    def timed(self, latencies: list[float], method: str, path: str, body) -> dict:
        start = time.perf_counter()
        status, answer, _ = self.client.request(method, path, body)
        latencies.append(time.perf_counter() - start)
        assert status in (200, 201), (status, answer)
        return answer

    def pull(self, cursor, latencies: list[float], first: dict | None = None) -> int:
        """Pull until the feed has no more (starting from the answer `first` already received, if any)."""
        answer = first or self.timed(latencies, "POST", "/api/v1/sync", {"since": cursor})
        while answer["more"]:
            answer = self.timed(latencies, "POST", "/api/v1/sync", {"since": answer["cursor"]})
        return answer["cursor"]

    def sync_batch(self, changes: list[dict], latencies: list[float]) -> None:
        answer = self.timed(latencies, "POST", "/api/v1/sync", {"push": changes, "since": self.cursor})
        assert all(r["status"] == "ok" for r in answer["results"]), answer["results"]
        self.cursor = self.pull(None, latencies, first=answer)

    def sync_single(self, changes: list[dict], latencies: list[float]) -> None:
        for change in changes:
            self.timed(latencies, "PUT", f"/api/v1/records/{change['id']}",
                       {k: v for k, v in change.items() if k != "id"})
        self.cursor = self.pull(self.cursor, latencies)


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def run_round(devices: list[Device], way: str, records: int) -> dict:
    weeks = [(device, device.week(device.new_case(), records)) for device in devices]
    start = threading.Barrier(len(devices) + 1)
    latencies: list[float] = []
    durations: list[float] = []

    def sync(device: Device, changes: list[dict]) -> None:
        start.wait()
        began = time.perf_counter()
        (device.sync_batch if way == "batch" else device.sync_single)(changes, latencies)
        durations.append(time.perf_counter() - began)

    threads = [threading.Thread(target=sync, args=week) for week in weeks]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    return {"records_per_s": len(devices) * records / wall, "latencies": latencies, "durations": durations}


def measure(store: str, env: dict, directory: Path, devices: int, records: int, rounds: int) -> dict:
    with running_server(directory, env, command=(*SEEDED_SERVER, "--orgs", str(devices))) as base_url:
        clients = [Device(base_url, org) for org in range(devices)]
        run_round(clients, "batch", 5)  # warm up: connections, pools, caches
        results = {way: [] for way in ("batch", "single")}
        for _ in range(rounds):
            for way in results:
                results[way].append(run_round(clients, way, records))
        for device in clients:
            device.client.close()
    out = {}
    for way, runs in results.items():
        latencies = [x for r in runs for x in r["latencies"]]
        durations = [x for r in runs for x in r["durations"]]
        out[way] = {"records_per_s": statistics.median(r["records_per_s"] for r in runs),
                    "p50": percentile(latencies, 50), "p95": percentile(latencies, 95),
                    "requests_per_week": len(latencies) / len(durations),
                    "device_p50": percentile(durations, 50), "device_p95": percentile(durations, 95)}
    print(f"  measured {store}", file=sys.stderr)
    return out


def table(results: dict[str, dict]) -> str:
    lines = ["| store | way | records/s | request p50 (ms) | request p95 (ms) | requests per device week "
             "| one device's week p50 (ms) | p95 (ms) | batch / single |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for store, ways in results.items():
        ratio = ways["batch"]["records_per_s"] / ways["single"]["records_per_s"]
        for way, m in ways.items():
            lines.append(f"| {store} | {way} | {m['records_per_s']:,.0f} | {m['p50'] * 1000:.1f} | "
                         f"{m['p95'] * 1000:.1f} | {m['requests_per_week']:.0f} | {m['device_p50'] * 1000:,.0f} | "
                         f"{m['device_p95'] * 1000:,.0f} | " + (f"**{ratio:.1f}x**" if way == "batch" else "") + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=8)
    parser.add_argument("--records", type=int, default=50, help="records in each device's week of work")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per way (records/s: the median round)")
    parser.add_argument("--stores", default="memory,tinydb,postgresql")
    parser.add_argument("--postgresql", default=os.environ.get("SAFEFUTURE_BENCH_PG"),
                        help="a PostgreSQL server URL (default: $SAFEFUTURE_BENCH_PG); a database is created on it")
    args = parser.parse_args()
    stores = args.stores.split(",")
    if "postgresql" in stores and not args.postgresql:
        print("  no --postgresql server given: PostgreSQL left out", file=sys.stderr)
        stores.remove("postgresql")
    started = time.perf_counter()
    results = {}
    with tempfile.TemporaryDirectory() as directory:
        for store in stores:
            with ExitStack() as stack:
                kind = stack.enter_context(temporary_database(args.postgresql)) if store == "postgresql" else store
                results[store] = measure(store, {"SAFEFUTURE_STORE": kind}, Path(directory) / store, args.devices,
                                         args.records, args.rounds)
    print(f"{args.devices} devices at once, each syncing {args.records} new records (~3 KB) and pulling; "
          f"median of {args.rounds} rounds; run took {time.perf_counter() - started:.0f} s\n")
    print(table(results))


if __name__ == "__main__":
    main()
