"""WeasyPrint, rendered in a child process per PDF so a stuck render can be killed.

WeasyPrint runs in-process and holds the GIL; a process per render keeps request threads free, isolates one
document from the next, and makes the time limit enforceable (kill the child). The children are forked from a
fork server that has WeasyPrint already imported, so a render does not pay the ~1 s import each time.
"""
from __future__ import annotations

import importlib.util
import multiprocessing
import time

from .base import ASSETS_DIR, PageFooter, RenderFailed, RenderTimeout

NAME = "weasyprint"
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["app.pdf.weasy_child"])


def available() -> bool:
    return importlib.util.find_spec("weasyprint") is not None


def css_string(text: str) -> str:
    """A CSS string literal holding `text`: every character but ASCII letters and digits as a hex escape, so no
    quote, backslash or `</style>` can end it. The space after each escape ends it (and is not part of the text)."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):x} " for c in text) + '"'


def footer_css(footer: PageFooter) -> str:
    """The running footer as CSS page-margin boxes, with the page counters in place of the markers."""
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    right = " ".join(counters.get(part) or css_string(part) for part in footer.label_parts())
    look = 'font-family: "Noto Sans"; font-size: 7.5pt; color: #555;'
    return (f"@page {{ @bottom-left {{ content: {css_string(footer.left)}; {look} }} "
            f"@bottom-right {{ content: {right}; {look} }} }}")


def _child_main(conn, html: str, stylesheets: list[str]) -> None:
    # Imported here, in the child, so the web process never loads WeasyPrint itself.
    from .weasy_child import render_to
    render_to(conn, html, stylesheets)


def render(html: str, footer: PageFooter, deadline: float) -> bytes:
    fonts = (ASSETS_DIR / "fonts.css").read_text(encoding="utf-8")
    receive, send = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(target=_child_main, args=(send, html, [fonts, footer_css(footer)]), daemon=True)
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
