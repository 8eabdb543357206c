"""Bad input to the PDF routes: a clear error that changes nothing (no audit event), never a crash; another
organisation's records and cases are as unknown as ones that do not exist. And a renderer that overruns."""
from __future__ import annotations

import time
import uuid

import pytest

from app.services import export
from app.web.openapi import SPEC
from tests.conftest import change, overzicht1


@pytest.fixture
def record(counsellor):
    case_id = counsellor.new_case()
    record_id = str(uuid.uuid4())
    assert counsellor.put(f"/api/v1/records/{record_id}", change(case_id, overzicht1(nl_f1="+"))).status_code == 201
    return case_id, record_id


def exports(app, case_id):
    return [e for e in app.extensions["safefuture"].store.audit_events(case_id) if e.action == "export_pdf"]


@pytest.mark.parametrize("query, param", [("", "lang"), ("?lang=de", "lang"), ("?lang=NL", "lang"),
                                          ("?lang=nl&lang2=fr", "lang2")])
def test_an_unknown_language_is_a_400_naming_the_allowed_ones(counsellor, record, app, query, param):
    case_id, record_id = record
    for url in (f"/api/v1/records/{record_id}/pdf{query}", f"/api/v1/cases/{case_id}/pdf{query}"):
        r = counsellor.get(url)
        assert r.status_code == 400, r.get_json()
        body = r.get_json()
        assert body["error"] == "bad_request" and body["path"] == param
        assert param in body["message"] and "nl, en, bg" in body["message"]
    assert exports(app, case_id) == []


def test_unknown_records_and_cases_are_404(counsellor, record, app):
    case_id, _ = record
    for url in (f"/api/v1/records/{uuid.uuid4()}/pdf?lang=nl", "/api/v1/records/not-a-uuid/pdf?lang=nl",
                f"/api/v1/cases/{uuid.uuid4()}/pdf?lang=nl", "/api/v1/cases/not-a-uuid/pdf?lang=nl",
                f"/api/v1/cases/{case_id}/pdf?lang=nl&records={uuid.uuid4()}"):
        r = counsellor.get(url)
        assert r.status_code == 404 and r.get_json()["error"] == "not_found", (url, r.get_json())
    assert exports(app, case_id) == []


def test_another_organisations_record_and_case_are_404(record, make_user, login, app):
    case_id, record_id = record
    other = login(make_user("bob@shelter-b.nl", org="shelter-b"))
    other_case = other.new_case()
    for url in (f"/api/v1/records/{record_id}/pdf?lang=en", f"/api/v1/cases/{case_id}/pdf?lang=en",
                f"/api/v1/cases/{other_case}/pdf?lang=en&records={record_id}"):
        r = other.get(url)
        assert r.status_code == 404, (url, r.get_json())
    assert exports(app, case_id) == [] and exports(app, other_case) == []


def test_a_dossier_selection_must_list_ids(counsellor, record):
    case_id, _ = record
    r = counsellor.get(f"/api/v1/cases/{case_id}/pdf?lang=nl&records=,,")
    assert r.status_code == 400 and r.get_json()["path"] == "records"


def test_the_pdf_routes_need_a_session(client, record):
    case_id, record_id = record
    assert client.get(f"/api/v1/records/{record_id}/pdf?lang=nl").status_code == 401
    assert client.get(f"/api/v1/cases/{case_id}/pdf?lang=nl").status_code == 401


def test_a_renderer_that_overruns_gives_a_503_quickly(engine, counsellor, record, app):
    case_id, record_id = record
    app.config["PDF_TIMEOUT_SECONDS"] = 0.05
    started = time.monotonic()
    r = counsellor.get(f"/api/v1/records/{record_id}/pdf?lang=nl")
    assert r.status_code == 503 and r.get_json()["error"] == "pdf_unavailable"
    assert time.monotonic() - started < 3
    assert exports(app, case_id) == [], "no PDF was made, so no export is recorded"


def test_the_openapi_description_has_the_pdf_routes():
    for path in ("/records/{record_id}/pdf", "/cases/{case_id}/pdf"):
        op = SPEC["paths"][path]["get"]
        assert "application/pdf" in op["responses"]["200"]["content"]
        assert {p["name"] for p in op["parameters"]} >= {"lang", "lang2"}


def test_a_dossier_too_large_to_print_whole_is_refused_not_cut(counsellor, record, monkeypatch):
    case_id, first = record
    second = str(uuid.uuid4())
    assert counsellor.put(f"/api/v1/records/{second}", change(case_id, overzicht1())).status_code == 201
    monkeypatch.setattr(export, "MAX_DOSSIER_RECORDS", 1)
    for query in ("", f"&records={first},{second}"):
        r = counsellor.get(f"/api/v1/cases/{case_id}/pdf?lang=en{query}")
        assert r.status_code == 400 and r.get_json()["path"] == "records" and "1" in r.get_json()["message"]
