"""Every instrument schema follows forms/README.md: the rules the renderer, the validator and the catalogs rely on."""
import json
from pathlib import Path

import pytest

from app.domain.workflow import STEPS

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"
SCHEMA_FILES = sorted(FORMS_DIR.glob("*.schema.json"))
WIDGETS = {"text", "textarea", "date", "radio", "select", "checkboxes", "score", "yesno", "checkbox", "number"}


def nodes(node, pointer=""):
    """(pointer, schema node) for the node and every property/item schema below it."""
    yield pointer, node
    for name, prop in node.get("properties", {}).items():
        yield from nodes(prop, f"{pointer}/properties/{name}")
    if isinstance(node.get("items"), dict):
        yield from nodes(node["items"], f"{pointer}/items")


def resolve(schema, data_pointer):
    """The property schema a record pointer (as in x-showIf) leads to, or None."""
    node = schema
    for part in data_pointer.strip("/").split("/"):
        node = node.get("properties", {}).get(part)
        if node is None:
            return None
    return node


@pytest.fixture(params=SCHEMA_FILES, ids=lambda p: p.name)
def schema(request):
    return json.loads(request.param.read_text(encoding="utf-8")) | {"_file": request.param.name}


def test_header(schema):
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["_file"] == f"{schema['$id']}.schema.json"
    assert isinstance(schema["version"], int) and schema["version"] >= 1
    assert schema["x-source"].strip()
    assert set(schema["x-step"]) <= set(STEPS)
    assert set(schema.get("x-optionalIn", [])) <= set(schema["x-step"])


def test_step_field_holds_steps_of_the_instrument(schema):
    if "x-stepField" in schema:
        field = schema["properties"][schema["x-stepField"]]
        assert set(field["enum"]) <= set(schema["x-step"])


def test_every_node_follows_the_conventions(schema):
    for pointer, node in nodes(schema):
        where = f"{schema['$id']}{pointer}"
        if pointer and not pointer.endswith("/items"):
            assert node.get("title", "").strip(), f"{where}: no title"
        if node.get("type") == "object":
            assert node.get("additionalProperties") is False, f"{where}: additionalProperties"
            assert set(node.get("required", [])) <= set(node["properties"]), f"{where}: required"
        if node.get("type") == "string" and "enum" not in node and "format" not in node:
            assert node.get("maxLength") in range(1, 20001), f"{where}: maxLength"
        if "enum" in node:
            assert len(node.get("x-enumLabels", [])) == len(node["enum"]), f"{where}: x-enumLabels"
        if node.get("type") == "array" and node["items"].get("type") == "object":
            assert node.get("x-rowLabel", "").strip(), f"{where}: x-rowLabel"
        if "x-widget" in node:
            assert node["x-widget"] in WIDGETS, f"{where}: x-widget"
        if "x-showIf" in node:
            target = resolve(schema, node["x-showIf"]["field"])
            assert target is not None, f"{where}: x-showIf points nowhere"
            values = [node["x-showIf"]["equals"]] if "equals" in node["x-showIf"] else node["x-showIf"]["in"]
            if "enum" in target:
                assert set(values) <= set(target["enum"]), f"{where}: x-showIf value"
