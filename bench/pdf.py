"""PDF export benchmark (not a timed test): median seconds per PDF for a full action plan and for a 20-record
dossier, for each installed engine side by side, through the real HTTP route.

    python bench/pdf.py [--runs 5]

The action plan is the synthetic long instrument of the PDF tests (every field kind, long texts near their
maximum length) until the real Persoonlijk Actieplan (overzicht-3) lands. The dossier holds 10 filled
Overzicht 1 records and 10 action plans. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
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
from app.pdf import available_engines  # noqa: E402
from app.services import accounts  # noqa: E402
from tests.conftest import PASSWORD, Api, change, overzicht1  # noqa: E402
from tests.pdf.helpers import FIXTURES, page_count  # noqa: E402
from tests.pdf.test_export import filled_overzicht1, long_plan  # noqa: E402


def make_app(tmp: Path, engine: str):
    forms = tmp / f"forms-{engine}"
    forms.mkdir()
    for schema in [*(PROJECT / "forms").glob("*.schema.json"), *(FIXTURES / "forms").glob("*.schema.json")]:
        shutil.copy(schema, forms / schema.name)
    app = create_app({"TESTING": True, "DATA_DIR": tmp / f"data-{engine}", "STORE": "memory", "PDF_ENGINE": engine,
                      "FORMS_DIR": forms})
    c = app.extensions["safefuture"]
    accounts.create_org(c, "bench-org", "Bench Shelter", "NL", "counselling")
    accounts.create_user(c, "bench@example.org", "bench-org", "counsellor", PASSWORD)
    return app


def save(api: Api, case_id: str, data: dict, form_id: str) -> str:
    record_id = str(uuid.uuid4())
    r = api.put(f"/api/v1/records/{record_id}", change(case_id, data, form_id=form_id))
    assert r.status_code == 201, r.json
    return record_id


def timed(api: Api, url: str, runs: int) -> tuple[float, float, int, int]:
    """(first, median of the following runs, pages, bytes)."""
    times, response = [], None
    for _ in range(runs + 1):
        started = time.perf_counter()
        response = api.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_json()
    return times[0], statistics.median(times[1:]), page_count(response.data), len(response.data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per PDF after one warm-up run")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for engine in available_engines():
            app = make_app(Path(tmp), engine)
            api = Api(app, "bench@example.org")
            case_id = api.new_case(code="BENCH-1")
            plan = save(api, case_id, long_plan(), "long-plan")
            for _ in range(9):
                save(api, case_id, long_plan(), "long-plan")
            for _ in range(10):
                save(api, case_id, filled_overzicht1(), "overzicht-1")
            save_other = api.new_case(code="BENCH-2")
            save(api, save_other, overzicht1(), "overzicht-1")
            for name, url, runs in (("action plan", f"/api/v1/records/{plan}/pdf?lang=en", args.runs),
                                    ("action plan nl+bg", f"/api/v1/records/{plan}/pdf?lang=nl&lang2=bg", args.runs),
                                    ("dossier, 20 records", f"/api/v1/cases/{case_id}/pdf?lang=en",
                                     max(1, args.runs // 2))):
                first, median, pages, size = timed(api, url, runs)
                rows.append((name, engine, median, first, pages, size, runs))
            app.extensions["safefuture"].store.close()
    print("| PDF | engine | median s | first s | pages | KB | runs |")
    print("|---|---|---|---|---|---|---|")
    for name, engine, median, first, pages, size, runs in rows:
        print(f"| {name} | {engine} | {median:.2f} | {first:.2f} | {pages} | {size / 1024:.0f} | {runs} |")


if __name__ == "__main__":  # the guard matters: WeasyPrint renders in processes from a fork server
    main()
