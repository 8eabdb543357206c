"""Export of one instrument's records for analysis, as CSV or XLSX, streamed, audited. Coordinators only.

One row per record (its head revision): record id, case id, client code (only when asked for), status, form
version, when it was saved and by which organisation, then one column per field. Two header rows: the fields'
JSON pointers, and their labels in the chosen language. Repeating groups (arrays of objects) get a table of their
own, keyed like ODK's: the record id and the row's index path ("2" is the second row; "2.1" the first row of a
group inside it). XLSX: a sheet per table. CSV: one file when the form has no repeating groups, else a zip with a
file per table. Choice answers as their labels or codes; computed totals are fields like any other. A genogram's
links between people (`x-widget: person`, `persons`) name the people as the app and the printouts do; the ids that
only link rows (`row-id`, an ecogram contact's `genogram-person`, which keeps a copy of the name) are left out, as
the printouts leave them out: they mean nothing to an analyst.

Streaming: cases are read a page at a time (Store.iter_cases) and their records a case at a time; the main
table's rows go out as they are made, in a zip member (CSV with repeating groups), an XLSX sheet (written as
SpreadsheetML by streamed_files, not openpyxl, which writes sheets to plaintext temporary files) or the CSV itself.
A repeating group's rows wait for the main table to end in a SealedSpool, on disk only as ciphertext under a key
that lives in memory for the one export. No plaintext export data touches the disk, and memory does not grow
with the number of records.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterator

from ..domain.access import Scope
from ..domain.errors import N_, BadRequest, Forbidden
from ..domain.forms import Form
from ..domain.model import User
from ..domain.printout import UNPRINTED, person_names
from ..i18n.catalogs import translations_for
from . import access, audit, export
from .container import Container
from .reports import XLSX_TYPE, date_param
from .sealed_spool import SealedSpool
from .streamed_files import BOLD, SheetRows, XlsxStream, ZipStream

FORMATS = ("csv", "xlsx")
LABEL_MODES = ("labels", "codes")
BOM = "\ufeff"
CHUNK = 64 * 1024
LIST_SEPARATOR = "; "
META = (("record_id", N_("Record")), ("case_id", N_("Case number")), ("client_code", N_("Client code")),
        ("status", N_("Status")), ("form_version", N_("Version")), ("saved_at", N_("Last saved")),
        ("saved_by_org", N_("Saved by organisation")))
REPEAT_META = (("record_id", N_("Record")), ("row", N_("Row")))


@dataclass
class Column:
    pointer: str  # from the record's (or the repeat row's) root
    path: tuple[str, ...]
    label: str  # msgids joined by " › " once translated
    titles: tuple[str, ...]
    enum: dict = field(default_factory=dict)  # code -> label msgid
    many: bool = False  # an array of scalars (checkboxes)
    person: bool = False  # names a genogram person (or, many, several) by id


@dataclass
class Table:
    """The main table (pointer "") or a repeating group's (pointer like "/support/family" or "/goals/*/actions")."""

    pointer: str
    path: tuple[str, ...]  # from the parent row to the array
    columns: list[Column] = field(default_factory=list)
    children: list["Table"] = field(default_factory=list)


@dataclass
class ExportRequest:
    form: Form
    fmt: str
    lang: str
    labels: bool
    client_codes: bool
    start: str | None
    end: str | None


@dataclass
class ExportFile:
    filename: str
    mimetype: str
    chunks: Iterator[bytes]


def _enum_of(prop: dict) -> dict:
    source = prop.get("items", prop) if prop.get("type") == "array" else prop
    labels = prop.get("x-enumLabels") or source.get("x-enumLabels") or []
    values = source.get("enum") or []
    return {value: labels[i] for i, value in enumerate(values) if i < len(labels)}


def _walk(schema: dict, table: Table, prefix: tuple[str, ...], titles: tuple[str, ...], pointer: str) -> None:
    for name, prop in schema.get("properties", {}).items():
        path, names = prefix + (name,), titles + ((prop.get("title") or name),)
        if prop.get("x-widget") in UNPRINTED:
            continue
        if prop.get("type") == "object":
            _walk(prop, table, path, names, pointer)
        elif prop.get("type") == "array" and prop.get("items", {}).get("type") == "object":
            child = Table(pointer=f"{pointer}/{'/'.join(path)}", path=path)
            _walk(prop["items"], child, (), names, f"{child.pointer}/*")
            table.children.append(child)
        else:
            table.columns.append(Column(pointer=f"{pointer}/{'/'.join(path)}", path=path, label="", titles=names,
                                        enum=_enum_of(prop), many=prop.get("type") == "array",
                                        person=prop.get("x-widget") in ("person", "persons")))


