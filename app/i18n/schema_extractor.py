"""Babel extractor for instrument schemas (`forms/*.schema.json`).

Every user-visible string in a schema is English source text and a gettext msgid. Registered by module path in
`babel.cfg`, so `pybabel extract` needs no installed entry point.
"""
from __future__ import annotations

import json

# Keys whose string value is shown to users, and keys whose list of strings is.
TEXT_KEYS = ("title", "description", "x-help", "x-placeholder", "x-rowLabel")
LIST_KEYS = ("x-enumLabels", "x-examples")


def schema_strings(schema) -> list[tuple[str, str]]:
    """(json-pointer, msgid) for every translatable string in a schema, in document order."""
    found: list[tuple[str, str]] = []

    def walk(node, path: str):
        if isinstance(node, dict):
            for key, value in node.items():
                here = f"{path}/{key}"
                if key in TEXT_KEYS and isinstance(value, str):
                    found.append((here, value))
                elif key in LIST_KEYS and isinstance(value, list):
                    found.extend((f"{here}/{i}", v) for i, v in enumerate(value) if isinstance(v, str))
                elif key not in ("enum", "const", "default", "x-showIf", "x-computed"):
                    walk(value, here)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}/{i}")

    walk(schema, "")
    return [(p, s) for p, s in found if s.strip()]


def extract_schema(fileobj, keywords, comment_tags, options):
    """Babel extraction method: yields (lineno, funcname, message, comments)."""
    text = fileobj.read().decode("utf-8")
    schema = json.loads(text)
    form_id = schema.get("$id", "?")
    position = 0
    for pointer, message in schema_strings(schema):
        encoded = json.dumps(message, ensure_ascii=False)
        found = text.find(encoded, position)
        if found >= 0:
            position = found
        lineno = text.count("\n", 0, max(found, 0)) + 1
        yield lineno, None, message, [f"{form_id}: {pointer}"]
