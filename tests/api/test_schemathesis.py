"""A bounded schemathesis run against a live server (waitress in a subprocess, TinyDB store) and its own
/api/v1/openapi.json, logged in as a coordinator (who may do the most): every answer is no server error and has a described status,
content type and body schema. All four phases (examples, coverage, fuzzing, stateful), a fixed seed
(SCHEMATHESIS_SEED overrides it), about two minutes. bench/schemathesis.sh runs the same checks for longer.

Left out: DELETE /session, which would end the run's own session (logging out is tested in test_auth.py).
Runs the schemathesis command: its pytest plugin does not work with pytest 9. One worker: with two threads,
hypothesis' concurrent ast.parse trips a CPython 3.11 bug ("AST constructor recursion depth mismatch")."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app import create_app
from app.services import accounts
from tests.live_server import ApiClient, running_server

pytestmark = pytest.mark.slow

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EMAIL, PASSWORD = "coordinator@shelter-a.nl", "Q7-8c1e-lengthy-passphrase"
SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")


def seed(data_dir: Path) -> None:
    app = create_app({"DATA_DIR": data_dir, "STORE": "tinydb"})
    c = app.extensions["safefuture"]
    accounts.create_org(c, "shelter-a", "Shelter A", "NL", "counselling")
    accounts.create_user(c, EMAIL, "shelter-a", "coordinator", PASSWORD)
    c.store.close()


def schemathesis_run(base_url: str, cookie: str, max_examples: int, seed_: str, report: Path) -> subprocess.CompletedProcess:
    """The schemathesis command against the server's description, authenticated like the app."""
    return subprocess.run(
        [SCHEMATHESIS, "run", f"{base_url}/api/v1/openapi.json", "--url", f"{base_url}/api/v1",
         "--header", f"Cookie: {cookie}", "--header", "X-Requested-With: safefuture",
         "--header", f"X-Device-Id: {uuid.uuid4()}",
         "--checks", CHECKS, "--max-examples", str(max_examples), "--seed", seed_, "--workers", "1",
         "--exclude-name", "DELETE /session", "--request-timeout", "60",
         "--generation-database", "none", "--report", "junit", "--report-dir", str(report), "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=report.parent, env={**os.environ, "NO_COLOR": "1"})


def test_every_answer_of_the_live_server_is_as_its_description_says(tmp_path):
    seed(tmp_path / "data")
    with running_server(tmp_path / "data", {"SAFEFUTURE_STORE": "tinydb"}) as base_url:
        client = ApiClient(base_url).login(EMAIL, PASSWORD)
        client.close()
        run = schemathesis_run(base_url, client.cookie, 10, os.environ.get("SCHEMATHESIS_SEED", "2026"),
                               tmp_path / "report")
    summary = run.stdout[run.stdout.find("=== SUMMARY"):]
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-3000:]
    selected, described = map(int, re.search(r"Selected: (\d+)/(\d+)", summary).groups())
    assert selected == described - 1 and f"Tested: {selected}" in summary, summary  # all but DELETE /session
    # The session held: no operation answered only 401 (only 403s where a coordinator may not, e.g. admin's).
    assert "401 Unauthorized" not in run.stdout, run.stdout[run.stdout.find("=== WARNINGS"):]