def layout(forms: list[Form]) -> Table:
    """The tables of an instrument: the current version's fields first, then any field only older versions had
    (records keep the version they were made with)."""
    root = Table(pointer="", path=())
    for form in forms:  # newest first
        version = Table(pointer="", path=())
        _walk(form.schema, version, (), (), "")
        _merge(root, version)
    return root


def _merge(into: Table, other: Table) -> None:
    known = {c.pointer for c in into.columns}
    into.columns += [c for c in other.columns if c.pointer not in known]
    children = {t.pointer: t for t in into.children}
    for child in other.children:
        if child.pointer in children:
            _merge(children[child.pointer], child)
        else:
            into.children.append(child)


def all_tables(table: Table) -> list[Table]:
    return [table] + [t for child in table.children for t in all_tables(child)]


def _get(data, path: tuple[str, ...]):
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _cell(column: Column, value, tr: Callable[[str], str] | None, people: dict):
    """A value as a cell: a number stays a number, a choice becomes its label (tr given) or stays its code, a
    person their name (`people`: printout.person_names of the record)."""
    if value is None:
        return ""
    if column.many and isinstance(value, list):
        one = Column("", (), "", (), column.enum, person=column.person)
        return LIST_SEPARATOR.join(str(_cell(one, v, tr, people)) for v in value)
    if column.person and isinstance(value, str):
        return people.get(value, value)
    if tr is not None and column.enum and value in column.enum:
        return tr(column.enum[value])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def _rows(table: Table, record_id: str, data: dict, key: str, tr, people: dict) -> Iterator[tuple[Table, list]]:
    """The rows of `table`'s children within one record (or one parent row `key`), depth first."""
    for child in table.children:
        items = _get(data, child.path)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                continue
            row_key = f"{key}.{index}" if key else str(index)
            yield child, [record_id, row_key] + [_cell(c, _get(item, c.path), tr, people) for c in child.columns]
            yield from _rows(child, record_id, item, row_key, tr, people)


def parse(c: Container, user: User, form_id: str, args) -> ExportRequest:
    """Coordinators only (403 before anything else); an unknown form is 404; a bad parameter 400 naming it."""
    if user.role != "coordinator":
        raise Forbidden(N_("Only coordinators export data."))
    form = c.forms.get(form_id)  # NotFound for an unknown form
    fmt = args.get("format")
    if fmt not in FORMATS:
        raise BadRequest(N_("Unknown format in %(param)s: choose one of %(allowed)s."),
                         params={"param": "format", "allowed": ", ".join(FORMATS)}, path="format")
    (lang,) = export.languages(c, args.get("lang"), None)
    labels = args.get("labels", "labels")
    if labels not in LABEL_MODES:
        raise BadRequest(N_("Unknown value in %(param)s: choose one of %(allowed)s."),
                         params={"param": "labels", "allowed": ", ".join(LABEL_MODES)}, path="labels")
    codes = args.get("client_codes", "0")
    if codes not in ("0", "1"):
        raise BadRequest(N_("Unknown value in %(param)s: choose one of %(allowed)s."),
                         params={"param": "client_codes", "allowed": "0, 1"}, path="client_codes")
    start, end = date_param(args.get("from"), "from"), date_param(args.get("to"), "to")
    if start and end and start > end:
        raise BadRequest(N_("The start of the period (%(param)s) must be on or before its end."),
                         params={"param": "from"}, path="from")
    return ExportRequest(form, fmt, lang, labels == "labels", codes == "1", start, end)


