"""Port of pwa/js/drawings/genogram.js: the genogram's layout and scene. Keep in step with it, function by function."""
from __future__ import annotations

import math

from .scene import INK, LEGEND, MUTED, PAPER, el, legend, num, option_label, short, styled_line, text

W = 110
GAP = 20
HALF = 18
ROW = 150
MARGIN = 30
NAME_LIMIT = 14
RELATION = {
    "close": {"style": "double", "stroke": "#1b6e3a"},
    "distant": {"style": "dashed", "stroke": MUTED},
    "conflict": {"style": "zigzag", "stroke": "#a34a00"},
    "broken_contact": {"style": "cut", "stroke": INK},
    "violence": {"style": "arrow", "stroke": "#b00020"},
}
PARTNER = {"married": "solid", "living_together": "dashed", "separated": "slash1", "divorced": "slash2"}


def _is_id(value) -> bool:
    return isinstance(value, str) and value != ""


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _rows_of(data, key: str) -> list:
    rows = data.get(key) if isinstance(data, dict) else None
    return [r if isinstance(r, dict) else {} for r in rows] if isinstance(rows, list) else []


def _people(data) -> dict:
    by_id: dict = {}
    for index, row in enumerate(_rows_of(data, "persons")):
        if _is_id(row.get("id")) and row["id"] not in by_id:
            g = row.get("generation")
            by_id[row["id"]] = {"id": row["id"], "index": index, "row": row,
                                "gen": g if _is_int(g) and -2 <= g <= 2 else None, "parents": []}
    for p in by_id.values():
        seen: list = []
        parents = p["row"].get("parents")
        for pid in parents if isinstance(parents, list) else []:
            if isinstance(pid, str) and pid in by_id and pid != p["id"] and pid not in seen and len(seen) < 2:
                seen.append(pid)
        p["parents"] = seen
    return by_id


def _couples_of(data, by_id: dict) -> list:
    couples: list = []
    seen: set = set()

    def add(a, b, status, implicit):
        if not isinstance(a, str) or not isinstance(b, str) or a not in by_id or b not in by_id or a == b:
            return
        key = " ".join(sorted([a, b]))
        if key in seen:
            return
        seen.add(key)
        couples.append({"a": a, "b": b, "status": status if isinstance(status, str) and status in PARTNER else None,
                        "implicit": implicit})

    for row in _rows_of(data, "partners"):
        add(row.get("first"), row.get("second"), row.get("status"), False)
    for p in by_id.values():
        if len(p["parents"]) == 2:
            add(p["parents"][0], p["parents"][1], None, True)
    return couples


def _settle_generations(by_id: dict, couples: list) -> None:
    people = list(by_id.values())
    for _ in range(4):
        for p in people:
            if p["gen"] is not None:
                continue
            parent = next((by_id[i] for i in p["parents"] if by_id[i]["gen"] is not None), None)
            child = next((q for q in people if q["gen"] is not None and p["id"] in q["parents"]), None)
            partner_ids = [c["b"] if c["a"] == p["id"] else c["a"] if c["b"] == p["id"] else None for c in couples]
            partner = next((by_id[i] for i in partner_ids if i and by_id[i]["gen"] is not None), None)
            if parent:
                p["gen"] = min(parent["gen"] + 1, 2)
            elif child:
                p["gen"] = max(child["gen"] - 1, -2)
            elif partner:
                p["gen"] = partner["gen"]
    for p in people:
        if p["gen"] is None:
            p["gen"] = 0


def _family_key(p: dict) -> str | None:
    return "+".join(sorted(p["parents"])) if p["parents"] else None


