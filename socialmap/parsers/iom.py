"""Bijlage 12: IOM — one organisation, its contact persons and the countries where it assists re-integration.

The contact block was three columns side by side; the extraction printed the three column headers first and
then the three people, each a name followed by `E-mail…` and `Mobiel:`/`Tel:` lines. The country table had four
columns (Europa, Azië, Afrika, Amerika) flattened row by row, so multi-word names are found by matching known
country names rather than by splitting on spaces.
"""
from __future__ import annotations

import re

from .. import contacts as c
from ..countries import scan_country_names
from ..record import add_unique, new_person, new_record
from ..seedtext import Seed, SeedFormatError, join_wrapped, normalise_spaces

_HEADING = re.compile(r"Sociale Kaart:\s*(.+)$")
_TABLE_HEADER = re.compile(r"^\s*Europa\s+Azi\u00eb\s+Afrika\s+Amerika\s*$")
_COLUMN_HEADER = re.compile(r"^\s*(Contactpersoon|Algemene informatie)")
_PERSON_LINE = re.compile(r"^\s*(E-mail|Mobiel|Tel)\s*[:;]\s*(.+)$")


def _contact_block(lines: list[tuple[int, str]]) -> tuple[int, int, list[dict]]:
    """(index of the first and last line of the block, the persons with their column header as role)."""
    start = next(i for i, (_, line) in enumerate(lines) if _COLUMN_HEADER.match(line))
    non_blank = [i for i in range(start, len(lines)) if lines[i][1].strip()]
    person_starts = [i for k, i in enumerate(non_blank[:-1])
                     if not _PERSON_LINE.match(lines[i][1]) and _PERSON_LINE.match(lines[non_blank[k + 1]][1])
                     and lines[non_blank[k + 1]][1].strip().startswith("E-mail")]
    if not person_starts:
        raise SeedFormatError("Bijlage 12: no contact persons found")
    headers: list[list[str]] = []
    for i in range(start, person_starts[0]):
        line = lines[i][1]
        if _COLUMN_HEADER.match(line):
            headers.append([])
        if line.strip():
            headers[-1].append(line)
    if len(headers) != len(person_starts):
        raise SeedFormatError(f"Bijlage 12: {len(headers)} column headers but {len(person_starts)} persons")
    persons, end = [], person_starts[0]
    for header, i in zip(headers, person_starts):
        person = new_person(normalise_spaces(lines[i][1]), join_wrapped(header, hard_break=" "))
        j = i + 1
        while j < len(lines) and (not lines[j][1].strip() or _PERSON_LINE.match(lines[j][1])):
            match = _PERSON_LINE.match(lines[j][1])
            if match and match.group(1) == "E-mail":
                add_unique(person["emails"], *c.emails_in(match.group(2)))
            elif match:
                add_unique(person["phones"], normalise_spaces(lines[j][1]))
            if match:
                end = j
            j += 1
        persons.append(person)
    return start, end, persons


def _urls(text: str) -> list[str]:
    """Websites mentioned in prose, without the closing parenthesis of `(… www.iom-nederland.nl).`"""
    return [u.rstrip(")") if u.count(")") > u.count("(") else u for u in c.urls_in(text)]


def parse_section(seed: Seed, first: int, last: int) -> list[dict]:
    heading = _HEADING.search(seed.line(first))
    if not heading:
        raise SeedFormatError(f"line {first}: Bijlage 12 heading without 'Sociale Kaart: <name>'")
    lines = seed.span(first + 1, last)
    table = next((i for i, (_, line) in enumerate(lines) if _TABLE_HEADER.match(line)), None)
    if table is None:
        raise SeedFormatError("Bijlage 12: no 'Europa Azië Afrika Amerika' table")
    block_start, block_end, persons = _contact_block(lines[:table])
    before = [line for _, line in lines[:block_start]]
    after = [line for _, line in lines[block_end + 1: table]]

    record = new_record("12", normalise_spaces(heading.group(1)), (first, last))
    record["description"] = join_wrapped(before) + "\n" + join_wrapped(after)
    contact = record["contact"]
    contact["persons"] = persons
    for line in before + after:
        add_unique(contact["websites"], *_urls(line))
        if c.looks_like_phone(line):  # `IOM contact: 088 746 44 66`, the central number
            add_unique(contact["phones"], normalise_spaces(line))
    # IOM Nederland: its contact persons and central number are Dutch numbers (06…, 070…, 088…).
    numbers = [re.sub(r"\D", "", phone) for phone in contact["phones"] + [p for x in persons for p in x["phones"]]]
    if not numbers or not all(number.startswith("0") for number in numbers):
        raise SeedFormatError("Bijlage 12: expected the Dutch contact numbers of IOM Nederland")
    record["country"] = "NL"
    for _, row in lines[table + 1:]:
        for printed, code in scan_country_names(row):
            if code is None:
                raise SeedFormatError(f"Bijlage 12 country table: unknown country {printed!r}")
            record["countries_served_as_printed"].append(printed)
            add_unique(record["countries_served"], code)
    return [record]
