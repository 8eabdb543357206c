"""Benchmark (not a test): does the server's memory level off under a long, steady load?

DEVICES simulated devices (threads on loopback, three per organisation, each with its own session and keep-alive
connection) work against one real server in a subprocess (bench/seeded_server.py: waitress, 8 threads, as
`flask serve`) for MINUTES minutes. Each device repeats, with a pause of 0.5–1.5 s between steps, a field
worker's day in small pieces:

    autosave     PUT /api/v1/records/<id>, a new revision of one of its records (most steps)
    sync         POST /api/v1/sync with a few changes (new records until it has RECORDS, else revisions), then
                 pull until `more` is false
    pull         POST /api/v1/sync with only its cursor
    read         GET /cases, GET /cases/<id>, GET /records/<id>, GET /cases/<id>/overview, GET /inbox
    refused      a change that breaks its form (422), an unknown record (404), no session (401)
    new session  DELETE /api/v1/session, then log in again

So the data grows by revisions (as autosave makes it grow in the field), the number of records is bounded
(DEVICES x RECORDS), and every kind of request runs thousands of times. Every INTERVAL seconds the table gets a
row: the server's resident memory (VmRSS from /proc) at that moment and its low and high within the interval
(sampled every 2 s: a big answer briefly takes memory that is then given back), the requests answered in that
interval, what the store holds, and what glibc's malloc holds (bench/seeded_server.py reports mallinfo2 on a
signal): bytes in use, and free bytes it keeps instead of handing them back; and how much of the RSS is anonymous
memory (heaps, stacks, Python's own object arenas, which it maps apart from malloc) and how much mapped files
(the interpreter and its libraries). A leak shows as a low (and bytes in
use) that keep rising after the first minutes; caches fill once and then stay. At the end the server is asked to
malloc_trim(0), and its RSS after that is reported.

    python bench/soak.py [--minutes 30] [--devices 30] [--records 20] [--store tinydb|postgresql|memory]
                         [--interval 60] [--postgresql URL]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench import seeded_server  # noqa: E402
from bench.seeded_server import PASSWORD, email  # noqa: E402
from bench.workload import answers  # noqa: E402
from tests.live_server import ApiClient, server_process  # noqa: E402
from tests.postgres import temporary_database  # noqa: E402

DEVICES_PER_ORG = 3
CASES_PER_DEVICE = 2
SAMPLE_EVERY = 2.0  # seconds between RSS samples within an interval (its low and high)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


class Tally:
    """Counts shared by the device threads: answers by status, and what was stored."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.unexpected: list[str] = []
        self.records = 0
        self.revisions = 0

    def add(self, status: int, expected: tuple[int, ...], what: str) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status not in expected and len(self.unexpected) < 20:
                self.unexpected.append(f"{what} answered {status}")


