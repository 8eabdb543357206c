"""An app server for the benchmarks: the app as `flask serve` runs it (waitress), after creating organisations
and users in its own store, so that also the in-memory store, which lives inside this process, can be measured.

    python bench/seeded_server.py --orgs 8 --host 127.0.0.1 --port 5000 --threads 8

Creates organisations bench-0 … bench-{n-1}, each with the counsellor counsellor@bench-<i>.example and the
password in PASSWORD. Store and data directory come from the environment (SAFEFUTURE_STORE, SAFEFUTURE_DATA_DIR).

For bench/soak.py, where memory goes: on SIGUSR1 the server appends to <data dir>/memory.jsonl its RSS and what
glibc's malloc holds (mallinfo2: bytes in use, bytes free but kept), what Python's own allocator holds (pymalloc,
whose arenas are mapped apart from malloc: bytes in live small objects, and its arenas' bytes) and how many objects
the garbage collector tracks; on SIGUSR2 the same, then malloc_trim(0) (free memory handed back to the system), then
its RSS again.
"""
from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import re
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from waitress import serve  # noqa: E402

from app import create_app  # noqa: E402
from app.process_memory import pin_mmap_threshold  # noqa: E402
from app.services import accounts  # noqa: E402

PASSWORD = "bench password, not a secret"
COMMAND = (sys.executable, str(Path(__file__).resolve()))  # for tests.live_server.running_server


def email(org: int) -> str:
    return f"counsellor@bench-{org}.example"


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]


def rss_mb(field: str = "VmRSS") -> float:
    """A line of /proc/self/status in MB: VmRSS (all), RssAnon (heaps, stacks), RssFile (mapped files: libraries)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pymalloc_mb() -> dict:
    """Python's small-object allocator, from sys._debugmallocstats (which writes to the C stderr): bytes in live
    blocks and bytes of the arenas holding them (their difference is free space inside arenas that pymalloc keeps
    as long as one block of an arena lives)."""
    with tempfile.TemporaryFile() as out:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read().decode(errors="replace")
    live = re.search(r"# bytes in allocated blocks\s*=\s*([\d,]+)", text)
    arenas = re.search(r"arenas \* \d+ bytes/arena\s*=\s*([\d,]+)", text)
    number = lambda m: int(m.group(1).replace(",", "")) / 2**20 if m else float("nan")  # noqa: E731
    return {"pymalloc_live": number(live), "pymalloc_arenas": number(arenas)}


def report_memory(signum, frame) -> None:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()  # summed over every arena
    line = {"rss": rss_mb(), "anon": rss_mb("RssAnon"), "file": rss_mb("RssFile"), "malloc_in_use": (info.uordblks + info.hblkhd) / 2**20,
            "malloc_free_kept": info.fordblks / 2**20, "arena": info.arena / 2**20, **pymalloc_mb(),
            "objects": len(gc.get_objects())}
    if signum == signal.SIGUSR2:
        libc.malloc_trim(0)
        line["rss_after_trim"] = rss_mb()
    with open(Path(os.environ["SAFEFUTURE_DATA_DIR"]) / "memory.jsonl", "a") as out:
        out.write(json.dumps(line) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    pin_mmap_threshold()  # as `flask serve` does
    signal.signal(signal.SIGUSR1, report_memory)
    signal.signal(signal.SIGUSR2, report_memory)
    app = create_app()
    c = app.extensions["safefuture"]
    for org in range(args.orgs):
        if c.store.get_org(f"bench-{org}") is None:
            accounts.create_org(c, f"bench-{org}", f"Bench {org}", "NL", "counselling")
            accounts.create_user(c, email(org), f"bench-{org}", "counsellor", PASSWORD)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="safefuture")


if __name__ == "__main__":
    main()
