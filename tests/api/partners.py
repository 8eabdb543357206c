"""Helpers for the handover, access-matrix and push tests: an app whose forms include a monitoring report, the
organisations of the Safe Return project, request bodies, and a clock the test can move."""
from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

from argon2 import PasswordHasher

from app import create_app
from app.config import PROJECT_ROOT
from app.services import accounts
from tests.conftest import PASSWORD, change

# The tests need only what the server relies on: form id `monitoring-report` with a `period` of 6 or 12.
# They use this stand-in even when the real instrument exists, so they do not depend on its other fields.
MONITORING_REPORT = {
    "$schema": "http://json-schema.org/draft-07/schema#", "$id": "monitoring-report", "version": 1,
    "title": "Monitoring report", "type": "object", "additionalProperties": False, "required": ["period"],
    "properties": {"period": {"enum": [6, 12]}, "wellbeing": {"type": "string", "maxLength": 20000}},
}


def forms_dir(tmp_path: Path) -> Path:
    forms = tmp_path / "forms"
    shutil.copytree(PROJECT_ROOT / "forms", forms, dirs_exist_ok=True)
    for old in (forms / "archive").glob("monitoring-report@*.schema.json"):
        old.unlink()
    (forms / "monitoring-report.schema.json").write_text(json.dumps(MONITORING_REPORT))
    return forms


class Clock:
    """The container's clock, set by the test: `clock.day = "2026-09-01"`."""

    def __init__(self, day: str):
        self.day = day
        self._tick = 0

    def __call__(self) -> str:
        self._tick += 1  # distinct, increasing timestamps within a day
        return f"{self.day}T10:{self._tick // 60 % 60:02d}:{self._tick % 60:02d}.000Z"


# Argon2 with its cheapest parameters, for tests that make many users and logins and are not about password
# hashing (tests/api/test_auth.py keeps the real parameters).
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def make_app(tmp_path: Path, **config):
    """A fresh app on the TinyDB store whose sessions outlive the months the tests move the clock by."""
    return create_app({"TESTING": True, "DATA_DIR": tmp_path / "instance", "STORE": "tinydb",
                       "FORMS_DIR": forms_dir(tmp_path), "SESSION_IDLE_SECONDS": 10 * 365 * 24 * 3600,
                       "SESSION_MAX_SECONDS": 10 * 365 * 24 * 3600, **config})


def add_org(app, org_id: str, kind: str, country: str) -> None:
    accounts.create_org(app.extensions["safefuture"], org_id, org_id.title(), country, kind)


def add_user(app, email: str, org_id: str, role: str) -> str:
    accounts.create_user(app.extensions["safefuture"], email, org_id, role, PASSWORD)
    return email


def consent(**overrides) -> dict:
    return {"given_by": "client", "date": "2026-03-01", "purpose": "Re-integration support after return",
            "language": "bg", **overrides}


def handover_body(to_org: str, record_ids: list[str], **overrides) -> dict:
    return {"to_org": to_org, "record_ids": record_ids, "consent": consent(), **overrides}


def report(case_id: str, period: int, status: str = "final", **extra) -> dict:
    return {"case_id": case_id, "form_id": "monitoring-report", "form_version": 1, "status": status,
            "data": {"period": period, "wellbeing": "Doing well, back at school"}, "base_rev": None, **extra}


def new_record(api, case_id: str, data: dict | None = None) -> str:
    record_id = str(uuid.uuid4())
    r = api.put(f"/api/v1/records/{record_id}", change(case_id, data))
    assert r.status_code == 201, r.json
    return record_id