def _units_of(row: list, couples: list, by_id: dict) -> list:
    in_row = {p["id"] for p in row}
    joined = [c for c in couples if c["a"] in in_row and c["b"] in in_row]
    group = {p["id"]: p["id"] for p in row}

    def find(i):
        return i if group[i] == i else find(group[i])

    for c in joined:
        group[find(c["a"])] = find(c["b"])
    units: dict = {}
    for p in row:
        units.setdefault(find(p["id"]), []).append(p)
    out = []
    for members in units.values():
        if len(members) == 2:
            a, b = members
            out.append([b, a] if a["row"].get("sex") == "female" and b["row"].get("sex") == "male" else [a, b])
            continue
        if len(members) < 2:
            out.append(members)
            continue

        def degree(p):
            return len([c for c in joined if c["a"] == p["id"] or c["b"] == p["id"]])

        hub = members[0]
        for p in members:
            if degree(p) > degree(hub):
                hub = p
        partners = [by_id[c["b"] if c["a"] == hub["id"] else c["a"]] for c in joined if c["a"] == hub["id"] or c["b"] == hub["id"]]
        left = [p for i, p in enumerate(partners) if i % 2 == 0]
        right = [p for i, p in enumerate(partners) if i % 2 == 1]
        rest = [p for p in members if p is not hub and p not in partners]
        out.append([*reversed(left), hub, *right, *rest])
    return out


def _family_centre(key: str, x: dict) -> int:
    ids = key.split("+")
    if len(ids) == 1:
        return x[ids[0]]
    return (x[ids[0]] + x[ids[1]]) // 2


def _pack(units: list, wishes: list, x: dict) -> None:
    cursor = -math.inf
    for i, unit in enumerate(units):
        width = len(unit) * W
        left = max(wishes[i], cursor)
        if left == -math.inf:
            left = 0
        for k, p in enumerate(unit):
            x[p["id"]] = left + k * W + W // 2
        cursor = left + width + GAP


