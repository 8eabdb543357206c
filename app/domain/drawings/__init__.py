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
