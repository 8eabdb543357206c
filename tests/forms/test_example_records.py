"""Per instrument: a complete example record is accepted as final, and typical bad input is refused with the
exact JSON pointer of the field at fault (examples/<form-id>.json for the current version, or
examples/<form-id>.v<version>.json for a given one)."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from app.domain.errors import Invalid
from app.domain.forms import FormRegistry

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((Path(__file__).parent / "examples").glob("*.json"))


@pytest.fixture(scope="module")
def registry() -> FormRegistry:
    return FormRegistry(ROOT / "forms")


def _form(registry: FormRegistry, name: str):
    """The instrument an example file is for: `genogram` (the current version) or `genogram.v2`."""
    form_id, _, version = name.partition(".v")
    return registry.get(form_id, int(version) if version else None)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _parts(pointer: str) -> list:
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _step(node, part):
    return node[int(part)] if isinstance(node, list) else node[part]


def _apply(record: dict, case: dict) -> dict:
    """A copy of `record` with one change: {"set": pointer, "value"|"repeat": …} or {"delete": pointer}."""
    record = copy.deepcopy(record)
    pointer = case.get("set") or case["delete"]
    *parents, last = _parts(pointer)
    node = record
    for part in parents:
        node = _step(node, part)
    if "delete" in case:
        del node[int(last) if isinstance(node, list) else last]
        return record
    value = case["repeat"][0] * case["repeat"][1] if "repeat" in case else case["value"]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return record


def _cases(key: str):
    for path in EXAMPLES:
        for case in _load(path).get(key, []):
            yield pytest.param(path.stem, case, id=f"{path.stem}: {case['why']}")


def test_examples_name_known_instruments(registry):
    for path in EXAMPLES:
        _form(registry, path.stem)  # raises NotFound for an unknown form or version


@pytest.mark.parametrize("form_id", [p.stem for p in EXAMPLES])
def test_complete_record_is_accepted_as_final_and_draft(registry, form_id):
    example = _load(Path(__file__).parent / "examples" / f"{form_id}.json")
    form = _form(registry, form_id)
    for status in ("final", "draft"):
        prepared = registry.prepare(form, example["valid"], status)
        for pointer, expected in example.get("computed", {}).items():
            node = prepared
            for part in _parts(pointer):
                node = _step(node, part)
            assert node == expected, pointer


@pytest.mark.parametrize("form_id, case", list(_cases("also_valid")))
def test_other_complete_records_are_accepted(registry, form_id, case):
    example = _load(Path(__file__).parent / "examples" / f"{form_id}.json")
    record = case.get("record")
    if record is None:
        record = example["valid"]
        for change in case["patch"]:
            record = _apply(record, change)
    registry.prepare(_form(registry, form_id), record, "final")


@pytest.mark.parametrize("form_id, case", list(_cases("invalid")))
def test_bad_input_is_refused_at_its_path(registry, form_id, case):
    example = _load(Path(__file__).parent / "examples" / f"{form_id}.json")
    form = _form(registry, form_id)
    record = _apply(example["valid"], case)
    with pytest.raises(Invalid) as refused:
        registry.prepare(form, record, "final")
    errors = refused.value.errors
    assert {e["path"] for e in errors} == {case["path"]}
    # a value of the wrong type for an option list breaks two rules (type and enum) at the same path
    assert case["message"] in [e["message"] for e in errors]
    if case.get("final_only"):
        registry.prepare(form, record, "draft")  # a draft may be incomplete
    else:
        with pytest.raises(Invalid):
            registry.prepare(form, record, "draft")


def test_computed_fields_are_not_taken_from_the_client(registry):
    example = _load(Path(__file__).parent / "examples" / "overzicht-1.json")
    record = dict(example["valid"], totals={"total_minus": 99})
    prepared = registry.prepare(registry.get("overzicht-1"), record, "final")
    assert prepared["totals"]["total_minus"] == example["computed"]["/totals/total_minus"]
