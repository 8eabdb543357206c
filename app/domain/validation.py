"""Small checks for request fields (ids, codes, dates). Each returns an error entry or None."""
from __future__ import annotations

import re
import uuid
from datetime import date

from .errors import N_

COUNTRY = re.compile(r"^[A-Z]{2}$")


def uuid_error(value, path: str) -> dict | None:
    try:
        if isinstance(value, str) and str(uuid.UUID(value)) == value.lower():
            return None
    except ValueError:
        pass
    return {"path": path, "message": N_("Not a valid id: expected a UUID.")}


def string_error(value, path: str, max_length: int, required: bool = True) -> dict | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        return {"path": path, "message": N_("This field is required.")}
    if len(value) > max_length:
        return {"path": path, "message": N_("Too long: at most %(limit)s characters."), "params": {"limit": max_length}}
    return None


def country_error(value, path: str) -> dict | None:
    if isinstance(value, str) and COUNTRY.match(value):
        return None
    return {"path": path, "message": N_("Use an ISO 3166-1 alpha-2 code such as NL, NG or BG.")}


def date_error(value, path: str, required: bool = True) -> dict | None:
    if value is None and not required:
        return None
    try:
        date.fromisoformat(value)
        return None
    except (TypeError, ValueError):
        return {"path": path, "message": N_("Not a valid date: use YYYY-MM-DD.")}


def collect(*errors) -> list[dict]:
    return [e for e in errors if e]


def type_error(path: str, type_name: str) -> dict:
    return {"path": path, "message": N_("Wrong type: expected %(type)s."), "params": {"type": type_name}}
