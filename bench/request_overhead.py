"""Benchmark (not a test): what the checks of issue 14 add to every API request, on the TinyDB store.

One organisation with 20 cases; GET /api/v1/cases through Flask's test client (no network), as
  - an ordinary cookie session (scripts, tests);
  - the app's lockable session (the cookie plus X-Session-Key);
  - the same with X-Device-Id and X-Unsent-Changes (the device is looked up for a wipe, its contact noted at
    most once a minute).
Prints the median and the 90th percentile of `--repeat` requests, and the ratio to the cookie session.

    python bench/request_overhead.py [--repeat 300]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from app import create_app  # noqa: E402
from app.services import accounts  # noqa: E402

PASSWORD = "correct horse battery staple"
HEADERS = {"X-Requested-With": "safefuture"}


def timed(variants: list, repeat: int) -> list[list[float]]:
    """Milliseconds per request of each variant, the variants taking turns (a busy machine slows all alike)."""
    times: list[list[float]] = [[] for _ in variants]
    for _ in range(repeat):
        for (_, client, headers), out in zip(variants, times):
            start = time.perf_counter()
            response = client.get("/api/v1/cases", headers=headers)
            out.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.json
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATA_DIR": Path(tmp) / "instance", "STORE": "tinydb"})
        c = app.extensions["safefuture"]
        accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
        accounts.create_user(c, "anna@shelter-a.nl", "shelter-a", "counsellor", PASSWORD)
        plain, lockable = app.test_client(), app.test_client()
        assert plain.post("/api/v1/session", json={"email": "anna@shelter-a.nl", "password": PASSWORD},
                          headers=HEADERS).status_code == 200
        key = lockable.post("/api/v1/session", json={"email": "anna@shelter-a.nl", "password": PASSWORD,
                                                     "lockable": True}, headers=HEADERS).json["session_key"]
        for n in range(20):
            plain.post("/api/v1/cases", json={"id": str(uuid.uuid4()), "client_code": f"B-{n}",
                                              "country_of_origin": "NG"}, headers=HEADERS)
        device = {"X-Session-Key": key, "X-Device-Id": str(uuid.uuid4()), "X-Unsent-Changes": "0"}
        variants = [("cookie session", plain, {}), ("lockable session (X-Session-Key)", lockable, {"X-Session-Key": key}),
                    ("lockable + X-Device-Id + X-Unsent-Changes", lockable, device)]
        timed(variants, 20)  # warm up
        results = [(name, times) for (name, _, _), times in zip(variants, timed(variants, args.repeat))]
        base = statistics.median(results[0][1])
        print(f"GET /api/v1/cases, TinyDB, 20 cases, {args.repeat} requests each\n")
        print("| session | median ms | p90 ms | ratio |\n|---|---:|---:|---:|")
        for name, times in results:
            median = statistics.median(times)
            p90 = statistics.quantiles(times, n=10)[-1]
            print(f"| {name} | {median:.2f} | {p90:.2f} | {median / base:.2f} |")
        c.store.close()


if __name__ == "__main__":
    main()
