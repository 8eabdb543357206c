"""Bijlage 13: Dutch organisations for return and re-integration (DT&V, Maatwerk bij Terugkeer, Stichting
Wereldwijd, Bridge to Better).

Each organisation is a short name line, a blank line and a prose description, then `Contactgegevens` and a
contact block. DT&V's contacts are a table `Naam Functie Afdeling Telnr. E-mail` whose rows the extraction
wrapped at random; a row is recognised as name, function (…Regievoerder), department, phone, e-mail.
"""
from __future__ import annotations

import re

from .. import contacts as c
from ..countries import scan_country_names
from ..record import add_unique, new_person, new_record
from ..seedtext import Seed, SeedFormatError, join_wrapped, normalise_spaces

_CONTACT_HEADER = re.compile(r"^\s*Contactgegevens\s*$")
_TABLE_HEADER = re.compile(r"^\s*Naam\s+Functie\s+Afdeling\s+Telnr\.\s+E-mail\s*$")
_TABLE_ROW = re.compile(r"(?P<name>[A-Z][^@]*?)\s+(?P<role>(?:Sr\.\s+)?Regievoerder)\s+(?P<dept>.+?)\s+"
                        r"(?P<phone>0\d[\d\s-]{7,}\d)\s+(?P<email>\S+@\S+)")
_CONTACT_PERSON = re.compile(r"^\s*Contactperso(?:on|nen)\s*:\s*(.+)$")
_LABELLED = re.compile(r"^\s*(E-mail|Tel|Fax)\s*:\s*(.+)$")
_MIN_LIST = 10  # a paragraph naming at least this many countries is a list of countries served


def _is_name_line(lines: list[str], i: int) -> bool:
    """A short line without digits or closing punctuation, followed after a blank line by a long prose line."""
    line = lines[i].strip()
    if not line or len(line) > 40 or line[-1] in ".:," or _CONTACT_HEADER.match(line):
        return False
    if "@" in line or any(ch.isdigit() for ch in line):  # a table row's phone and e-mail
        return False
    if i + 1 >= len(lines) or lines[i + 1].strip():
        return False
    following = next((later for later in lines[i + 1:] if later.strip()), "")
    return len(following.strip()) >= 80


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paragraphs, current = [], []
    for line in lines + [""]:
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append(current)
            current = []
    return paragraphs


def _countries_served(record: dict, description_lines: list[str]) -> None:
    """The list of countries an organisation supports return to, if its description has one."""
    for paragraph in _paragraphs(description_lines):
        found = scan_country_names(join_wrapped(paragraph, hard_break=" ").rstrip("."))
        if sum(1 for _, code in found if code) < _MIN_LIST:
            continue
        first_country = next(i for i, (_, code) in enumerate(found) if code)
        for printed, code in found[first_country:]:  # what precedes the first country is the lead-in sentence
            record["countries_served_as_printed"].append(printed)
            if code:
                add_unique(record["countries_served"], code)
            else:
                add_unique(record["flags"], "unresolved_country")


def _table_persons(lines: list[str]) -> list[dict]:
    persons = []
    for row in _TABLE_ROW.finditer(join_wrapped(lines, hard_break=" ")):
        person = new_person(normalise_spaces(row["name"]), row["role"])
        person["details"].append(normalise_spaces(row["dept"]))
        person["phones"].append(normalise_spaces(row["phone"]))
        person["emails"].append(row["email"])
        persons.append(person)
    return persons


def _block_contacts(record: dict, lines: list[str]) -> None:
    """A free contact block: address lines, `Contactpersoon: …`, `E-mail:`/`Tel:`/`Fax:` lines, websites."""
    contact, person = record["contact"], None
    for raw in lines:
        line = normalise_spaces(raw)
        if not line or line.endswith(":"):  # blank, or a caption such as `Post- en bezoekadres:`
            continue
        named = _CONTACT_PERSON.match(line)
        labelled = _LABELLED.match(line)
        if named:
            person = new_person(named.group(1))
            contact["persons"].append(person)
        elif labelled and labelled.group(1) == "E-mail":
            add_unique((person or contact)["emails"], *c.emails_in(line))
        elif labelled:
            add_unique((person or contact)["phones"], line)
        elif c.urls_in(line):
            add_unique(contact["websites"], *c.urls_in(line))
        else:
            contact["address"].append(line)


def _parse_org(numbered: list[tuple[int, str]]) -> dict:
    lines = [line for _, line in numbered]
    last = max(i for i, line in enumerate(lines) if line.strip())
    record = new_record("13", normalise_spaces(lines[0]), (numbered[0][0], numbered[last][0]))
    record["country"] = "NL"  # the section's title: "Nederlandse organisaties …"
    contact_at = next((i for i, line in enumerate(lines) if _CONTACT_HEADER.match(line)), None)
    if contact_at is None:
        raise SeedFormatError(f"Bijlage 13 entry at line {numbered[0][0]}: no 'Contactgegevens'")
    description = lines[1:contact_at]
    record["description"] = join_wrapped(description)
    _countries_served(record, description)
    block = lines[contact_at + 1: last + 1]
    table = next((i for i, line in enumerate(block) if _TABLE_HEADER.match(line)), None)
    if table is None:
        _block_contacts(record, block)
    else:
        record["contact"]["persons"] = _table_persons(block[table + 1:])
        rows = sum(1 for line in block[table + 1:] if "@" in line)
        if len(record["contact"]["persons"]) != rows:
            raise SeedFormatError(f"Bijlage 13 table at line {numbered[0][0]}: {rows} e-mails but "
                                  f"{len(record['contact']['persons'])} rows recognised")
    return record


def parse_section(seed: Seed, first: int, last: int) -> list[dict]:
    if "Nederlandse organisaties" not in seed.line(first):
        raise SeedFormatError(f"line {first}: Bijlage 13 is expected to list 'Nederlandse organisaties'")
    numbered = seed.span(first + 1, last)
    lines = [line for _, line in numbered]
    starts = [i for i in range(len(lines)) if _is_name_line(lines, i)]
    if not starts:
        raise SeedFormatError("Bijlage 13: no organisation names found")
    bounds = starts + [len(lines)]
    return [_parse_org(numbered[bounds[k]: bounds[k + 1]]) for k in range(len(starts))]
