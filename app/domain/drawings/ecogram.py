"""Port of pwa/js/drawings/ecogram.js: the ecogram's layout and scene. Keep in step with it, function by function."""
from __future__ import annotations

import math

from .scene import INK, LEGEND, MUTED, PAPER, el, legend, num, option_label, r1, short, styled_line, text

CLIENT_R = 32
CONTACT_R = 20
SLOT = 64
MIN_RING = 120
SECOND_RING = 16
MARGIN = 30
NAME_LIMIT = 14
STRENGTH = {"strong": "thick", "weak": "dashed", "stressful": "zigzag", "strained": "hatched"}
PAGE = {"practical": "P", "advice": "A", "companionship": "G", "emotional": "E"}


def _rows_of(data) -> list:
    rows = data.get("contacts") if isinstance(data, dict) else None
    rows = rows if isinstance(rows, list) else []
    return [{"row": r if isinstance(r, dict) else {}, "index": i} for i, r in enumerate(rows)]


def layout(data, categories: list) -> dict:
    def order(c):
        category = c["row"].get("category")
        return categories.index(category) if category in categories else len(categories)

    contacts = sorted(_rows_of(data), key=lambda c: (order(c), c["index"]))
    groups: list = []
    for c in contacts:
        key = c["row"].get("category") if c["row"].get("category") in categories else ""
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "members": []})
        groups[-1]["members"].append(c)
    two_rings = len(contacts) > SECOND_RING
    slots = len(contacts) + (len(groups) / 2 if len(groups) > 1 else 0)
    arc = SLOT / 2 if two_rings else SLOT
    ring = max(MIN_RING, math.ceil((slots * arc) / (2 * math.pi)))
    outer = ring + 80 if two_rings else ring
    label_ring = outer + CONTACT_R + 30
    cx = MARGIN + label_ring + 110
    cy = MARGIN + label_ring + 20
    step = (2 * math.pi) / max(slots, 1)
    slot = 0
    placed, sectors = [], []
    n = 0
    for group in groups:
        first = slot
        for c in group["members"]:
            angle = -math.pi / 2 + (slot + 0.5) * step
            radius = outer if two_rings and n % 2 else ring
            placed.append({**c, "angle": angle, "x": r1(cx + radius * math.cos(angle)),
                           "y": r1(cy + radius * math.sin(angle))})
            slot += 1
            n += 1
        middle = -math.pi / 2 + ((first + slot) / 2) * step
        sectors.append({"key": group["key"], "x": r1(cx + label_ring * math.cos(middle)),
                        "y": r1(cy + label_ring * math.sin(middle)), "angle": middle})
        if len(groups) > 1:
            slot += 0.5
    return {"cx": cx, "cy": cy, "contacts": placed, "sectors": sectors, "width": 2 * cx, "height": 2 * cy}


def _risk_badge(x, y) -> dict:
    return el("g", {"class": "badge risk"}, [
        el("path", {"d": f"M {num(x)} {num(y - 8)} L {num(x + 8)} {num(y + 6)} L {num(x - 8)} {num(y + 6)} Z",
                    "fill": "#b00020", "stroke": PAPER, "stroke-width": "1"}),
        text(x, y + 5, "!", {"fill": PAPER, "font-weight": "bold", "font-size": "10"})])


