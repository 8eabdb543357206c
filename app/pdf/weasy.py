"""WeasyPrint, rendered in a child process per PDF so a stuck render can be killed.

WeasyPrint runs in-process and holds the GIL; a process per render keeps request threads free, isolates one
document from the next, and makes the time limit enforceable (kill the child). The children are forked from a
fork server that has WeasyPrint already imported, so a render does not pay the ~1 s import each time.

Footers are stamped on afterwards like wkhtmltopdf's (assembly.py), from sheets of footer bands: WeasyPrint
spends about 5 ms on every page however empty, so 50 bands share a sheet.
"""
from __future__ import annotations

import importlib.util
import multiprocessing
import time

from . import templates
from .assembly import Overlay
from .base import ASSETS_DIR, PageFooter, RenderFailed, RenderTimeout

# A record prints the same on its own as in a dossier, so a dossier's records render side by side.
PARTS_APART = True
NAME = "weasyprint"
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["app.pdf.weasy_child"])
BANDS_PER_SHEET = 50
BAND_MM = 20  # the bottom page margin of document.css, where the footer stands
MM = 72 / 25.4


def available() -> bool:
    return importlib.util.find_spec("weasyprint") is not None


def _child_main(conn, html: str, stylesheets: list[str]) -> None:
    # Imported here, in the child, so the web process never loads WeasyPrint itself.
    from .weasy_child import render_to
    render_to(conn, html, stylesheets)


def _render(html: str, deadline: float) -> bytes:
    fonts = (ASSETS_DIR / "fonts.css").read_text(encoding="utf-8")
    receive, send = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_child_main, args=(send, html, [fonts]), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(max(0.0, deadline - time.monotonic())):
            raise RenderTimeout(f"{NAME} overran its time and was killed")
        status, payload = receive.recv()
    except EOFError:
        raise RenderFailed(f"{NAME}: the render process ended without a result")
    finally:
        receive.close()
        if process.is_alive():
            process.kill()
        process.join()
    if status != "ok":
        raise RenderFailed(f"{NAME}: {payload}")
    return payload


def render_body(html: str, deadline: float) -> bytes:
    """The PDF of `html`, without footers."""
    return _render(html, deadline)


def footer_overlay(footer: PageFooter, pages: int, deadline: float) -> Overlay:
    """Sheets of BANDS_PER_SHEET footer bands, each band as the bottom margin of a page with its footer."""
    texts = [footer.page_text(n, pages) for n in range(1, pages + 1)]
    html = templates.render("pdf/footer_sheet.html", footer=footer, texts=texts, per_sheet=BANDS_PER_SHEET,
                            band_mm=BAND_MM)
    return Overlay(_render(html, deadline), per_sheet=BANDS_PER_SHEET, band_pt=BAND_MM * MM)
