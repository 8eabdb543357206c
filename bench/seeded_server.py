"""An app server for the benchmarks: the app as `flask serve` runs it (waitress), after creating organisations
and users in its own store, so that also the in-memory store, which lives inside this process, can be measured.

    python bench/seeded_server.py --orgs 8 --host 127.0.0.1 --port 5000 --threads 8

Creates organisations bench-0 … bench-{n-1}, each with the counsellor counsellor@bench-<i>.example and the
password in PASSWORD. Store and data directory come from the environment (SAFEFUTURE_STORE, SAFEFUTURE_DATA_DIR).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from waitress import serve  # noqa: E402

from app import create_app  # noqa: E402
from app.services import accounts  # noqa: E402

PASSWORD = "bench password, not a secret"
COMMAND = (sys.executable, str(Path(__file__).resolve()))  # for tests.live_server.running_server


def email(org: int) -> str:
    return f"counsellor@bench-{org}.example"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    app = create_app()
    c = app.extensions["safefuture"]
    for org in range(args.orgs):
        if c.store.get_org(f"bench-{org}") is None:
            accounts.create_org(c, f"bench-{org}", f"Bench {org}", "NL", "counselling")
            accounts.create_user(c, email(org), f"bench-{org}", "counsellor", PASSWORD)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="safefuture")


if __name__ == "__main__":
    main()
