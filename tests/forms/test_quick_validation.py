"""The compiled (Rust) validator that lets most records through quickly never accepts what jsonschema refuses.

FormRegistry.prepare trusts the compiled validator's yes and asks jsonschema only when it says no, so the two
must agree on every record the compiled one passes. Instances are generated from every schema (current and
archived, draft and final): plausible records, then each with one value swapped for an awkward one (wrong
types, lengths at and over the limit, impossible dates, 1.0 for an integer, huge numbers, NaN, extra keys,
missing keys, a trailing newline after a pattern)."""
from __future__ import annotations

import copy
import random

import pytest

from app.domain.errors import Invalid
from app.domain.forms import _quickly_valid

AWKWARD = [None, True, False, 0, 1, 1.0, -1, 2.5, 10**20, -(10**20), float("nan"), float("inf"), "", " ",
           "2024-02-29", "2023-02-29", "2024-02-30", "2024-1-01", "24-01-01", "2024-01-01T00:00", "2024-01-01\n",
           "٢٠٢٤-٠١-٠١", "a@b", "abc@", "@", "ABC", "ABC\n", "abc", "ЖЖЖ", "\ud800", [], {}, [1, 1], [1, True],
           ["a", "a"], [1, 1.0], {"unknown": 1}]


def sample(schema: dict, rng: random.Random, depth: int = 0):
    """A plausible value for `schema`: mostly within its rules, sometimes not (conditions are not solved)."""
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type", "object")
    kind = rng.choice(kind) if isinstance(kind, list) else kind
    if kind == "object":
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return {name: sample(sub, rng, depth + 1) for name, sub in props.items()
                if name in required or rng.random() < 0.6}
    if kind == "array":
        items = schema.get("items", {})
        count = rng.randint(0, min(schema.get("maxItems", 3), 3))
        out = []
        for _ in range(count * 2):
            value = sample(items, rng, depth + 1)
            if len(out) < count and value not in out:
                out.append(value)
        return out
    if kind == "string":
        if schema.get("format") == "date":
            return f"{rng.randint(1990, 2030)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if schema.get("format") == "email":
            return "someone@example.org"
        if "pattern" in schema:
            return "NLD"
        limit = schema.get("maxLength", 50)
        length = rng.choice([schema.get("minLength", 0), limit, rng.randint(0, min(limit, 40))])
        return "".join(rng.choice("aé Ж\nẹ́") for _ in range(length))
    if kind == "integer":
        return rng.randint(schema.get("minimum", -5), schema.get("maximum", 50))
    if kind == "number":
        return rng.uniform(schema.get("minimum", -5), schema.get("maximum", 50))
    if kind == "boolean":
        return rng.random() < 0.5
    return None


def paths(value, prefix=()):
    """Every place in `value`: (path, container) pairs for every key and index."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield prefix + (key,)
            yield from paths(sub, prefix + (key,))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield prefix + (index,)
            yield from paths(sub, prefix + (index,))


def mutated(instance: dict, rng: random.Random, schema: dict):
    """Copies of `instance`, each with one value swapped, one key removed, or one unknown key added."""
    places = list(paths(instance))
    for place in rng.sample(places, min(len(places), 25)):
        copied = copy.deepcopy(instance)
        parent = copied
        for part in place[:-1]:
            parent = parent[part]
        roll = rng.random()
        if roll < 0.75:
            parent[place[-1]] = copy.deepcopy(rng.choice(AWKWARD))
        elif roll < 0.9 and isinstance(parent, dict):
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent["not-in-the-form"] = "x"
        yield copied
    for key in rng.sample(list(schema.get("properties", {})), min(5, len(schema.get("properties", {})))):
        for value in rng.sample(AWKWARD, 6):
            yield {**instance, key: copy.deepcopy(value)}


def test_the_quick_yes_is_always_a_jsonschema_yes(registry):
    rng = random.Random(20261129)
    checked, quick_yes, full_no = 0, 0, 0
    wrongly_accepted = []
    for form in registry.versions():
        for status in ("draft", "final"):
            quick, full = registry._validators(form, status)
            for _ in range(8):
                instance = sample(form.schema, rng)
                for candidate in [instance, *mutated(instance, rng, form.schema)]:
                    checked += 1
                    refused = any(True for _ in full.iter_errors(candidate))
                    full_no += refused
                    if _quickly_valid(quick, candidate):
                        quick_yes += 1
                        if refused:
                            wrongly_accepted.append((form.id, form.version, status, candidate))
    assert not wrongly_accepted, f"{len(wrongly_accepted)} accepted only by the quick validator: {wrongly_accepted[:2]}"
    # Not a vacuous pass: both answers came up many times.
    assert checked > 10_000 and quick_yes > 1_000 and full_no > 3_000, (checked, quick_yes, full_no)


@pytest.mark.parametrize("value", AWKWARD, ids=repr)
def test_an_awkward_value_gets_the_same_answer_from_prepare_with_and_without_the_quick_check(registry, value):
    """prepare() with the quick check says the same as jsonschema alone, for a value the Rust side may not take."""
    form = registry.get("overzicht-1")
    quick, full = registry._validators(form, "draft")
    data = {"occasion": value, "nl": {"f1": {"score": "+", "note": value}}}
    jsonschema_accepts = not any(True for _ in full.iter_errors(data))
    assert not _quickly_valid(quick, data) or jsonschema_accepts
    try:
        registry.prepare(form, data, "draft")
        prepare_accepts = True
    except Invalid:
        prepare_accepts = False
    assert prepare_accepts == jsonschema_accepts