def _records(c: Container, scope: Scope, req: ExportRequest) -> Iterator[tuple]:
    """(state, case) of every record of the form the user may see, within the period (by the day last saved),
    a case at a time."""
    for case in c.store.iter_cases(scope):
        states = [s for s in c.store.list_records(case.id)
                  if s.head.form_id == req.form.id and scope.sees_record(s) and not s.discarded
                  and (req.start is None or s.head.saved_at[:10] >= req.start)
                  and (req.end is None or s.head.saved_at[:10] <= req.end)]
        for state in sorted(states, key=lambda s: (s.head.saved_at, s.id)):
            yield state, case


def export_records(c: Container, user: User, form_id: str, args) -> ExportFile:
    req = parse(c, user, form_id, args)
    scope = access.scope_of(c, user)
    gettext = translations_for(c.config["TRANSLATIONS_DIR"], req.lang).gettext
    tr = gettext if req.labels else None
    root = layout(sorted((f for f in c.forms.versions() if f.id == req.form.id), key=lambda f: -f.version))
    meta = [m for m in META if req.client_codes or m[0] != "client_code"]
    tables = all_tables(root)
    links_people = any(col.person for t in tables for col in t.columns)
    heads = {t.pointer: _headers(t, meta if t is root else REPEAT_META, gettext) for t in tables}
    orgs: dict[str, str] = {}

    def saved_by_org(user_id: str) -> str:
        if user_id not in orgs:
            saver = c.store.get_user(user_id)
            orgs[user_id] = saver.org_id if saver else ""
        return orgs[user_id]

    def rows() -> Iterator[tuple[Table, list]]:
        for state, case in _records(c, scope, req):
            head = state.head
            values = {"record_id": state.id, "case_id": case.id, "client_code": case.client_code,
                      "status": gettext(head.status.capitalize()) if req.labels else head.status,
                      "form_version": head.form_version, "saved_at": head.saved_at,
                      "saved_by_org": saved_by_org(head.saved_by)}
            people = person_names(head.data) if links_people else {}
            yield root, [values[key] for key, _ in meta] + [_cell(col, _get(head.data, col.path), tr, people)
                                                            for col in root.columns]
            yield from _rows(root, state.id, head.data, "", tr, people)

    audit.record(c, user, "export_data", form_id=req.form.id, format=req.fmt, lang=req.lang,
                 labels="labels" if req.labels else "codes", client_codes=req.client_codes,
                 columns=[key for key, _ in meta] + [col.pointer for t in tables for col in t.columns],
                 **{"from": req.start, "to": req.end})
    stem = f"{req.form.id}_{date.fromisoformat(c.now()[:10]).isoformat()}_{req.lang}"
    if req.fmt == "xlsx":
        return ExportFile(f"{stem}.xlsx", XLSX_TYPE, _xlsx(tables, heads, rows()))
    if not root.children:
        return ExportFile(f"{stem}.csv", "text/csv; charset=utf-8", _csv(heads[""], rows()))
    return ExportFile(f"{stem}.zip", "application/zip", _csv_zip(req.form.id, tables, heads, rows()))


def _headers(table: Table, meta, gettext) -> tuple[list[str], list[str]]:
    """The two header rows: JSON pointers (meta columns by name), then labels in the chosen language."""
    pointers = [key for key, _ in meta] + [c.pointer for c in table.columns]
    labels = [gettext(label) for _, label in meta] + [" › ".join(gettext(t) for t in c.titles) for c in table.columns]
    return pointers, labels


def sheet_names(tables: list[Table]) -> dict[str, str]:
    """XLSX sheet names (at most 31 characters, no / * ? : [ ]), unique, from the tables' pointers."""
    names: dict[str, str] = {}
    for i, table in enumerate(tables):
        base = table.pointer.strip("/").replace("/*/", ".").replace("/", ".") or "records"
        name = base[-31:]
        if name in names.values():
            name = f"{i}-{base}"[-31:]
        names[table.pointer] = name
    return names


# A spreadsheet opening a CSV runs a cell that starts with = + - @ (or a tab or carriage return) as a formula, so a
# typed answer could make the coordinator's spreadsheet fetch a link or run a command (OWASP: CSV injection). Such
# a text goes out behind an apostrophe, which spreadsheets show as text. Numbers, and the signs that are answers
# themselves (the Overzicht 1 scores -- - + ++), go out as they are. XLSX cells are text cells: no mark there.
_FORMULA_START = re.compile(r"[=@\t\r]|[+-](?![+\-]*$)(?!\d+(?:[.,]\d+)?$)")


