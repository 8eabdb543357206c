"""Bijlage 11: the Safe Return partner organisations.

Each entry is a name line, a description, and bullets `•\\t @: website`, `•\\t T: phone`, `•\\t E: e-mail`
(optionally `•\\t Skype: …`). An entry ends with its last bullet; the next text line starts the next entry.
"""
from __future__ import annotations

import re

from .. import contacts as c
from ..countries import scan_country_names
from ..record import add_unique, new_record
from ..seedtext import BULLET, Seed, SeedFormatError, join_wrapped, normalise_spaces

_BULLET = re.compile(r"^\s*" + BULLET + r"\s*(@|T|E|Skype):\s*(.*)$")


def _entries(seed: Seed, first: int, last: int) -> list[list[tuple[int, str]]]:
    entries: list[list[tuple[int, str]]] = []
    seen_bullet = True  # so the first text line starts an entry
    for number, line in seed.span(first + 1, last):
        if not line.strip():
            continue
        is_bullet = bool(_BULLET.match(line))
        if not is_bullet and seen_bullet:
            entries.append([])
        seen_bullet = is_bullet
        entries[-1].append((number, line))
    return entries


def _is_dutch_phone(phone: str) -> bool:
    return phone.replace(" ", "").startswith("(+31)")


def _parse_entry(lines: list[tuple[int, str]]) -> dict:
    (first, name_line), body = lines[0], lines[1:]
    text_lines = [line for _, line in body if not _BULLET.match(line)]
    record = new_record("11", normalise_spaces(name_line), (first, lines[-1][0]))
    record["description"] = join_wrapped(text_lines) or None
    contact = record["contact"]
    for _, line in body:
        bullet = _BULLET.match(line)
        if not bullet:
            continue
        kind, value = bullet.group(1), normalise_spaces(bullet.group(2))
        if c.is_placeholder(value):
            continue
        if kind == "@":
            add_unique(contact["websites"], *c.website_tokens(value))
        elif kind == "T":
            add_unique(contact["phones"], *c.split_phones(value))
        elif kind == "E":
            add_unique(contact["emails"], *c.emails_in(value))
        else:
            contact["other"].append(f"Skype: {value}")
    # Most partners are Dutch; the two abroad name their country (COSUDOW Nigeria, Animus/La Strada Bulgaria).
    named = [(printed, code) for printed, code in scan_country_names(record["name"]) if code]
    if named:
        record["country_as_printed"], record["country"] = named[0]
    elif contact["phones"] and all(_is_dutch_phone(p) for p in contact["phones"]):
        record["country"] = "NL"
    else:
        raise SeedFormatError(f"Bijlage 11 entry at line {first}: no country in the name and no Dutch phone")
    return record


def parse_section(seed: Seed, first: int, last: int) -> list[dict]:
    return [_parse_entry(entry) for entry in _entries(seed, first, last)]