def layout(data) -> dict:
    by_id = _people(data)
    couples = _couples_of(data, by_id)
    _settle_generations(by_id, couples)
    gens = sorted({p["gen"] for p in by_id.values()})
    x: dict = {}
    rows = []
    for g in gens:
        row = [p for p in by_id.values() if p["gen"] == g]
        units = []
        for members in _units_of(row, couples, by_id):
            placed = [p for p in members if _family_key(p) and all(i in x for i in p["parents"])]
            centres = [_family_centre(_family_key(p), x) for p in placed]
            units.append({"members": members, "bc": sum(centres) / len(centres) if centres else math.inf,
                          "first": min(p["index"] for p in members),
                          "key": _family_key(placed[0]) if placed else None})
        units.sort(key=lambda u: (u["bc"], u["first"]))
        for i, unit in enumerate(units):
            if len(unit["members"]) != 2 or not unit["key"]:
                continue
            blood = [p for p in unit["members"] if _family_key(p) == unit["key"]]
            if len(blood) != 1:
                continue
            others = [j for j, u in enumerate(units) if j != i and u["key"] == unit["key"]]
            if not others:
                continue
            in_law = next(p for p in unit["members"] if p is not blood[0])
            unit["members"] = [in_law, blood[0]] if i < sum(others) / len(others) else [blood[0], in_law]
        wishes = [-math.inf for _ in units]
        start = 0
        while start < len(units):
            end = start + 1
            while end < len(units) and units[start]["key"] and units[end]["key"] == units[start]["key"]:
                end += 1
            if units[start]["key"]:
                width = sum(len(u["members"]) * W for u in units[start:end]) + GAP * (end - start - 1)
                left = _family_centre(units[start]["key"], x) - width // 2
                for i in range(start, end):
                    wishes[i] = left
                    left += len(units[i]["members"]) * W + GAP
            start = end
        ordered = [u["members"] for u in units]
        _pack(ordered, wishes, x)
        rows.append({"g": g, "units": ordered})
    for r in range(len(rows) - 2, -1, -1):
        wishes = []
        for unit in rows[r]["units"]:
            ids = {p["id"] for p in unit}
            children = [c for c in by_id.values() if any(i in ids for i in c["parents"]) and c["gen"] > rows[r]["g"]]
            if not children:
                wishes.append(x[unit[0]["id"]] - W // 2)
                continue
            xs = [x[c["id"]] for c in children]
            wishes.append((min(xs) + max(xs) - len(unit) * W) // 2)
        _pack(rows[r]["units"], wishes, x)
    xs = list(x.values())
    shift = MARGIN + W // 2 - min(xs) if xs else 0
    placed = []
    for r, row in enumerate(rows):
        for unit in row["units"]:
            for p in unit:
                placed.append({**p, "x": x[p["id"]] + shift, "y": MARGIN + 40 + r * ROW, "level": r})
    width = max(xs) + shift + W // 2 + MARGIN if xs else 2 * MARGIN
    return {"people": placed, "couples": couples, "width": width,
            "height": MARGIN + 40 + max(len(rows), 1) * ROW - 40, "rows": len(rows)}


# --- the scene ---------------------------------------------------------------------------------------------------

def _shape_of(sex) -> str:
    return "square" if sex == "male" else "circle" if sex == "female" else "diamond"


def _shape(kind: str, x, y, half, attrs: dict) -> dict:
    if kind == "square":
        return el("rect", {"x": num(x - half), "y": num(y - half), "width": num(2 * half), "height": num(2 * half), **attrs})
    if kind == "circle":
        return el("circle", {"cx": num(x), "cy": num(y), "r": num(half), **attrs})
    return el("path", {"d": f"M {num(x)} {num(y - half - 3)} L {num(x + half + 3)} {num(y)} L {num(x)} {num(y + half + 3)} "
                            f"L {num(x - half - 3)} {num(y)} Z", **attrs})


def _years(row: dict) -> str:
    born = str(row["birth_year"]) if _is_int(row.get("birth_year")) else ""
    died = str(row["death_year"]) if _is_int(row.get("death_year")) else ""
    if born and died:
        return f"{born}–{died}"
    if died:
        return f"† {died}"
    if born:
        return f"{born} †" if row.get("deceased") is True else born
    return "†" if row.get("deceased") is True else ""


def _badge(kind: str, x, y) -> dict:
    if kind == "help":
        return el("g", {"class": "badge help"}, [
            el("circle", {"cx": num(x), "cy": num(y), "r": "7", "fill": "#1b6e3a", "stroke": PAPER, "stroke-width": "1"}),
            text(x, y + 4, "+", {"fill": PAPER, "font-weight": "bold"})])
    return el("g", {"class": "badge risk"}, [
        el("path", {"d": f"M {num(x)} {num(y - 8)} L {num(x + 8)} {num(y + 6)} L {num(x - 8)} {num(y + 6)} Z",
                    "fill": "#b00020", "stroke": PAPER, "stroke-width": "1"}),
        text(x, y + 5, "!", {"fill": PAPER, "font-weight": "bold", "font-size": "10"})])


def _person_item(p: dict, is_client: bool) -> dict:
    row = p["row"]
    kind = _shape_of(row.get("sex"))
    children = []
    if is_client:
        children.append(_shape(kind, p["x"], p["y"], HALF + 4, {"fill": PAPER, "stroke": INK, "stroke-width": "2"}))
    children.append(_shape(kind, p["x"], p["y"], HALF, {"fill": PAPER, "stroke": INK, "stroke-width": "2"}))
    x, y = p["x"], p["y"]
    if row.get("deceased") is True:
        children.append(el("path", {"d": f"M {num(x - HALF)} {num(y - HALF)} L {num(x + HALF)} {num(y + HALF)} "
                                         f"M {num(x + HALF)} {num(y - HALF)} L {num(x - HALF)} {num(y + HALF)}",
                                    "stroke": INK, "stroke-width": "1.5", "fill": "none"}))
    if row.get("can_help") == "ja":
        children.append(_badge("help", x + HALF + 2, y - HALF - 2))
    if row.get("risk") == "ja":
        children.append(_badge("risk", x - HALF - 2, y - HALF - 2))
    name = short(row.get("name"), NAME_LIMIT)
    if name:
        children.append(text(x, y + HALF + 16, name, {"class": "name"}))
    when = _years(row)
    if when:
        children.append(text(x, y + HALF + 29, when, {"fill": MUTED, "font-size": "10"}))
    return el("g", {"class": "person client" if is_client else "person", "data-person": p["id"],
                    "data-index": str(p["index"])}, children)


def _partner_line(a: dict, b: dict, status) -> dict:
    left, right = (a, b) if a["x"] <= b["x"] else (b, a)
    adjacent = left["y"] == right["y"] and right["x"] - left["x"] <= W
    style = PARTNER[status] if status else "solid"
    if adjacent:
        return {"items": styled_line(left["x"] + HALF, left["y"], right["x"] - HALF, right["y"], style),
                "drop": ((left["x"] + right["x"]) / 2, left["y"])}
    low = max(left["y"], right["y"]) + HALF + 38
    items = [el("path", {"d": f"M {num(left['x'])} {num(left['y'] + HALF)} L {num(left['x'])} {num(low)} "
                              f"M {num(right['x'])} {num(right['y'] + HALF)} L {num(right['x'])} {num(low)}",
                         "fill": "none", "stroke": INK, "stroke-width": "1.5"}),
             *styled_line(left["x"], low, right["x"], low, style)]
    return {"items": items, "drop": ((left["x"] + right["x"]) / 2, low)}


def _relation_line(a: dict, b: dict, kind: str, lift) -> list:
    style, stroke = RELATION[kind]["style"], RELATION[kind]["stroke"]
    if a["y"] == b["y"]:
        sign = 1 if b["x"] > a["x"] else -1
        top = a["y"] - HALF - 12 - lift
        legs = el("path", {"d": f"M {num(a['x'])} {num(a['y'] - HALF - 2)} L {num(a['x'] + sign * 8)} {num(top)} "
                                f"M {num(b['x'])} {num(b['y'] - HALF - 2)} L {num(b['x'] - sign * 8)} {num(top)}",
                           "fill": "none", "stroke": stroke, "stroke-width": "1.5"})
        return [legs, *styled_line(a["x"] + sign * 8, top, b["x"] - sign * 8, top, style, stroke)]
    dx = b["x"] - a["x"]
    dy = b["y"] - a["y"]
    length = math.sqrt(dx * dx + dy * dy) or 1
    cut = HALF + 6
    return styled_line(a["x"] + (dx / length) * cut, a["y"] + (dy / length) * cut,
                       b["x"] - (dx / length) * cut, b["y"] - (dy / length) * cut, style, stroke)


def scene(data: dict, t, schema: dict) -> dict:
    plan = layout(data)
    at = {p["id"]: p for p in plan["people"]}
    client = data.get("client") if _is_id(data.get("client")) and data.get("client") in at else None
    structure = []
    families: dict = {}
    for p in plan["people"]:
        key = _family_key(p)
        if key:
            families.setdefault(key, []).append(p)
    drops = {}
    used = {"partner": set(), "relation": set()}
    for c in plan["couples"]:
        line = _partner_line(at[c["a"]], at[c["b"]], c["status"])
        structure.append(el("g", {"class": "couple", "data-first": c["a"], "data-second": c["b"]}, line["items"]))
        if c["status"]:
            used["partner"].add(c["status"])
        drops["+".join(sorted([c["a"], c["b"]]))] = line["drop"]
    for key, kids in families.items():
        parents = [at[i] for i in key.split("+")]
        dx, dy = drops.get(key) or (parents[0]["x"], parents[0]["y"] + HALF)
        xs = [k["x"] for k in kids]
        top = min(k["y"] for k in kids) - HALF - 22
        d = [f"M {num(dx)} {num(dy)} L {num(dx)} {num(top)}", f"M {num(min(dx, *xs))} {num(top)} L {num(max(dx, *xs))} {num(top)}",
             *[f"M {num(k['x'])} {num(top)} L {num(k['x'])} {num(k['y'] - HALF - (4 if k['id'] == client else 0))}"
               for k in kids]]
        structure.append(el("path", {"d": " ".join(d), "fill": "none", "stroke": INK, "stroke-width": "1.5",
                                     "class": "children", "data-family": key}))
    relations = []
    lifts: dict = {}
    for row in _rows_of(data, "relations"):
        a = at.get(row.get("from")) if isinstance(row.get("from"), str) else None
        b = at.get(row.get("to")) if isinstance(row.get("to"), str) else None
        kind = row.get("kind")
        if not a or not b or a is b or not isinstance(kind, str) or kind not in RELATION:
            continue
        row_key = str(a["y"]) if a["y"] == b["y"] else None
        lift = lifts.get(row_key, 0) if row_key else 0
        if row_key:
            lifts[row_key] = lift + 7
        relations.append(el("g", {"class": f"relation {kind}", "data-from": a["id"], "data-to": b["id"]},
                            _relation_line(a, b, kind, lift)))
        used["relation"].add(kind)
    persons = [_person_item(p, p["id"] == client) for p in plan["people"]]
    entries = _legend_entries(plan["people"], client, used, t, schema)
    key = legend(entries, MARGIN, plan["height"] + 10, t(LEGEND))
    width = max(plan["width"], MARGIN + key["width"] + MARGIN)
    return {"width": width, "height": plan["height"] + 10 + key["height"] + MARGIN,
            "items": [el("g", {"class": "structure"}, structure), el("g", {"class": "relations"}, relations),
                      el("g", {"class": "people"}, persons), el("g", {"class": "legend"}, key["items"])]}


def _label(schema: dict, pointer: str, value=None) -> str:
    node = schema
    for part in [p for p in pointer.split("/") if p]:
        node = node.get("properties", {}).get(part) if isinstance(node, dict) else None
    if not node:
        return ""
    if value is None:
        return node.get("title", "")
    return option_label(node, value)


def _legend_entries(placed: list, client, used: dict, t, schema: dict) -> list:
    props = schema["properties"]
    sub = {"properties": {"persons": props["persons"]["items"], "partners": props["partners"]["items"],
                          "relations": props["relations"]["items"]}}
    entries = []
    sexes = {_shape_of(p["row"].get("sex")) for p in placed}

    def sample(kind):
        return lambda x, y: [_shape(kind, x + 15, y + 10, 8, {"fill": PAPER, "stroke": INK, "stroke-width": "1.5"})]

    if "circle" in sexes:
        entries.append({"label": t(_label(sub, "/persons/sex", "female")), "sample": sample("circle")})
    if "square" in sexes:
        entries.append({"label": t(_label(sub, "/persons/sex", "male")), "sample": sample("square")})
    if "diamond" in sexes:
        entries.append({"label": f"{t(_label(sub, '/persons/sex', 'other'))} / {t(_label(sub, '/persons/sex', 'unknown'))}",
                        "sample": sample("diamond")})
    if client:
        entries.append({"label": t(props["client"]["title"]), "sample": lambda x, y: [
            _shape("circle", x + 15, y + 10, 10, {"fill": PAPER, "stroke": INK, "stroke-width": "1.5"}),
            _shape("circle", x + 15, y + 10, 7, {"fill": PAPER, "stroke": INK, "stroke-width": "1.5"})]})
    if any(p["row"].get("deceased") is True for p in placed):
        entries.append({"label": t(_label(sub, "/persons/deceased")), "sample": lambda x, y: [
            _shape("square", x + 15, y + 10, 8, {"fill": PAPER, "stroke": INK, "stroke-width": "1.5"}),
            el("path", {"d": f"M {num(x + 7)} {num(y + 2)} L {num(x + 23)} {num(y + 18)} M {num(x + 23)} {num(y + 2)} "
                             f"L {num(x + 7)} {num(y + 18)}", "stroke": INK, "stroke-width": "1.5", "fill": "none"})]})
    if any(p["row"].get("can_help") == "ja" for p in placed):
        entries.append({"label": t(_label(sub, "/persons/can_help")), "sample": lambda x, y: [_badge("help", x + 15, y + 10)]})
    if any(p["row"].get("risk") == "ja" for p in placed):
        entries.append({"label": t(_label(sub, "/persons/risk")), "sample": lambda x, y: [_badge("risk", x + 15, y + 11)]})
    for status, style in PARTNER.items():
        if status in used["partner"]:
            entries.append({"label": t(_label(sub, "/partners/status", status)),
                            "sample": lambda x, y, style=style: styled_line(x, y + 10, x + 32, y + 10, style)})
    for kind, spec in RELATION.items():
        if kind in used["relation"]:
            entries.append({"label": t(_label(sub, "/relations/kind", kind)),
                            "sample": lambda x, y, spec=spec: styled_line(x, y + 10, x + 32, y + 10, spec["style"], spec["stroke"])})
    return entries