def spreadsheet_text(value):
    """A CSV cell's value that a spreadsheet shows and never runs."""
    if isinstance(value, str) and _FORMULA_START.match(value):
        return "'" + value
    return value


class _CsvRows:
    """Rows as CSV lines in UTF-8, one at a time."""

    def __init__(self):
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def row(self, values: list, style: int = 0) -> bytes:  # noqa: ARG002 (CSV has no bold)
        self._writer.writerow([spreadsheet_text(value) for value in values])
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text.encode("utf-8")


def _main_rows(first: bytes, rows: Iterator[tuple[Table, list]], encoders: dict,
               spools: dict[str, SealedSpool]) -> Iterator[bytes]:
    """`first`, then the main table's rows, encoded, in chunks of about CHUNK bytes; each repeating group's rows
    go to its spool meanwhile (a zip member, or an XLSX sheet, is written whole before the next one begins)."""
    batch, size = [first], len(first)
    for table, row in rows:
        data = encoders[table.pointer].row(row)
        if table.pointer:
            spools[table.pointer].write(data)
            continue
        batch.append(data)
        size += len(data)
        if size >= CHUNK:
            yield b"".join(batch)
            batch, size = [], 0
    yield b"".join(batch)


def _head(encoder, header: tuple[list[str], list[str]], first: bytes = b"") -> bytes:
    return first + encoder.row(header[0], BOLD) + encoder.row(header[1], BOLD)


def _spools(tables: list[Table], heads: dict, encoders: dict, first: bytes) -> dict[str, SealedSpool]:
    """A sealed spool for each repeating group's table, its header rows already in."""
    spools: dict[str, SealedSpool] = {}
    try:
        for table in tables[1:]:
            spools[table.pointer] = SealedSpool()
            spools[table.pointer].write(_head(encoders[table.pointer], heads[table.pointer], first))
    except BaseException:
        _close(spools)
        raise
    return spools


def _close(spools: dict[str, SealedSpool]) -> None:
    for spool in spools.values():
        spool.close()


BOM_BYTES = BOM.encode("utf-8")


def _csv(header, rows: Iterator[tuple[Table, list]]) -> Iterator[bytes]:
    encoder = _CsvRows()
    yield from _main_rows(_head(encoder, header, BOM_BYTES), rows, {"": encoder}, {})


def _csv_zip(form_id: str, tables: list[Table], heads: dict, rows: Iterator[tuple[Table, list]]) -> Iterator[bytes]:
    """A zip of one CSV per table. The main table streams into the zip as it is made; each repeating group's
    table is spooled, sealed, meanwhile and added after it."""
    encoder = _CsvRows()  # one for all: a csv writer keeps a 128 KiB buffer once it has written a row
    encoders = {t.pointer: encoder for t in tables}
    spools = _spools(tables, heads, encoders, BOM_BYTES)
    try:
        archive = ZipStream()
        yield from archive.member(f"{form_id}.csv",
                                  _main_rows(_head(encoders[""], heads[""], BOM_BYTES), rows, encoders, spools))
        for table in tables[1:]:
            name = table.pointer.strip("/").replace("/*/", ".").replace("/", ".")
            yield from archive.member(f"{form_id}.{name}.csv", spools[table.pointer].read())
            spools.pop(table.pointer).close()
        yield from archive.close()
    finally:
        _close(spools)


def _xlsx(tables: list[Table], heads: dict, rows: Iterator[tuple[Table, list]]) -> Iterator[bytes]:
    """A sheet per table, streamed like the CSV zip: the main sheet as it is made, then each repeating group's
    sheet from its sealed spool. Header rows in bold."""
    encoders = {t.pointer: SheetRows() for t in tables}
    spools = _spools(tables, heads, encoders, b"")
    try:
        book, names = XlsxStream(), sheet_names(tables)
        yield from book.sheet(names[""], _main_rows(_head(encoders[""], heads[""]), rows, encoders, spools))
        for table in tables[1:]:
            yield from book.sheet(names[table.pointer], spools[table.pointer].read())
            spools.pop(table.pointer).close()
        yield from book.close()
    finally:
        _close(spools)
