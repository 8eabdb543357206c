"""WeasyPrint, rendered in a child process per PDF so a stuck render can be killed.

WeasyPrint runs in-process and holds the GIL; a render process keeps request threads free, isolates one
printout from the next, and makes the time limit enforceable (kill the child). The children are forked from a
fork server that has WeasyPrint already imported and warmed up (weasy_child.py), so a render does not pay the
~1 s import and the font set-up each time. One printout's documents (a dossier's cover, records and footers)
render one after another in the same process (`Renderer`), which keeps WeasyPrint's caches warm between them.
The server keeps a few render processes warmed up ahead of the next printout (`_Spares`).

Footers are stamped on afterwards like wkhtmltopdf's (assembly.py), from sheets of footer bands: WeasyPrint
spends about 5 ms on every page however empty, so 50 bands share a sheet.
"""
from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import multiprocessing.forkserver
import threading
import time
from contextlib import contextmanager

from . import templates
from .assembly import Overlay
from .base import PageFooter, Part, RenderFailed, RenderTimeout, asset_text

# A record prints the same on its own as in a dossier, so a dossier's records render side by side.
PARTS_APART = True
NAME = "weasyprint"
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["app.pdf.weasy_child"])
BANDS_PER_SHEET = 50
STYLESHEETS = ("weasyprint.css",)  # user style sheets, after the document's own
BAND_MM = 20  # the bottom page margin of document.css, where the footer stands
MM = 72 / 25.4
_LOG = logging.getLogger(__name__)


def available() -> bool:
    return importlib.util.find_spec("weasyprint") is not None


def start(spares: int) -> None:
    """Start the fork server now (it imports and warms up WeasyPrint in the background), so that the first
    printout does not wait for it, and keep `spares` warmed-up render processes ready for the next printout."""
    multiprocessing.forkserver.ensure_running()
    # In the background: the spares are forked once the fork server has warmed up (a second or two).
    threading.Thread(target=_spares.keep, args=(spares,), daemon=True).start()


def _child_main(conn, stylesheets: list[str], warm: bool) -> None:
    # Imported here, in the child, so the web process never loads WeasyPrint itself.
    from .weasy_child import serve
    serve(conn, stylesheets, warm)


def _launch(warm: bool):
    """A new render process and the parent's end of its pipe."""
    stylesheets = [asset_text(name) for name in STYLESHEETS]
    conn, child = _CONTEXT.Pipe()
    process = _CONTEXT.Process(target=_child_main, args=(child, stylesheets, warm), daemon=True)
    process.start()
    child.close()
    return process, conn


class _Spares:
    """Render processes started and warmed up (fonts loaded) ahead of the printouts that will use them: the first
    document of a process started by its printout costs some 0.05–0.1 s of CPU more. A printout takes spares
    before it starts processes of its own; they are replaced once no printout is running (`printing`, so that
    their warm-up never competes with one), and each serves a single printout, like any render process. None
    are kept until `start()` asks for them (the server does; tests and scripts need not)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._ready: list = []
        self._wanted = 0
        self._printing = 0

    def keep(self, count: int) -> None:
        """Keep `count` spares ready from now on (0: none, and the ready ones end)."""
        with self._lock:
            self._wanted = count
            while len(self._ready) > count:
                process, conn = self._ready.pop()
                conn.close()
                process.kill()
                process.join()
            if not self._printing:
                self._refill()

    def ready(self) -> list[int]:
        """The process ids of the spares ready now."""
        with self._lock:
            return [process.pid for process, _ in self._ready]

    @contextmanager
    def printing(self):
        """Around a whole printout (its renders, joining and stamping)."""
        with self._lock:
            self._printing += 1
        try:
            yield
        finally:
            with self._lock:
                self._printing -= 1
                if self._printing == 0:
                    self._refill()

    def take(self):
        with self._lock:
            while self._ready:
                process, conn = self._ready.pop(0)
                if process.is_alive():
                    return process, conn
                conn.close()
                process.join()
        return _launch(warm=False)

    def _refill(self) -> None:
        try:
            while len(self._ready) < self._wanted:
                self._ready.append(_launch(warm=True))
        except (OSError, EOFError):  # the next printout starts its own, or fails with a reason
            _LOG.warning("no spare WeasyPrint render process could be started")


_spares = _Spares()
printout = _spares.printing


class Renderer:
    """A render process for one printout's documents, one after another; killed when one overruns its time.
    Use as a context manager: the process ends on leaving it."""

    def __enter__(self) -> "Renderer":
        self._process, self._conn = _spares.take()
        return self

    def __exit__(self, *exc) -> None:
        self._conn.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()

    def _render(self, html: str, deadline: float) -> Part:
        try:
            self._conn.send(html)
            if not self._conn.poll(max(0.0, deadline - time.monotonic())):
                self._process.kill()
                raise RenderTimeout(f"{NAME} overran its time and was killed")
            status, payload = self._conn.recv()
        except (EOFError, OSError):
            raise RenderFailed(f"{NAME}: the render process ended without a result")
        if status != "ok":
            raise RenderFailed(f"{NAME}: {payload}")
        return Part(*payload)

    def render_body(self, html: str, deadline: float) -> Part:
        """The PDF of `html`, without footers."""
        return self._render(html, deadline)

    def footer_overlay(self, footer: PageFooter, pages: int, deadline: float) -> Overlay:
        """Sheets of BANDS_PER_SHEET footer bands, each band as the bottom margin of a page with its footer."""
        texts = [footer.page_text(n, pages) for n in range(1, pages + 1)]
        html = templates.render("pdf/footer_sheet.html", footer=footer, texts=texts, per_sheet=BANDS_PER_SHEET,
                                band_mm=BAND_MM)
        return Overlay(self._render(html, deadline).pdf, per_sheet=BANDS_PER_SHEET, band_pt=BAND_MM * MM)
