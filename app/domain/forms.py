"""The schema registry: every instrument and every archived version, validation, computed fields.

Messages returned here are gettext msgids with %-style params; the caller translates them.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

import jsonschema_rs
from jsonschema import Draft7Validator

from . import kinship
from .errors import N_, Invalid, NotFound
from .validation import type_error

SCORE_WEIGHTS = {"-": 1, "--": 2, "+": 1, "++": 2}
# Checks beyond JSON Schema, by the schema's `x-drawing`: the genogram's links must make a family tree.
LINK_CHECKS = {"genogram": kinship.link_errors}


@dataclass(frozen=True)
class Form:
    id: str
    version: int
    schema: dict

    @property
    def title(self) -> str:
        return self.schema["title"]


def _strip_required(node):
    """The draft variant of a schema: the same rules, nothing mandatory (a rule marked `x-finalOnly` is dropped)."""
    if isinstance(node, dict) and node.get("x-finalOnly") is True:
        return {}
    if isinstance(node, dict):
        return {k: _strip_required(v) for k, v in node.items() if k != "required"}
    if isinstance(node, list):
        return [_strip_required(v) for v in node]
    return node


def _walk_computed(schema: dict, path: tuple = ()):
    """Yield (path, spec) for every property with `x-computed`."""
    for name, prop in schema.get("properties", {}).items():
        if "x-computed" in prop:
            yield path + (name,), prop["x-computed"]
        if prop.get("type") == "object":
            yield from _walk_computed(prop, path + (name,))


_TALLY_PART = {"score_minus": 0, "score_plus": 1, "score_count": 2}


def _score_tally(node, prefix: str) -> tuple[int, int, int]:
    """(weight of the - and -- answers, weight of the + and ++ answers, number of scored factors) of the
    `score` answers in the objects below `prefix`."""
    for part in prefix.split("/"):
        if part:
            if not isinstance(node, dict) or part not in node:
                return 0, 0, 0
            node = node[part]
    minus = plus = count = 0
    stack = [node] if isinstance(node, dict) else []
    while stack:
        cur = stack.pop()
        score = cur.get("score")
        if isinstance(score, str) and score in SCORE_WEIGHTS:
            count += 1
            if score[0] == "-":
                minus += SCORE_WEIGHTS[score]
            else:
                plus += SCORE_WEIGHTS[score]
        stack += [v for v in cur.values() if isinstance(v, dict)]
    return minus, plus, count


def compute(op: str, of: list[str], data: dict, memo: dict | None = None) -> int:
    """The value of a computed field. `memo` keeps the tally of each prefix for the next field of the same
    data (Overzicht 1 has seven totals over two blocks)."""
    if op not in _TALLY_PART:
        raise ValueError(f"unknown computed op {op!r}")
    memo = {} if memo is None else memo
    for prefix in of:
        if prefix not in memo:
            memo[prefix] = _score_tally(data, prefix)
    return sum(memo[prefix][_TALLY_PART[op]] for prefix in of)


def _has_answer(value) -> bool:
    if isinstance(value, dict):
        return any(_has_answer(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_answer(v) for v in value)
    if isinstance(value, str):
        return value.strip() != ""
    return value is not None and value is not False


def _without(data: dict, paths: list[tuple]) -> dict:
    """A copy of `data` without the values at `paths`. Only the objects on those paths are copied (the caller's
    data is never changed, and the copy may be changed on those paths); everything else is shared."""
    data = dict(data)
    for path in paths:
        parent = data
        for part in path[:-1]:
            child = parent.get(part)
            if not isinstance(child, dict):
                break
            parent[part] = parent = dict(child)
        else:
            parent.pop(path[-1], None)
    return data


def _quickly_valid(quick, data) -> bool:
    """Whether the compiled validator passes `data`. jsonschema stays the judge: a no, or a value the Rust side
    refuses to take at all, is looked at again by jsonschema, which may still accept it (a pattern followed by
    a newline, an e-mail address Python's check allows). The yes is trusted: tests/forms/test_quick_validation.py
    holds it to jsonschema's answer over thousands of generated records."""
    try:
        return quick.is_valid(data)
    except (ValueError, OverflowError, TypeError):
        return False


def _pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _error_entries(error) -> list[dict]:
    """One jsonschema error as our {path, message, params} entries."""
    path = list(error.absolute_path)
    v = error.validator
    if v == "required":
        missing = [n for n in error.validator_value if not isinstance(error.instance, dict) or n not in error.instance]
        return [{"path": _pointer(path + [n]), "message": N_("This field is required."), "params": {}} for n in missing]
    if v == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed] if isinstance(error.instance, dict) else []
        return [{"path": _pointer(path + [k]), "message": N_("Unknown field."), "params": {}} for k in extra]
    messages = {
        "enum": (N_("Choose one of the allowed options."), {}),
        "const": (N_("Choose one of the allowed options."), {}),
        "type": (N_("Wrong type: expected %(type)s."), {"type": str(error.validator_value)}),
        "maxLength": (N_("Too long: at most %(limit)s characters."), {"limit": error.validator_value}),
        "minLength": (N_("Too short: at least %(limit)s characters."), {"limit": error.validator_value}),
        "maximum": (N_("Must be at most %(limit)s."), {"limit": error.validator_value}),
        "minimum": (N_("Must be at least %(limit)s."), {"limit": error.validator_value}),
        "maxItems": (N_("Too many entries: at most %(limit)s."), {"limit": error.validator_value}),
        "minItems": (N_("Too few entries: at least %(limit)s."), {"limit": error.validator_value}),
        "uniqueItems": (N_("An option is chosen twice."), {}),
        "format": (N_("Not a valid %(format)s value."), {"format": str(error.validator_value)}),
        "pattern": (N_("Not in the expected form."), {}),
    }
    if v == "const" and error.schema.get("x-finalOnly") is True:
        messages["const"] = (N_("With this answer the record can only be kept as a draft."), {})
    message, params = messages.get(v, (N_("This answer is not valid."), {}))
    return [{"path": _pointer(path), "message": message, "params": params}]


