"""The genogram and the ecogram as drawings: a Python port of pwa/js/drawings/, so that the PDF prints what the app
draws. A scene is plain data ({width, height, items}: SVG elements as {tag, attrs, children?, text?}); `svg`
writes it as markup. tests/browser/test_drawing_parity.py holds both ports to the same scenes."""
from __future__ import annotations

import math
from typing import Callable

from markupsafe import Markup, escape

from . import ecogram, genogram

SCENES: dict[str, Callable] = {"genogram": genogram.scene, "ecogram": ecogram.scene}


def scene(kind: str, data: dict, t: Callable[[str], str], schema: dict) -> dict:
    return SCENES[kind](data if isinstance(data, dict) else {}, t, schema)


def _item(item: dict) -> str:
    attrs = "".join(f' {k}="{escape(v)}"' for k, v in item["attrs"].items())
    inner = escape(item["text"]) if "text" in item else "".join(_item(c) for c in item.get("children", []))
    return f"<{item['tag']}{attrs}>{inner}</{item['tag']}>"


def svg(scene: dict, label: str, fit: tuple[int, int] | None = None) -> Markup:
    """The scene as one inline <svg> element (no styles, no scripts: presentation attributes only), shrunk to fit
    in `fit` (width, height) if given."""
    w, h = scene["width"], scene["height"]
    scale = min(1, fit[0] / w, fit[1] / h) if fit else 1
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="drawing" role="img" aria-label="{escape(label)}" '
                  f'width="{math.floor(w * scale)}" height="{math.floor(h * scale)}" viewBox="0 0 {w} {h}" '
                  f'font-family="Noto Sans, sans-serif">' + "".join(_item(i) for i in scene["items"]) + "</svg>")


# Noto Sans with line-height 1: the baseline sits this far (in em) below the top of a line box.
BASELINE = 0.887


def _texts(items: list, out: list) -> list:
    """The items without their text elements, which are collected in `out`."""
    kept = []
    for item in items:
        if item["tag"] == "text":
            out.append(item)
            continue
        if "children" in item:
            item = {**item, "children": _texts(item["children"], out)}
        kept.append(item)
    return kept


def _label(item: dict, scale: float) -> str:
    a = item["attrs"]
    size = float(a.get("font-size", "11")) * scale
    x, y = float(a["x"]) * scale, float(a["y"]) * scale
    top = y - BASELINE * size
    anchor = a.get("text-anchor", "start")
    place = {"middle": f"left:{x - 150:.1f}px;width:300px;text-align:center",
             "end": f"left:{x - 300:.1f}px;width:300px;text-align:right"}.get(anchor, f"left:{x:.1f}px")
    style = (f"top:{top:.1f}px;{place};font-size:{size:.2f}px;color:{a.get('fill', '#222222')}"
             + (";font-weight:bold" if a.get("font-weight") == "bold" else "")
             + (";font-style:italic" if a.get("font-style") == "italic" else ""))
    return f'<span class="drawing-text" style="{escape(style)}">{escape(item["text"])}</span>'


def figure(scene: dict, label: str, fit: tuple[int, int]) -> Markup:
    """The scene for the PDF: the shapes and lines as inline SVG, and every text laid over it as HTML at the
    same place. WeasyPrint draws SVG text without shaping combining marks (a Yoruba "Ọ̀" falls apart), HTML text
    it shapes like any other; wkhtmltopdf does both. Shrunk to fit in `fit` (width, height)."""
    w, h = scene["width"], scene["height"]
    scale = min(1, fit[0] / w, fit[1] / h)
    texts: list = []
    shapes = {**scene, "items": _texts(scene["items"], texts)}
    width, height = math.floor(w * scale), math.floor(h * scale)
    return Markup(f'<div class="drawing-box" style="width:{width}px;height:{height}px">'
                  + str(svg(shapes, label, fit)) + "".join(_label(t, scale) for t in texts) + "</div>")
