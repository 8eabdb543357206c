"""Fixtures for instrument tests: the real schemas in forms/, validated the way the server validates them."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from app.domain.errors import Invalid
from app.domain.forms import FormRegistry

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"


@pytest.fixture(scope="session")
def registry() -> FormRegistry:
    return FormRegistry(FORMS_DIR)


@pytest.fixture(scope="session")
def errors(registry):
    """errors(form_id, data, status="final") -> [(json pointer, message msgid)], [] when the record is valid.
    `form_id` may name a version: "genogram@1"."""

    def check(form_id: str, data, status: str = "final") -> list[tuple[str, str]]:
        try:
            name, _, version = form_id.partition("@")
            registry.prepare(registry.get(name, int(version) if version else None), data, status)
        except Invalid as e:
            return [(err["path"], err["message"]) for err in e.errors]
        return []

    return check


def _walk_to_parent(data, pointer: str):
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, int(last) if isinstance(node, list) else last


@pytest.fixture(scope="session")
def changed():
    """changed(record, pointer, value) -> a copy of the record with the value at pointer set (or added)."""

    def change(record: dict, pointer: str, value) -> dict:
        data = copy.deepcopy(record)
        parent, key = _walk_to_parent(data, pointer)
        parent[key] = value
        return data

    return change


@pytest.fixture(scope="session")
def without():
    """without(record, pointer) -> a copy of the record with the answer at pointer removed."""

    def remove(record: dict, pointer: str) -> dict:
        data = copy.deepcopy(record)
        parent, key = _walk_to_parent(data, pointer)
        del parent[key]
        return data

    return remove