class SoakDevice(threading.Thread):
    def __init__(self, base_url: str, org: int, seed: int, tally: Tally, stop: threading.Event, max_records: int):
        super().__init__(daemon=True)
        self.base_url, self.org, self.tally, self.stop, self.max_records = base_url, org, tally, stop, max_records
        self.rng = random.Random(seed)
        self.client = ApiClient(base_url)
        self.cursor: int | None = None
        self.cases: list[str] = []
        self.revs: dict[str, tuple[str, str]] = {}  # record id -> (case id, current revision)

    def call(self, method: str, path: str, body=None, expected: tuple[int, ...] = (200, 201)) -> dict | None:
        status, answer, _ = self.client.request(method, path, body)
        self.tally.add(status, expected, f"{method} {path.split('/')[3]}")
        return answer if status in (200, 201) else None

    def login(self) -> None:
        self.client.cookie = None
        self.call("POST", "/api/v1/session", {"email": email(self.org), "password": PASSWORD})

    def change(self, record_id: str | None = None) -> dict:
        if record_id is None:
            record_id, case_id, base = str(uuid.uuid4()), self.rng.choice(self.cases), None
        else:
            case_id, base = self.revs[record_id]
        return {"id": record_id, "case_id": case_id, "form_id": "overzicht-1", "form_version": 1,
                "status": "draft", "data": answers(self.rng, self.rng.randrange(1000)), "base_rev": base}

    def saved(self, change: dict, rev: str) -> None:
        with self.tally.lock:
            if change["base_rev"] is None:
                self.tally.records += 1
            self.tally.revisions += 1
        self.revs[change["id"]] = (change["case_id"], rev)

    def pull(self, answer: dict | None = None) -> None:
        answer = answer or self.call("POST", "/api/v1/sync", {"since": self.cursor})
        while answer and answer["more"]:
            answer = self.call("POST", "/api/v1/sync", {"since": answer["cursor"]})
        if answer:
            self.cursor = answer["cursor"]

    def autosave(self) -> None:
        if not self.revs:
            return self.sync()
        change = self.change(self.rng.choice(list(self.revs)))
        answer = self.call("PUT", f"/api/v1/records/{change['id']}", {k: v for k, v in change.items() if k != "id"})
        if answer:
            self.saved(change, answer["rev"])

    def sync(self) -> None:
        changes = []
        for _ in range(self.rng.randint(1, 4)):
            new = len(self.revs) + sum(c["base_rev"] is None for c in changes) < self.max_records
            ids = [i for i in self.revs if i not in {c["id"] for c in changes}]
            changes.append(self.change(None if new or not ids else self.rng.choice(ids)))
        answer = self.call("POST", "/api/v1/sync", {"push": changes, "since": self.cursor})
        if answer:
            for change, result in zip(changes, answer["results"]):
                if result["status"] == "ok":
                    self.saved(change, result["rev"])
            self.pull(answer)

    def read(self) -> None:
        self.call("GET", "/api/v1/cases")
        case_id = self.rng.choice(self.cases)
        self.call("GET", f"/api/v1/cases/{case_id}")
        self.call("GET", f"/api/v1/cases/{case_id}/overview")
        if self.revs:
            self.call("GET", f"/api/v1/records/{self.rng.choice(list(self.revs))}")
        self.call("GET", "/api/v1/inbox")

    def refused(self) -> None:
        bad = self.change()
        bad["data"] = {"scored_on": "yesterday", "nl": {"f1": {"score": "+++"}}}
        self.call("PUT", f"/api/v1/records/{bad['id']}", {k: v for k, v in bad.items() if k != "id"}, (422,))
        self.call("GET", f"/api/v1/records/{uuid.uuid4()}", expected=(404,))
        stranger = ApiClient(self.base_url)  # no session (wrong passwords would lock the devices' address out)
        try:
            status, _, _ = stranger.request("GET", "/api/v1/cases")
            self.tally.add(status, (401,), "GET cases without a session")
        finally:
            stranger.close()

    def new_session(self) -> None:
        self.call("DELETE", "/api/v1/session", expected=(204,))
        self.login()

    def run(self) -> None:
        self.login()
        for _ in range(CASES_PER_DEVICE):
            case_id = str(uuid.uuid4())
            self.call("POST", "/api/v1/cases", {"id": case_id, "client_code": f"S-{case_id[:6]}",
                                                "country_of_origin": "BG"})
            self.cases.append(case_id)
        steps = [(self.autosave, 55), (self.sync, 15), (self.pull, 15), (self.read, 10), (self.refused, 3),
                 (self.new_session, 2)]
        actions, weights = zip(*steps)
        while not self.stop.wait(self.rng.uniform(0.5, 1.5)):
            try:
                self.rng.choices(actions, weights)[0]()
            except OSError as error:  # the server is gone or overloaded: counted, and the device reconnects
                self.tally.add(0, (), f"connection: {error}")
                self.client.close()
                self.client = ApiClient(self.base_url, self.client.cookie)
        self.client.close()


