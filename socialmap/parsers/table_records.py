"""Bijlage 14 and the networks supplement: records of `Label value` rows starting at `Land …`.

Each record is a two-column table flattened to text (seed-spec §4.2): a label starts a line and its value follows
on the same line and/or the next lines, up to the next label. The two long service labels are themselves wrapped,
sometimes with a hyphen and blank lines inside a word (`… politie of im-` / `` / `migratiedienst`), so labels are
matched as patterns that allow such breaks, not as fixed lines.
"""
from __future__ import annotations

import re

from .. import contacts as c
from ..countries import resolve
from ..record import add_unique, new_person, new_record
from ..seedtext import CELL_WRAP_LENGTH, Seed, SeedFormatError, join_wrapped, normalise_spaces, split_cell_lines
from ..services import SERVICES

_ANCHOR = re.compile(r"^\s?Land (.+)$")


def _label_pattern(label: str) -> str:
    """A regex for a label as printed, allowing a line break (with or without a hyphen) inside its words."""
    words = []
    for word in label.split(" "):
        chars = [re.escape(ch) for ch in word]
        words.append("(?:-[ \t]*\n\\s*)?".join(chars))
    return r"\s+".join(words)


# (key, label as printed, regex) in the order the seed prints them. Keys of the 11 services are service keys.
_FIELDS: list[tuple[str, str, str]] = [
    ("land", "Land", "Land"),
    ("name", "Naam van de organisatie", _label_pattern("Naam van de organisatie")),
    ("offer", "Dienstenaanbod", "Dienstenaanbod"),
    *[(s.key, s.seed_label, _label_pattern(s.seed_label)) for s in SERVICES],
    ("other_services", "Andere diensten", _label_pattern("Andere diensten")),
    ("person_header", "Contactgegevens contactpersoon", _label_pattern("Contactgegevens contactpersoon")),
    ("person_email", "E-mail", "E-mail"),
    ("person_name", "Naam van contactpersoon", _label_pattern("Naam van contactpersoon")),
    ("person_phone", "Telnr.", r"Telnr\.+"),  # printed twice as `Telnr..`
    ("general", "Algemene contactgegevens", _label_pattern("Algemene contactgegevens")),
    ("website", "Website", "Website"),
    ("phones", "Telnrs. (hotline enz.)", r"Telnrs\.\s+\(hotline\s+enz\.\)"),
    ("email", "Algemeen e-mailadres", r"Algemeen\s+(?:e-mailadres|email\s+adres)"),  # both spellings occur
    ("facebook", "Facebook", "Facebook"),
    ("skype", "Skype", "Skype"),
]
_ORDER = {key: i for i, (key, _, _) in enumerate(_FIELDS)}
_PRINTED = {key: printed for key, printed, _ in _FIELDS}
_LABEL_RES = [(key, re.compile(r"(?m)^[ \t]*(" + rx + r")(?=[ \t]|$)")) for key, _, rx in _FIELDS]
_SERVICE_KEYS = [s.key for s in SERVICES]
_SKYPE = re.compile(r"^skype\s*:?\s*(\S.*)$", re.IGNORECASE)
_CHECK = re.compile(r"^([\u00fcx])(?:\s+(.*))?$", re.DOTALL)  # ü (a Wingdings tick) or x (the A21 records)


def record_spans(seed: Seed, first: int, last: int) -> list[tuple[int, int]]:
    """(first line, last non-blank line) of each record in a section."""
    anchors = [n for n, line in seed.span(first, last) if _ANCHOR.match(line)]
    spans = []
    for i, start in enumerate(anchors):
        end = anchors[i + 1] - 1 if i + 1 < len(anchors) else last
        while end > start and not seed.line(end).strip():
            end -= 1
        spans.append((start, end))
    return spans


def split_fields(lines: list[str]) -> dict[str, list[str]]:
    """{field key: value lines} of one record. Labels must appear in the printed order; a label-like line out
    of order (inside a free-text value) is part of that value."""
    text = "\n".join(lines)
    found = sorted((m.start(), m.end(1), key) for key, rx in _LABEL_RES for m in rx.finditer(text))
    kept, last_order = [], -1
    for start, end, key in found:
        if _ORDER[key] > last_order:
            kept.append((start, end, key))
            last_order = _ORDER[key]
    if not kept or kept[0][2] != "land" or kept[0][0] != 0:
        raise SeedFormatError("a record must start with its 'Land' line")
    fields = {}
    for i, (_, end, key) in enumerate(kept):
        stop = kept[i + 1][0] if i + 1 < len(kept) else len(text)
        fields[key] = text[end:stop].split("\n")
    return fields


def _join_name(lines: list[str]) -> str:
    """A name wrapped over lines. A line starting with '(' or '/' continues the name; any other line the
    author started is a second name, joined with ' / ' as the seed does on one line (`Women@ the Well / …`)."""
    merged: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if line.strip()[:1] in ("(", "/") and merged:
            merged[-1] = merged[-1].rstrip() + " " + line.strip() + line[len(line.rstrip()):]
        else:
            merged.append(line)
    return join_wrapped(merged, hard_break=" / ", min_wrapped_length=CELL_WRAP_LENGTH)


