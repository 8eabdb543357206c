"""PDF export benchmark (not a timed test): median seconds per PDF for a full action plan and for dossiers of 5,
20 and 50 records, for each installed engine, through the real HTTP route.

    python bench/pdf.py [--runs 3] [--sizes 5,20,50]

The action plan is the synthetic long instrument of the PDF tests (every field kind, long texts near their
maximum length). A dossier holds half filled Overzicht 1 records and half action plans, each with a text of its
own (so no two records print alike). "cold" empties the cache of rendered records before each run, "warm"
prints the same dossier again (every record cached); "1 process" renders one record at a time, "N processes"
as many at once as the server's default (one per core). "CPU s" is the CPU time of the print in the server and
in every render process (with the warm-up of the spare render processes it used, done before it), which the
machine's load does not change (much). Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import multiprocessing.forkserver
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from app import create_app  # noqa: E402
from app.pdf import available_engines, start as start_engine  # noqa: E402
from app.services import accounts  # noqa: E402
from tests.conftest import PASSWORD, Api, change  # noqa: E402
from tests.pdf.helpers import FIXTURES, page_count  # noqa: E402
from tests.pdf.test_export import filled_overzicht1, long_plan  # noqa: E402


def make_app(tmp: Path, engine: str):
    forms = tmp / f"forms-{engine}"
    forms.mkdir()
    for schema in [*(PROJECT / "forms").glob("*.schema.json"), *(FIXTURES / "forms").glob("*.schema.json")]:
        shutil.copy(schema, forms / schema.name)
    app = create_app({"TESTING": True, "DATA_DIR": tmp / f"data-{engine}", "STORE": "memory", "PDF_ENGINE": engine,
                      "FORMS_DIR": forms, "PDF_TIMEOUT_SECONDS": 600})
    c = app.extensions["safefuture"]
    accounts.create_org(c, "bench-org", "Bench Shelter", "NL", "counselling")
    accounts.create_user(c, "bench@example.org", "bench-org", "counsellor", PASSWORD)
    return app


def save(api: Api, case_id: str, data: dict, form_id: str) -> str:
    record_id = str(uuid.uuid4())
    r = api.put(f"/api/v1/records/{record_id}", change(case_id, data, form_id=form_id))
    assert r.status_code == 201, r.json
    return record_id


def dossier(api: Api, records: int) -> str:
    """A case with `records` records: half action plans, half Overzicht 1, each with a text of its own."""
    case_id = api.new_case(code=f"BENCH-{records}")
    for n in range(records):
        if n < records // 2:
            data = long_plan()
            data["safety"] += f"\nRecord {n}"
            save(api, case_id, data, "long-plan")
        else:
            data = filled_overzicht1()
            data["occasion"] = f"Talk number {n} about the future"
            save(api, case_id, data, "overzicht-1")
    return case_id


def cpu_seconds() -> float:
    """CPU time of this process, its finished children (wkhtmltopdf) and the finished children of WeasyPrint's
    fork server (the render processes): what a print costs whatever else the machine is doing."""
    total = time.process_time() + sum(getattr(os.times(), f) for f in ("children_user", "children_system"))
    server = getattr(multiprocessing.forkserver._forkserver, "_forkserver_pid", None)
    if server:
        fields = Path(f"/proc/{server}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")  # cutime, cstime
    return total


# A pause before each print, as between two prints on a server: the render processes that the server keeps ready
# (app/pdf/weasy.py) are replaced after each printout, in the background.
PAUSE_SECONDS = 1.0


def timed(app, api: Api, url: str, runs: int, cold: bool) -> tuple[float, float, int, int]:
    """(median seconds, median CPU seconds, pages, bytes)."""
    times, cpu, response = [], [], None
    cache = app.extensions["safefuture"].extras.get("pdf_cache")
    for _ in range(runs):
        if cold and cache is not None:
            cache.clear()
        time.sleep(PAUSE_SECONDS)
        started, started_cpu = time.perf_counter(), cpu_seconds()
        response = api.get(url)
        times.append(time.perf_counter() - started)
        cpu.append(cpu_seconds() - started_cpu)
        assert response.status_code == 200, response.get_json()
    return statistics.median(times), statistics.median(cpu), page_count(response.data), len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="measured runs per row (after one warm-up print)")
    parser.add_argument("--sizes", default="5,20,50", help="dossier sizes in records")
    parser.add_argument("--engines", default=",".join(available_engines()), help="the engines to measure")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    cores = os.cpu_count() or 1
    # The interpreter matters: WeasyPrint is about half pure Python (README, "PDF export").
    print(f"{cores} cores; Python {sys.version.split()[0]} ({sys.base_prefix}); "
          f"load average at the start {os.getloadavg()[0]:.1f}\n")
    print("| PDF | engine | cache | processes | median s | CPU s | pages | KB |")
    print("|---|---|---|---:|---:|---:|---:|---:|", flush=True)

    def row(name, engine, cache, processes, median, cpu, pages, size):
        print(f"| {name} | {engine} | {cache} | {processes} | {median:.2f} | {cpu:.2f} | {pages} | {size / 1024:.0f} |",
              flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.engines.split(","):
            app = make_app(Path(tmp), engine)
            start_engine(engine)  # as the server does at its start
            api = Api(app, "bench@example.org")
            plan_case = api.new_case(code="PLAN")
            plan = save(api, plan_case, long_plan(), "long-plan")
            timed(app, api, f"/api/v1/records/{plan}/pdf?lang=en", 1, cold=True)  # starts the render processes
            row("action plan", engine, "cold", cores, *timed(app, api, f"/api/v1/records/{plan}/pdf?lang=en",
                                                              args.runs, cold=True))
            for records in sizes:
                url = f"/api/v1/cases/{dossier(api, records)}/pdf?lang=en"
                for processes in (1, cores) if cores > 1 else (1,):
                    app.config["PDF_PROCESSES"] = processes
                    for cold in (True, False):
                        row(f"dossier, {records} records", engine, "cold" if cold else "warm", processes,
                            *timed(app, api, url, args.runs, cold))
            app.extensions["safefuture"].store.close()
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")

if __name__ == "__main__":  # the guard matters: WeasyPrint renders in processes from a fork server
    main()
