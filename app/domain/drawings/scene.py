"""Port of pwa/js/drawings/scene.js: the scene's items, number format and line styles. Keep in step with it."""
from __future__ import annotations

import math

from ..errors import N_

LEGEND = N_("Legend")  # the drawings' other labels are the schema's (domain `forms`)
INK = "#222222"
PAPER = "#ffffff"
MUTED = "#666666"


def r1(v: float) -> float:
    return math.floor(v * 10 + 0.5) / 10


def num(v: float) -> str:
    """As JavaScript writes the number: 12, 12.5, -3."""
    r = r1(v)
    return str(int(r)) if r == int(r) else repr(r)


def el(tag: str, attrs: dict, children: list | None = None) -> dict:
    item = {"tag": tag, "attrs": attrs}
    if children is not None:
        item["children"] = children
    return item


def text(x, y, content: str, attrs: dict | None = None) -> dict:
    return {"tag": "text", "attrs": {"x": num(x), "y": num(y), "font-size": "11", "text-anchor": "middle", "fill": INK,
                                     **(attrs or {})}, "text": content}


def option_label(node: dict, value) -> str:
    """The label a schema node gives one of its options (x-enumLabels), or the value itself."""
    options = node.get("enum", [])
    if value in options:
        labels = node.get("x-enumLabels", [])
        i = options.index(value)
        return labels[i] if i < len(labels) and labels[i] else str(value)
    return str(value)


def short(value, limit: int) -> str:
    chars = str(value or "").strip() if isinstance(value, str) else ("" if value is None else str(value))
    return chars[:limit - 1] + "…" if len(chars) > limit else chars


def _path(d: str, stroke: str, width: float, extra: dict | None = None) -> dict:
    return el("path", {"d": d, "fill": "none", "stroke": stroke, "stroke-width": num(width), **(extra or {})})


def styled_line(x1, y1, x2, y2, style: str, stroke: str = INK) -> list:
    dx = x2 - x1
    dy = y2 - y1
    length = math.sqrt(dx * dx + dy * dy) or 1
    ux = dx / length
    uy = dy / length
    nx = -uy
    ny = ux

    def at(along, across):
        return f"{num(x1 + ux * along + nx * across)} {num(y1 + uy * along + ny * across)}"

    straight = f"M {at(0, 0)} L {at(length, 0)}"

    def slashes(count):
        parts = []
        for i in range(count):
            c = length / 2 + (i - (count - 1) / 2) * 6
            parts.append(f"M {at(c - 4, 7)} L {at(c + 4, -7)}")
        return " ".join(parts)

    def zigzag(end):
        points = [f"M {at(0, 0)}"]
        steps = max(2, math.floor(end / 8))
        for i in range(1, steps):
            points.append(f"L {at((end * i) / steps, 4 if i % 2 else -4)}")
        points.append(f"L {at(end, 0)}")
        return " ".join(points)

    if style == "thick":
        return [_path(straight, stroke, 3.5)]
    if style == "dashed":
        return [_path(straight, stroke, 1.5, {"stroke-dasharray": "7 5"})]
    if style == "dotted":
        return [_path(straight, stroke, 1.5, {"stroke-dasharray": "2 4"})]
    if style == "double":
        return [_path(f"M {at(0, 2.5)} L {at(length, 2.5)} M {at(0, -2.5)} L {at(length, -2.5)}", stroke, 1.5)]
    if style == "zigzag":
        return [_path(zigzag(length), stroke, 1.5)]
    if style in ("cut", "slash2"):
        return [_path(straight, stroke, 1.5), _path(slashes(2), stroke, 1.5)]
    if style == "slash1":
        return [_path(straight, stroke, 1.5), _path(slashes(1), stroke, 1.5)]
    if style == "hatched":
        ticks = []
        along = 6
        while along < length - 3:
            ticks.append(f"M {at(along, -4)} L {at(along, 4)}")
            along += 8
        return [_path(straight, stroke, 1.5), _path(" ".join(ticks) or straight, stroke, 1)]
    if style == "arrow":
        end = max(length - 10, 1)
        return [_path(zigzag(end), stroke, 1.5),
                el("path", {"d": f"M {at(length, 0)} L {at(end, 5)} L {at(end, -5)} Z", "fill": stroke, "stroke": stroke,
                            "stroke-width": "1"})]
    return [_path(straight, stroke, 1.5)]


def legend(entries: list, x, y, title: str) -> dict:
    if not entries:  # a drawing with nothing to explain has no legend, not a title with nothing under it
        return {"items": [], "height": 0, "width": 0}
    items = [text(x, y + 12, title, {"text-anchor": "start", "font-weight": "bold"})]
    width = 6.2 * len(title)
    for i, entry in enumerate(entries):
        top = y + 22 + i * 22
        items.append(el("g", {"class": "legend-entry"},
                        [*entry["sample"](x, top), text(x + 44, top + 14, entry["label"], {"text-anchor": "start"})]))
        width = max(width, 44 + 6.2 * len(entry["label"]))
    return {"items": items, "height": 22 + len(entries) * 22, "width": math.ceil(width)}