def _set_services(record: dict, fields: dict[str, list[str]]) -> None:
    present = [key for key in _SERVICE_KEYS if key in fields]
    if not present:
        record["flags"].append("no_service_checklist")
        return
    if len(present) != len(_SERVICE_KEYS):
        missing = sorted(set(_SERVICE_KEYS) - set(present))
        raise SeedFormatError(f"checklist incomplete, missing {missing}")
    for key in _SERVICE_KEYS:
        cell = join_wrapped(fields[key], hard_break=" ")
        mark = _CHECK.match(cell)
        if mark:
            record["services"].append(key)
            if mark.group(2):
                record["service_notes"][key] = mark.group(2).strip()
        elif cell and not c.is_placeholder(cell):
            # Text instead of a tick ("Op verzoek", "Via IOM", "Nee (kan doorverwijzen …)"): not offered as such,
            # but what it says is kept.
            record["service_notes"][key] = cell


def _flag(record: dict, flag: str) -> None:
    add_unique(record["flags"], flag)


def _set_person(record: dict, fields: dict[str, list[str]]) -> None:
    person = new_person()
    names: list[str] = []
    for key in ("person_header", "person_email", "person_name", "person_phone"):
        for line in split_cell_lines(fields.get(key, [])):
            if c.is_placeholder(line):
                continue
            skype = _SKYPE.match(line)
            if skype:  # `skype:anonymouswaysfoundation` under Telnr.
                record["contact"]["other"].append(f"Skype: {skype.group(1)}")
                continue
            emails, urls = c.emails_in(line), c.urls_in(line)
            if emails or urls:
                add_unique(person["emails"], *emails)
                add_unique(person["websites"], *urls)
                if key != "person_email" or urls:
                    _flag(record, "misplaced_values")
            elif key == "person_phone":
                add_unique(person["phones"], *c.split_phones(line))
            elif c.looks_like_phone(line):
                add_unique(person["phones"], *c.split_phones(line))
                _flag(record, "misplaced_values")
            elif key == "person_name" and (not names or not any(ch.isdigit() for ch in line)):
                names.append(line)
            else:
                # The header row, an e-mail row without an address, or an address inside the name field.
                person["details"].append(line)
                if key in ("person_email", "person_name"):
                    _flag(record, "misplaced_values")
    person["name"] = " / ".join(names) or None
    if any(person[k] for k in ("name", "details", "phones", "emails", "websites")):
        record["contact"]["persons"].append(person)


def _set_general(record: dict, fields: dict[str, list[str]]) -> None:
    contact = record["contact"]
    for line in split_cell_lines(fields.get("general", [])):
        if c.is_placeholder(line):
            continue
        if c.emails_in(line):
            add_unique(contact["emails"], *c.emails_in(line))
        elif c.is_labelled_phone(line):
            add_unique(contact["phones"], *c.split_phones(line))
        else:
            contact["address"].append(line)
    for line in split_cell_lines(fields.get("website", [])):
        if c.emails_in(line):
            add_unique(contact["emails"], *c.emails_in(line))
            _flag(record, "misplaced_values")
        else:
            add_unique(contact["websites"], *c.website_tokens(line))
    for line in split_cell_lines(fields.get("phones", [])):
        if c.is_placeholder(line):
            continue
        if c.emails_in(line):
            add_unique(contact["emails"], *c.emails_in(line))
            _flag(record, "misplaced_values")
        else:
            add_unique(contact["phones"], *c.split_phones(line))
    for line in split_cell_lines(fields.get("email", [])):
        if c.is_placeholder(line):
            continue
        if c.emails_in(line):
            add_unique(contact["emails"], *c.emails_in(line))
        elif c.looks_like_phone(line):
            add_unique(contact["phones"], *c.split_phones(line))
            _flag(record, "misplaced_values")
        else:
            contact["address"].append(line)
            _flag(record, "misplaced_values")
    for key in ("facebook", "skype"):
        value = join_wrapped(fields.get(key, []), hard_break=" ")
        if value:
            contact["other"].append(f"{_PRINTED[key]}: {value}")


def parse_record(seed: Seed, span: tuple[int, int], appendix: str) -> dict:
    """One record of Bijlage 14 (appendix "14", a country) or of the networks supplement ("network", a scope)."""
    first, last = span
    try:
        fields = split_fields([line for _, line in seed.span(first, last)])
        land = join_wrapped(fields["land"], hard_break=" ")
        name = _join_name(fields.get("name", []))
        if not name:
            raise SeedFormatError("no 'Naam van de organisatie'")
        country = resolve(land)
        if appendix == "14" and country is None:
            raise SeedFormatError(f"unknown country {land!r}")
        if appendix == "network" and country is not None:
            raise SeedFormatError(f"a network record names a single country {land!r}")
        record = new_record(appendix, name, span, country=country, country_as_printed=land)
        record["description"] = join_wrapped(fields.get("offer", [])) or None
        _set_services(record, fields)
        record["other_services"] = join_wrapped(fields.get("other_services", [])) or None
        _set_person(record, fields)
        _set_general(record, fields)
    except SeedFormatError as error:
        raise SeedFormatError(f"record at line {first}: {error}") from None
    for email in record["contact"]["emails"] + [e for p in record["contact"]["persons"] for e in p["emails"]]:
        if not c.is_valid_email(email):
            _flag(record, "invalid_email")
    record["as_printed"] = {_PRINTED[key]: "\n".join(normalise_spaces(v) for v in value if v.strip())
                            for key, value in fields.items() if key != "land" and any(v.strip() for v in value)}
    return record


def parse_section(seed: Seed, first: int, last: int, appendix: str) -> list[dict]:
    return [parse_record(seed, span, appendix) for span in record_spans(seed, first + 1, last)]