def malloc_report(process, directory: Path, trim: bool = False) -> dict:
    """What the server's malloc holds (bench/seeded_server.py answers the signal); with `trim`, also its RSS
    after malloc_trim(0)."""
    path = directory / "memory.jsonl"
    before = len(path.read_text().splitlines()) if path.exists() else 0
    process.send_signal(signal.SIGUSR2 if trim else signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = path.read_text().splitlines() if path.exists() else []
        if len(lines) > before and lines[-1].endswith("}"):
            return json.loads(lines[-1])
        time.sleep(0.1)
    raise RuntimeError("the server did not report its memory")


def soak(store: str, env: dict, directory: Path, minutes: float, devices: int, records: int,
         interval: float) -> dict:
    orgs = -(-devices // DEVICES_PER_ORG)
    rows = []
    tally = Tally()
    stop = threading.Event()
    with server_process(directory, env, command=(*seeded_server.COMMAND, "--orgs", str(orgs))) as (url, process):
        rss = rss_mb(process.pid)
        rows.append({"minute": 0, "rss": rss, "low": rss, "high": rss, "requests": 0, "records": 0, "revisions": 0,
                     **malloc_report(process, directory)})
        threads = [SoakDevice(url, n // DEVICES_PER_ORG, n, tally, stop, records) for n in range(devices)]
        for t in threads:
            t.start()
        began = time.monotonic()
        answered, samples = 0, []
        for n in range(1, int(minutes * 60 / interval) + 1):
            while (now := time.monotonic()) < began + n * interval:
                samples.append(rss_mb(process.pid))
                time.sleep(min(SAMPLE_EVERY, began + n * interval - now))
            rss = rss_mb(process.pid)
            samples.append(rss)
            with tally.lock:
                total = sum(tally.statuses.values())
                rows.append({"minute": n * interval / 60, "rss": rss, "low": min(samples), "high": max(samples),
                             "requests": total - answered, "records": tally.records, "revisions": tally.revisions,
                             **malloc_report(process, directory)})
            answered, samples = total, []
            print(f"  {store} {rows[-1]}", file=sys.stderr)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        trimmed = malloc_report(process, directory, trim=True)
    return {"store": store, "rows": rows, "statuses": tally.statuses, "unexpected": tally.unexpected,
            "interval": interval, "trimmed": trimmed}


def slope(rows: list[dict], key: str) -> float:
    """Least-squares growth of RSS (`key`: rss or low) in MB per minute over these rows."""
    xs, ys = [r["minute"] for r in rows], [r[key] for r in rows]
    return statistics.linear_regression(xs, ys).slope if len(rows) > 1 else 0.0


def report(result: dict) -> str:
    rows = result["rows"]
    seconds = result["interval"]
    lines = ["| minute | server RSS (MB) | low (MB) | high (MB) | anonymous (MB) | files (MB) | malloc in use (MB) "
             "| malloc free, kept (MB) | pymalloc live (MB) | pymalloc arenas (MB) | objects tracked | requests "
             "| requests/s | records stored | revisions stored |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['minute']:g} | {r['rss']:.1f} | {r['low']:.1f} | {r['high']:.1f} | {r['anon']:.1f} "
                     f"| {r['file']:.1f} | {r['malloc_in_use']:.1f} | {r['malloc_free_kept']:.1f} "
                     f"| {r['pymalloc_live']:.1f} | {r['pymalloc_arenas']:.1f} | {r['objects']:,} | {r['requests']:,} "
                     f"| {r['requests'] / seconds:.1f} | {r['records']:,} | {r['revisions']:,} |")
    half = rows[len(rows) // 2:]
    statuses = ", ".join(f"{status}: {count:,}" for status, count in sorted(result["statuses"].items()))
    lines += ["", f"{result['store']}: RSS {rows[0]['rss']:.1f} MB at start, {max(r['high'] for r in rows):.1f} MB "
                  f"at most, {rows[-1]['rss']:.1f} MB at the end; over the second half the low of each interval "
                  f"went from {half[0]['low']:.1f} to {half[-1]['low']:.1f} MB ({slope(half, 'low'):+.3f} MB per "
                  f"minute), the value at each mark {slope(half, 'rss'):+.3f} MB per minute (anonymous memory "
                  f"{slope(half, 'anon'):+.3f}, mapped files {slope(half, 'file'):+.3f}); malloc's bytes in use "
                  f"{slope(half, 'malloc_in_use'):+.3f} MB per minute, its free bytes kept "
                  f"{slope(half, 'malloc_free_kept'):+.3f} MB per minute; pymalloc's live blocks "
                  f"{slope(half, 'pymalloc_live'):+.3f} and its arenas {slope(half, 'pymalloc_arenas'):+.3f} MB per "
                  f"minute, objects tracked {slope(half, 'objects'):+,.0f} per minute. After the load, RSS "
                  f"{result['trimmed']['rss']:.1f} MB, {result['trimmed']['rss_after_trim']:.1f} MB once "
                  f"malloc_trim(0) handed its free memory back. "
                  f"Answers by status: {statuses}."]
    if result["unexpected"]:
        lines.append("Unexpected answers (first 20): " + "; ".join(result["unexpected"]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--devices", type=int, default=30)
    parser.add_argument("--records", type=int, default=20, help="records each device makes at most")
    parser.add_argument("--interval", type=float, default=60, help="seconds between RSS samples")
    parser.add_argument("--store", default="tinydb", choices=("tinydb", "postgresql", "memory"))
    parser.add_argument("--postgresql", default=os.environ.get("SAFEFUTURE_BENCH_PG"),
                        help="a PostgreSQL server URL (default: $SAFEFUTURE_BENCH_PG); a database is created on it")
    args = parser.parse_args()
    if args.store == "postgresql" and not args.postgresql:
        parser.error("--store postgresql needs --postgresql or $SAFEFUTURE_BENCH_PG")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as directory, ExitStack() as stack:
        kind = stack.enter_context(temporary_database(args.postgresql)) if args.store == "postgresql" else args.store
        result = soak(args.store, {"SAFEFUTURE_STORE": kind}, Path(directory) / args.store, args.minutes,
                      args.devices, args.records, args.interval)
    print(f"{args.devices} devices for {args.minutes:g} minutes against one server ({args.store}), a step every "
          f"0.5–1.5 s each, at most {args.records} records per device; run took "
          f"{time.perf_counter() - started:.0f} s\n")
    print(report(result))


if __name__ == "__main__":
    main()
