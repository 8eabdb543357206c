"""The genogram's layout (app/domain/drawings/genogram.py, the port of pwa/js/drawings/genogram.js, which
tests/browser/test_drawing_parity.py holds to the same scenes) on fixtures: the filled example (three
generations and more, a mother with two partners, a deceased father, a broken contact), made-up families, and
drafts with broken links."""
from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from app.domain.drawings import genogram, svg

from .families import fixtures

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "forms" / "genogram.schema.json").read_text(encoding="utf-8"))
EXAMPLE = fixtures("genogram")["example"]
ORDINARY = ["example", "10 made up", "40 made up", "100 made up"]


def scene(data):
    return genogram.scene(data, lambda msgid: msgid, SCHEMA)


def walk(items):
    for item in items:
        yield item
        yield from walk(item.get("children", []))


def segments(d: str) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The straight segments of a path made of M and L commands."""
    out, at = [], None
    for command, x, y in re.findall(r"([ML]) (-?[\d.]+) (-?[\d.]+)", d):
        point = (float(x), float(y))
        if command == "L":
            out.append((at, point))
        at = point
    return out


def place(data) -> dict:
    return {p["id"]: p for p in genogram.layout(data)["people"]}


def test_generations_are_rows_older_above():
    people = place(EXAMPLE)
    rows = {}
    for p in people.values():
        rows.setdefault(p["row"]["generation"], set()).add(p["y"])
    assert all(len(ys) == 1 for ys in rows.values())
    ys = [rows[g].pop() for g in sorted(rows)]
    assert ys == sorted(ys) and len(set(ys)) == len(ys) >= 3


@pytest.mark.parametrize("name", list(fixtures("genogram")))
def test_no_person_overlaps_another(name):
    people = list(genogram.layout(fixtures("genogram")[name])["people"])
    for a, b in itertools.combinations(people, 2):
        assert a["y"] != b["y"] or abs(a["x"] - b["x"]) >= genogram.W, (a["id"], b["id"])


@pytest.mark.parametrize("name", list(fixtures("genogram")))
def test_everything_is_inside_the_drawing(name):
    drawn = scene(fixtures("genogram")[name])
    for item in walk(drawn["items"]):
        for key in ("x", "cx"):
            if key in item["attrs"]:
                assert 0 <= float(item["attrs"][key]) <= drawn["width"], item
        for key in ("y", "cy"):
            if key in item["attrs"]:
                assert 0 <= float(item["attrs"][key]) <= drawn["height"], item


def test_partners_stand_side_by_side_and_their_line_joins_their_shapes():
    people = place(EXAMPLE)
    drawn = scene(EXAMPLE)
    couples = {(i["attrs"]["data-first"], i["attrs"]["data-second"]): i for i in walk(drawn["items"])
               if i["attrs"].get("class") == "couple"}
    assert set(couples) == {("gf", "gm"), ("father", "mother"), ("step", "mother"), ("ex", "client")}
    for (a, b), group in couples.items():
        left, right = sorted((people[a], people[b]), key=lambda p: p["x"])
        assert right["x"] - left["x"] == genogram.W and left["y"] == right["y"]
        (start, end), = segments(group["children"][0]["attrs"]["d"])
        assert start == (left["x"] + genogram.HALF, left["y"]) and end == (right["x"] - genogram.HALF, right["y"])
    # The classic convention: the man left, the woman right; the mother stands between her two partners.
    assert people["gf"]["x"] < people["gm"]["x"]
    assert people["father"]["x"] < people["mother"]["x"] < people["step"]["x"]


def test_partner_status_marks():
    drawn = scene(EXAMPLE)
    marks = {(i["attrs"]["data-first"], i["attrs"]["data-second"]): i["children"] for i in walk(drawn["items"])
             if i["attrs"].get("class") == "couple"}
    assert len(marks[("gf", "gm")]) == 1 and "stroke-dasharray" not in marks[("gf", "gm")][0]["attrs"]  # married
    assert marks[("step", "mother")][0]["attrs"]["stroke-dasharray"] == "7 5"  # living together: dashed
    assert len(segments(marks[("ex", "client")][1]["attrs"]["d"])) == 1  # separated: one slash


def test_children_hang_from_their_parents_line():
    people = place(EXAMPLE)
    drawn = scene(EXAMPLE)
    families = {i["attrs"]["data-family"]: segments(i["attrs"]["d"]) for i in walk(drawn["items"])
                if i["attrs"].get("class") == "children"}
    assert set(families) == {"gf+gm", "father+mother", "mother+step", "client+ex"}
    for key, lines in families.items():
        a, b = (people[i] for i in key.split("+"))
        drop = lines[0]
        assert drop[0] == ((a["x"] + b["x"]) / 2, a["y"])  # from the middle of the partner line
        kids = [p for p in people.values() if sorted(p["row"].get("parents", [])) == key.split("+")]
        ends = {end for _, end in lines[2:]}
        for kid in kids:  # down to the top of each child's shape (the client's outer outline)
            assert (kid["x"], kid["y"] - genogram.HALF - (4 if kid["id"] == "client" else 0)) in ends
        assert len(lines) == 2 + len(kids)


def _crosses(s, t) -> bool:
    (a, b), (c, d) = s, t
    if {a, b} & {c, d}:
        return False

    def side(p, q, r):
        v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (v > 1e-9) - (v < -1e-9)

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


@pytest.mark.parametrize("name", ORDINARY)
def test_no_structure_lines_cross_in_an_ordinary_family(name):
    drawn = scene(fixtures("genogram")[name])
    lines = []
    for item in walk(drawn["items"]):
        if item["attrs"].get("class") == "couple":
            lines += segments(item["children"][0]["attrs"]["d"])  # the line, not its status marks
        elif item["attrs"].get("class") == "children":
            lines += segments(item["attrs"]["d"])
    crossing = [(s, t) for s, t in itertools.combinations(lines, 2) if _crosses(s, t)]
    assert not crossing


def test_markers_deceased_client_help_risk():
    drawn = scene(EXAMPLE)
    person = {i["attrs"]["data-person"]: i for i in walk(drawn["items"]) if "data-person" in i["attrs"]}
    crossed = [k for k, g in person.items() if any(c["tag"] == "path" and c["attrs"].get("stroke-width") == "1.5"
                                                      for c in g["children"])]
    assert sorted(crossed) == ["father", "gf"]
    assert person["client"]["attrs"]["class"] == "person client"
    assert [c["tag"] for c in person["client"]["children"][:2]] == ["circle", "circle"]  # a double outline
    assert [c["tag"] for c in person["father"]["children"][:1]] == ["rect"]  # a man: a square
    badges = {k: [c["attrs"]["class"] for c in g["children"] if c["tag"] == "g"] for k, g in person.items()}
    assert badges["aunt"] == ["badge help"] and badges["mother"] == ["badge risk"] and badges["brother"] == []


def test_relationship_lines_join_the_two_people():
    people = place(EXAMPLE)
    drawn = scene(EXAMPLE)
    lines = {(i["attrs"]["data-from"], i["attrs"]["data-to"]): i for i in walk(drawn["items"])
             if "data-from" in i["attrs"]}
    assert lines[("client", "mother")]["attrs"]["class"] == "relation broken_contact"
    (start, end), = segments(lines[("client", "mother")]["children"][0]["attrs"]["d"])
    for point, who in ((start, "client"), (end, "mother")):
        distance = ((point[0] - people[who]["x"]) ** 2 + (point[1] - people[who]["y"]) ** 2) ** 0.5
        assert abs(distance - (genogram.HALF + 6)) < 0.2
    violence = lines[("step", "client")]["children"]
    assert violence[-1]["attrs"]["d"].endswith("Z")  # the arrowhead, at the harmed person's end
    head = [float(v) for v in violence[-1]["attrs"]["d"].split()[1:3]]
    assert abs(((head[0] - people["client"]["x"]) ** 2 + (head[1] - people["client"]["y"]) ** 2) ** 0.5 - 24) < 0.2


def test_the_legend_lists_what_the_drawing_uses():
    drawn = scene(EXAMPLE)
    legend = [i for i in drawn["items"] if i["attrs"].get("class") == "legend"][0]
    labels = [c["children"][-1]["text"] for c in legend["children"][1:]]
    assert labels == ["Female", "Male", "The client", "Deceased", "Can offer help to the client",
                      "Can be a risk to the client", "Married", "Living together", "Separated", "Close", "Distant",
                      "Conflict", "Broken contact", "Violence or abuse (by the first against the second)"]
    assert [c["children"][-1]["text"] for c in
            [i for i in scene({"persons": [{"id": "a", "sex": "male"}]})["items"]
             if i["attrs"].get("class") == "legend"][0]["children"][1:]] == ["Male"]


def test_a_draft_with_broken_links_still_draws():
    data = fixtures("genogram")["a draft with links to nobody, a circle and duplicate ids"]
    people = place(data)
    assert set(people) == {"a", "b", "c"}
    # a has no generation: it takes that of its partner c; b, a's child in the circle, the row below
    assert people["a"]["y"] == people["c"]["y"] < people["b"]["y"]
    markup = svg(scene(data), "Genogram")
    assert markup.startswith("<svg") and "Very long nam…" in markup and "Second A" not in markup


def test_names_are_escaped_in_the_markup():
    markup = svg(scene({"persons": [{"id": "a", "name": '<b>"x" & y</b>', "generation": 0}]}), 'A "drawing"')
    assert "<b>" not in markup and "&lt;b&gt;&#34;x&#34; &amp; y&lt;/b" in markup and 'aria-label="A &#34;drawing&#34;"' in markup
