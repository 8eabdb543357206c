"""Supplement "Overige contacten SRTV": contacts per country as bullets `•\\t <Country>: <who>`, in two lists.

The first list is reached through SRTV's contact person (the lines under the heading); the second, under
`Leden van netwerk Talitha Kum`, lists that network's members. Prose lines between the lists (countries where
SRTV has some contacts, without names) are no organisations and are not imported.
"""
from __future__ import annotations

import copy
import re

from .. import contacts as c
from ..countries import resolve
from ..record import add_unique, new_person, new_record
from ..seedtext import BULLET, Seed, SeedFormatError, join_wrapped, normalise_spaces

_HEADING = re.compile(r"Aanvulling op sociale kaart:\s*(.+)$")
_BULLET = re.compile(r"^\s*" + BULLET + r"\s*([^:]+):\s*(.+)$")
_REACHED_VIA = re.compile(r"contactpersoon\s+(.+)$", re.IGNORECASE)
_LABELLED = re.compile(r"^\s*(Tel|E-mail|Website)\s*:\s*(.+)$")


def _reached_via(header_lines: list[str]) -> dict:
    """The contact person under the heading, through whom the first list's contacts are reached."""
    person = new_person()
    for line in header_lines:
        via = _REACHED_VIA.search(line)
        labelled = _LABELLED.match(line)
        if via:
            person["name"] = normalise_spaces(via.group(1))
            person["details"].append(normalise_spaces(line))
        elif labelled and labelled.group(1) == "Tel":
            add_unique(person["phones"], normalise_spaces(labelled.group(2)))
        elif labelled and labelled.group(1) == "E-mail":
            add_unique(person["emails"], *c.emails_in(line))
        elif labelled:
            add_unique(person["websites"], *c.urls_in(line))
    if not person["name"]:
        raise SeedFormatError("Overige contacten: no 'contactpersoon' under the heading")
    return person


def parse_section(seed: Seed, first: int, last: int) -> list[dict]:
    lines = seed.span(first, last)
    bullets = [i for i, (_, line) in enumerate(lines) if _BULLET.match(line)]
    if not bullets:
        raise SeedFormatError("Overige contacten: no bullets")
    # The heading wraps over lines up to the first line that is not part of it (the contact person's line).
    heading_end = next(i for i, (_, line) in enumerate(lines) if _REACHED_VIA.search(line))
    heading = _HEADING.search(join_wrapped([line for _, line in lines[:heading_end]], hard_break=" "))
    if not heading:
        raise SeedFormatError(f"line {first}: heading without 'Aanvulling op sociale kaart: <title>'")
    via = _reached_via([line for _, line in lines[heading_end: bullets[0]]])

    records, list_title, reached_via = [], normalise_spaces(heading.group(1)), via
    previous = bullets[0] - 1
    for i in bullets:
        between = [line for _, line in lines[previous + 1: i] if line.strip()]
        if between:  # a new list starts under its own title; its members are not reached through SRTV
            list_title, reached_via = normalise_spaces(between[-1]), None
        previous = i
        number, line = lines[i]
        bullet = _BULLET.match(line)
        country_as_printed = normalise_spaces(bullet.group(1))
        record = new_record("other-contacts", normalise_spaces(bullet.group(2)).rstrip(", "), (number, number),
                            country=resolve(country_as_printed), country_as_printed=country_as_printed)
        record["description"] = list_title
        if reached_via:
            record["contact"]["persons"].append(copy.deepcopy(reached_via))
        records.append(record)
    return records
