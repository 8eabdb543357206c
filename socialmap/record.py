"""The shape of one organisation record in `socialmap/data/organisations.json` (see organisation.schema.json)."""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from pathlib import Path

import jsonschema

from .countries import known_codes

SCHEMA_PATH = Path(__file__).resolve().parent / "organisation.schema.json"

APPENDICES = ("11", "12", "13", "14", "network", "other-contacts")

# Fields a coordinator may change; the rest (id, appendix, source_lines, as_printed) record where the entry
# came from and stay as imported.
EDITABLE_FIELDS = ("name", "country", "country_as_printed", "description", "services", "service_notes",
                   "other_services", "contact", "countries_served", "countries_served_as_printed", "flags")


def new_record(appendix: str, name: str, source_lines: tuple[int, int] | None, *, country: str | None = None,
               country_as_printed: str | None = None) -> dict:
    """An empty record; `source_lines` is None for an organisation a coordinator adds."""
    return {
        "id": "",  # assigned once all records are known (ids must be unique)
        "appendix": appendix,
        "name": name,
        "country": country,
        "country_as_printed": country_as_printed,
        "description": None,
        "services": [],
        "service_notes": {},
        "other_services": None,
        "contact": new_contact(),
        "countries_served": [],
        "countries_served_as_printed": [],
        "flags": [],
        "source_lines": list(source_lines or ()),
        "as_printed": {},
    }


def new_contact() -> dict:
    """General contact details of an organisation, plus its contact persons."""
    return {"persons": [], "address": [], "phones": [], "emails": [], "websites": [], "other": []}


def new_person(name: str | None = None, role: str | None = None) -> dict:
    return {"name": name, "role": role, "details": [], "phones": [], "emails": [], "websites": []}


def slug(text: str, max_words: int = 6) -> str:
    """ASCII, lower case, words joined by '-': `“Different & Equal”` → `different-equal`."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    words = re.findall(r"[a-z0-9]+", text)
    return "-".join(words[:max_words])


def add_unique(values: list[str], *new: str) -> None:
    """Append values that are not already there, keeping the printed order."""
    for value in new:
        if value and value not in values:
            values.append(value)


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


def validation_errors(record: dict) -> list[dict]:
    """[{path (JSON pointer), message}] for everything wrong with a record; empty when it is valid."""
    errors = [{"path": "/" + "/".join(map(str, e.path)), "message": e.message}
              for e in sorted(_validator().iter_errors(record), key=lambda e: list(map(str, e.path)))]
    codes = known_codes()
    if isinstance(record.get("country"), str) and record["country"] not in codes:
        errors.append({"path": "/country", "message": f"Unknown country code {record['country']!r}"})
    for i, code in enumerate(record.get("countries_served") or []):
        if isinstance(code, str) and code not in codes:
            errors.append({"path": f"/countries_served/{i}", "message": f"Unknown country code {code!r}"})
    return errors