class FormRegistry:
    def __init__(self, forms_dir: Path):
        self._current: dict[str, Form] = {}
        self._versions: dict[tuple[str, int], Form] = {}
        self._compiled: dict[tuple[str, int, str], tuple] = {}
        self._computed_fields: dict[tuple[str, int], list] = {}
        files = sorted(forms_dir.glob("*.schema.json")) + sorted((forms_dir / "archive").glob("*.schema.json"))
        for path in files:
            schema = json.loads(path.read_text(encoding="utf-8"))
            Draft7Validator.check_schema(schema)
            form = Form(schema["$id"], int(schema["version"]), schema)
            if (form.id, form.version) in self._versions:
                raise ValueError(f"{path}: {form.id} version {form.version} is defined twice")
            self._versions[(form.id, form.version)] = form
            if path.parent == forms_dir:
                if path.name != f"{form.id}.schema.json":
                    raise ValueError(f"{path}: $id {form.id!r} does not match the file name")
                self._current[form.id] = form

    def current(self) -> list[Form]:
        return list(self._current.values())

    def versions(self) -> list[Form]:
        """Every version of every instrument, archived ones included (records keep the version they were made with)."""
        return list(self._versions.values())

    def get(self, form_id: str, version: int | None = None) -> Form:
        if version is None:
            form = self._current.get(form_id)
        else:
            form = self._versions.get((form_id, version))
        if form is None:
            raise NotFound(N_("Unknown form or form version."), form_id=form_id, version=version)
        return form

    def _validators(self, form: Form, status: str) -> tuple:
        """(quick, full) for the form in this status: a compiled Rust validator that only says yes or no, and
        jsonschema's, which says what is wrong and where."""
        key = (form.id, form.version, status)
        if key not in self._compiled:
            schema = form.schema if status == "final" else _strip_required(copy.deepcopy(form.schema))
            self._compiled[key] = (jsonschema_rs.Draft7Validator(schema, validate_formats=True),
                                   Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER))
        return self._compiled[key]

    def prepare(self, form: Form, data, status: str) -> dict:
        """Validate `data` for `status` and return it with computed fields filled in. Raises Invalid."""
        if not isinstance(data, dict):
            raise Invalid(N_("The record data must be an object."), [type_error("", "object")])
        computed = self._computed(form)
        data = _without(data, [path for path, _ in computed])  # computed fields are never trusted from the client
        quick, full = self._validators(form, status)
        errors, seen = [], set()
        for error in ([] if _quickly_valid(quick, data) else full.iter_errors(data)):
            for entry in _error_entries(error):
                if entry["path"] not in seen:  # one message per field: the first rule it breaks
                    seen.add(entry["path"])
                    errors.append(entry)
        check = LINK_CHECKS.get(form.schema.get("x-drawing"))
        if check and not errors:
            errors += check(data)
        if status == "final" and not _has_answer(data) and "" not in seen:
            errors.append({"path": "", "message": N_("An empty record cannot be final."), "params": {}})
        if errors:
            errors.sort(key=lambda e: e["path"])
            raise Invalid(N_("The record does not match its form."), errors)
        memo: dict = {}
        for path, spec in computed:
            parent = data
            for part in path[:-1]:
                parent = parent.setdefault(part, {})
            parent[path[-1]] = compute(spec["op"], spec["of"], data, memo)
        return data

    def _computed(self, form: Form) -> list[tuple[tuple, dict]]:
        key = (form.id, form.version)
        if key not in self._computed_fields:
            self._computed_fields[key] = list(_walk_computed(form.schema))
        return self._computed_fields[key]
