"""Every instrument schema (forms/*.schema.json and forms/archive/) is valid draft-07, loads in the registry and
follows the conventions of forms/README.md."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from app.domain.forms import FormRegistry
from app.domain.workflow import STEPS

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
FILES = sorted(FORMS.glob("*.schema.json")) + sorted((FORMS / "archive").glob("*.schema.json"))
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
# The x-widget values documented in forms/README.md.
WIDGETS = {"text", "textarea", "date", "radio", "select", "checkboxes", "score", "yesno", "checkbox", "socialmap",
           "number", "row-id", "person", "persons", "genogram-person"}
ROW_ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,40}$", "maxLength": 40}
# Belongs to no step: it ends a case from any step in the Netherlands (forms/README.md).
STEPLESS = {"quiet-departure"}
YESNO = ["ja", "nee", "onbekend"]
SCORES = ["--", "-", "+", "++"]


def _schema(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _properties(schema: dict, path: str = ""):
    """(json-pointer-like path, property schema) for every property, array items included."""
    for name, prop in schema.get("properties", {}).items():
        here = f"{path}/{name}"
        yield here, prop
        yield from _properties(prop, here)
        items = prop.get("items")
        if isinstance(items, dict):
            yield f"{here}/items", items
            yield from _properties(items, f"{here}/items")


def _objects(schema: dict, path: str = ""):
    yield path or "/", schema
    for here, prop in _properties(schema, path):
        if prop.get("type") == "object":
            yield here, prop


def _resolve(schema: dict, pointer: str) -> dict | None:
    """The property schema a record pointer such as /health/physical/has_complaints names (rows excepted)."""
    node = schema
    for part in pointer.split("/")[1:]:
        node = node.get("properties", {}).get(part)
        if node is None:
            return None
    return node


def test_there_are_instruments():
    assert FILES, "no schema files found"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_header_follows_the_conventions(path):
    schema = _schema(path)
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT_07
    stem = path.name.removesuffix(".schema.json")
    expected_id = stem.split("@")[0] if path.parent.name == "archive" else stem
    assert schema["$id"] == expected_id
    assert isinstance(schema["version"], int) and schema["version"] >= 1
    if path.parent.name == "archive":
        assert stem == f"{schema['$id']}@{schema['version']}"
    assert (schema["x-step"] or schema["$id"] in STEPLESS) and set(schema["x-step"]) <= set(STEPS), schema["x-step"]
    assert isinstance(schema["x-source"], str) and schema["x-source"]
    assert schema["title"].strip() and schema["description"].strip()
    assert schema["type"] == "object"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_step_hints_name_steps_of_the_instrument(path):
    schema = _schema(path)
    assert set(schema.get("x-optionalIn", [])) <= set(schema["x-step"])
    if "x-stepField" in schema:
        assert set(schema["properties"][schema["x-stepField"]]["enum"]) <= set(schema["x-step"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_string_has_a_max_length(path):
    missing = [p for p, prop in _properties(_schema(path)) if prop.get("type") == "string" and "maxLength" not in prop]
    assert not missing


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_object_refuses_unknown_fields_and_requires_only_its_own(path):
    for where, obj in _objects(_schema(path)):
        assert obj.get("additionalProperties") is False, where
        assert set(obj.get("required", [])) <= set(obj["properties"]), where
        for rule in obj.get("allOf", []):
            assert set(rule["if"]["properties"]) <= set(obj["properties"]), where
            assert set(rule["then"]) == {"required"}, f"{where}: if/then may only add required"
            assert set(rule["then"]["required"]) <= set(obj["properties"]), where


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_ui_hints_are_consistent(path):
    schema = _schema(path)
    for where, prop in _properties(schema):
        options = prop.get("enum") or prop.get("items", {}).get("enum")
        if options is not None and not where.endswith("/items"):  # a list's option labels sit on the list
            assert len(prop.get("x-enumLabels", [])) == len(options), f"{where}: one label per option"
        widget = prop.get("x-widget")
        assert widget is None or widget in WIDGETS, f"{where}: undocumented widget {widget}"
        if widget == "yesno":
            assert prop["enum"] == YESNO, where
        if widget == "score":
            assert prop["enum"] == SCORES, where
        if widget == "date":
            assert prop.get("format") == "date", where
        if widget in ("row-id", "person", "genogram-person"):  # a row's id, or a link to one
            assert {k: prop.get(k) for k in ROW_ID} == ROW_ID, where
        if widget == "persons":
            assert prop["type"] == "array" and prop["uniqueItems"] and prop["items"] == ROW_ID, where
        if prop.get("x-socialmap"):
            assert prop["type"] == "array" and prop["items"]["type"] == "string", where
        condition = prop.get("x-showIf")
        if condition:
            target = _resolve(schema, condition["field"])
            assert target is not None, f"{where}: x-showIf names an unknown field"
            values = condition["in"] if "in" in condition else [condition["equals"]]
            allowed = target.get("enum", [True, False] if target.get("type") == "boolean" else None)
            assert allowed is not None and set(values) <= set(allowed), f"{where}: x-showIf value never occurs"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_references_to_other_instruments_resolve(path):
    for where, prop in _properties(_schema(path)):
        if "x-refersTo" in prop:
            target = _schema(FORMS / f"{prop['x-refersTo']}.schema.json")
            unresolved = [v for v in prop["enum"] if _resolve(target, v) is None]
            assert not unresolved, f"{where}: {unresolved}"


def test_registry_loads_every_current_instrument():
    registry = FormRegistry(FORMS)
    assert {f.id for f in registry.current()} == {_schema(p)["$id"] for p in FILES if p.parent == FORMS}


CURRENT = sorted(FORMS.glob("*.schema.json"))


@pytest.mark.parametrize("path", CURRENT, ids=lambda p: p.name)
def test_confirmations_the_seed_marks_always_must_be_true_to_finalise(path):
    """The seed's "(altijd!)" confirmations ("(always!)" in the msgid) are ticked boxes that only `true` passes."""
    for where, prop in _properties(_schema(path)):
        if "(always!)" in prop.get("title", ""):
            assert prop.get("x-widget") == "checkbox" and prop.get("const") is True, where


def test_the_seeds_always_confirmation_is_in_an_instrument():
    titles = [prop.get("title", "") for path in CURRENT for _, prop in _properties(_schema(path))]
    assert sum("(always!)" in t for t in titles) == 1  # the seed has one: a local organisation's contact details
