"""The ecogram's layout (app/domain/drawings/ecogram.py, the port of pwa/js/drawings/ecogram.js): the client in
the middle, the contacts on a ring grouped by kind, each line's style saying the strength, the PAGE letters on
it, risks marked."""
from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from app.domain.drawings import ecogram

from .families import fixtures

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "forms" / "ecogram.schema.json").read_text(encoding="utf-8"))
CATEGORIES = SCHEMA["properties"]["contacts"]["items"]["properties"]["category"]["enum"]
EXAMPLE = fixtures("ecogram")["example"]


def scene(data):
    return ecogram.scene(data, lambda msgid: msgid, SCHEMA)


def walk(items):
    for item in items:
        yield item
        yield from walk(item.get("children", []))


@pytest.mark.parametrize("name", list(fixtures("ecogram")))
def test_no_contact_overlaps_another_or_the_client(name):
    plan = ecogram.layout(fixtures("ecogram")[name], CATEGORIES)
    for p in plan["contacts"]:
        assert math.dist((p["x"], p["y"]), (plan["cx"], plan["cy"])) >= ecogram.CLIENT_R + ecogram.CONTACT_R + 40
        assert ecogram.CONTACT_R <= p["x"] <= plan["width"] - ecogram.CONTACT_R
        assert ecogram.CONTACT_R <= p["y"] <= plan["height"] - ecogram.CONTACT_R
    for a, b in itertools.combinations(plan["contacts"], 2):
        assert math.dist((a["x"], a["y"]), (b["x"], b["y"])) >= 2 * ecogram.CONTACT_R + 4, (a["index"], b["index"])


def test_contacts_are_grouped_by_kind_in_the_schemas_order():
    plan = ecogram.layout(EXAMPLE, CATEGORIES)
    kinds = [p["row"]["category"] for p in plan["contacts"]]  # clockwise from the top
    assert kinds == sorted(kinds, key=CATEGORIES.index)
    assert [s["key"] for s in plan["sectors"]] == list(dict.fromkeys(kinds))
    angles = [p["angle"] for p in plan["contacts"]]
    assert angles == sorted(angles) and angles[-1] - angles[0] < 2 * math.pi


def test_lines_say_the_strength_page_and_risk():
    drawn = scene(EXAMPLE)
    lines = [i for i in walk(drawn["items"]) if i["attrs"].get("class") == "contact-line"]
    contacts = [i for i in walk(drawn["items"]) if i["attrs"].get("class") == "contact"]
    by_index = {int(c["attrs"]["data-index"]): c for c in contacts}
    plan = ecogram.layout(EXAMPLE, CATEGORIES)
    for p, line in zip(plan["contacts"], lines):
        strength = p["row"].get("strength")
        first = line["children"][0]["attrs"]
        if strength == "strong":
            assert first["stroke-width"] == "3.5"
        elif strength == "weak":
            assert first["stroke-dasharray"] == "7 5"
        elif strength == "stressful":
            assert first["d"].count("L") > 5  # a zigzag
        elif strength == "strained":
            assert line["children"][1]["attrs"]["stroke-width"] == "1"  # the hatching
        letters = [c["text"] for c in line["children"] if c["tag"] == "text"]
        expected = " ".join({"practical": "P", "advice": "A", "companionship": "G", "emotional": "E"}[s]
                            for s in p["row"].get("support", []))
        assert letters == ([expected] if expected else [])
        risk = [c for c in by_index[p["index"]]["children"] if c["attrs"].get("class") == "badge risk"]
        assert len(risk) == (1 if p["row"].get("risk") == "ja" else 0)
        # the line runs from the client's circle to the contact's
        start = [float(v) for v in first["d"].split()[1:3]]
        assert abs(math.dist(start, (plan["cx"], plan["cy"])) - (ecogram.CLIENT_R + 4)) < 0.2


def test_the_legend_lists_what_the_drawing_uses():
    drawn = scene(EXAMPLE)
    legend = [i for i in drawn["items"] if i["attrs"].get("class") == "legend"][0]
    assert [c["children"][-1]["text"] for c in legend["children"][1:]] == [
        "Strong", "Weak", "Stressful", "Strained", "P = Practical support (material function)",
        "A = Advice (information function)", "G = Companionship (belonging function)",
        "E = Emotional support (affective function)", "Can be a risk to the client"]


def test_a_drawing_with_nothing_to_explain_has_no_legend():
    drawn = scene({"contacts": [{"name": "Ada", "category": "friend"}]})
    legend = [i for i in drawn["items"] if i["attrs"].get("class") == "legend"][0]
    assert legend["children"] == []  # not the title "Legend" with nothing under it
    explained = scene({"contacts": [{"name": "Ada", "category": "friend", "strength": "strong"}]})
    assert explained["height"] - drawn["height"] == 44  # the room a title and one entry take