def scene(data: dict, t, schema: dict) -> dict:
    props = schema["properties"]["contacts"]["items"]["properties"]
    plan = layout(data, props["category"]["enum"])
    cx, cy = plan["cx"], plan["cy"]
    lines, contacts = [], []
    used: set = set()
    risky = False
    for p in plan["contacts"]:
        row = p["row"]
        dx = p["x"] - cx
        dy = p["y"] - cy
        length = math.sqrt(dx * dx + dy * dy) or 1
        ux = dx / length
        uy = dy / length
        strength = row.get("strength") if isinstance(row.get("strength"), str) and row.get("strength") in STRENGTH else None
        if strength:
            used.add(strength)
        style = STRENGTH[strength] if strength else "solid"
        line = styled_line(cx + ux * (CLIENT_R + 4), cy + uy * (CLIENT_R + 4), p["x"] - ux * (CONTACT_R + 4),
                           p["y"] - uy * (CONTACT_R + 4), style, INK if strength else MUTED)
        support = row.get("support") if isinstance(row.get("support"), list) else []
        letters = " ".join(PAGE[s] for s in support if isinstance(s, str) and s in PAGE)
        parts = [*line]
        if letters:
            mx = cx + ux * (length * 0.58) - uy * 9
            my = cy + uy * (length * 0.58) + ux * 9
            parts.append(text(mx, my + 4, letters, {"font-size": "10", "font-weight": "bold", "fill": "#1d5c57",
                                                    "class": "page"}))
        lines.append(el("g", {"class": "contact-line"}, parts))
        children = [el("circle", {"cx": num(p["x"]), "cy": num(p["y"]), "r": str(CONTACT_R), "fill": PAPER, "stroke": INK,
                                  "stroke-width": "2"})]
        if row.get("risk") == "ja":
            risky = True
            children.append(_risk_badge(p["x"] + CONTACT_R - 2, p["y"] - CONTACT_R + 2))
        name = short(row.get("name"), NAME_LIMIT)
        below = p["y"] >= cy - 1
        if name:
            children.append(text(p["x"], p["y"] + CONTACT_R + 14 if below else p["y"] - CONTACT_R - 6, name,
                                 {"class": "name"}))
        contacts.append(el("g", {"class": "contact", "data-contact": str(p["index"]), "data-index": str(p["index"])},
                           children))
    sectors = [text(s["x"], s["y"] + 4, t(option_label(props["category"], s["key"])),
                    {"font-size": "11", "fill": MUTED, "font-style": "italic",
                     "text-anchor": "middle" if abs(s["x"] - cx) < 20 else "start" if s["x"] > cx else "end"})
               for s in plan["sectors"] if s["key"]]
    client = el("g", {"class": "client"}, [
        el("circle", {"cx": num(cx), "cy": num(cy), "r": str(CLIENT_R + 4), "fill": PAPER, "stroke": INK, "stroke-width": "2"}),
        el("circle", {"cx": num(cx), "cy": num(cy), "r": str(CLIENT_R), "fill": PAPER, "stroke": INK, "stroke-width": "2"}),
        text(cx, cy + 4, short(t("The client"), 12), {"font-weight": "bold"})])
    entries = []
    for key, style in STRENGTH.items():
        if key in used:
            entries.append({"label": t(option_label(props["strength"], key)),
                            "sample": lambda x, y, style=style: styled_line(x, y + 10, x + 32, y + 10, style)})
    support = props["support"]
    labels = support.get("x-enumLabels", [])
    for i, value in enumerate(support["items"]["enum"]):
        if any(isinstance(p["row"].get("support"), list) and value in p["row"]["support"] for p in plan["contacts"]):
            entries.append({"label": t(labels[i] if i < len(labels) and labels[i] else value),
                            "sample": lambda x, y, value=value: [text(x + 16, y + 14, PAGE[value], {
                                "font-size": "10", "font-weight": "bold", "fill": "#1d5c57"})]})
    if risky:
        entries.append({"label": t(props["risk"]["title"]), "sample": lambda x, y: [_risk_badge(x + 16, y + 11)]})
    key = legend(entries, MARGIN, plan["height"], t(LEGEND))
    return {"width": max(plan["width"], MARGIN + key["width"] + MARGIN), "height": plan["height"] + key["height"] + MARGIN,
            "items": [el("g", {"class": "lines"}, lines), el("g", {"class": "sectors"}, sectors), client,
                      el("g", {"class": "contacts"}, contacts), el("g", {"class": "legend"}, key["items"])]}
