"""wkhtmltopdf through pdfkit, locked down, with page footers stamped on afterwards.

Debian's wkhtmltopdf is the "reduced functionality" build (Qt without the wkhtmltopdf patches): it ignores
--footer-* and CSS page-margin boxes, so it cannot print running footers itself. The footer ("Confidential",
"Page 2 of 5") is therefore rendered by wkhtmltopdf as a second, tiny document whose pages hold nothing but
the footer band, and laid over the pages of the main document (assembly.py).
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import nullcontext

import pdfkit

from . import templates
from .assembly import Overlay, page_count
from .base import ASSETS_DIR, PageFooter, Part, RenderFailed, RenderTimeout

# Smart shrinking scales a whole document to its widest content, so a record printed on its own could come
# out at another scale than in its dossier: a dossier is rendered as one document.
PARTS_APART = False
NAME = "wkhtmltopdf"
FONTS_CONF = ASSETS_DIR / "fonts.conf"
USER_STYLE_SHEET = ASSETS_DIR / "wkhtmltopdf.css"
PAGE_HEIGHT_MM = 297  # A4
# The footer band sits in the bottom margin of the main document (see document.css: @page margins).
MAIN_MARGINS_MM = {"top": 16, "right": 16, "bottom": 20, "left": 16}
FOOTER_BAND_MM = (PAGE_HEIGHT_MM - 15, 4)  # (top margin, bottom margin) of the footer document's pages

# Never fetch or read anything, never run script. wkhtmltopdf fetches <iframe> URLs (and <img> ones unless images
# are off) even by default; port 0 cannot be listened on, so the proxy every request must go through refuses it.
SAFE_OPTIONS = {
    "--disable-javascript": "",
    "--javascript-delay": "0",  # the default waits 200 ms per render for scripts, which never run here
    "--disable-local-file-access": "",
    "--proxy": "http://127.0.0.1:0",
    "--no-images": "",
    "--disable-plugins": "",
    "--disable-external-links": "",
    "--disable-internal-links": "",
    "--load-error-handling": "ignore",
    "--load-media-error-handling": "ignore",
    "--encoding": "UTF-8",
    "--page-size": "A4",
    "--print-media-type": "",
    "--user-style-sheet": str(USER_STYLE_SHEET),
}


def binary() -> str | None:
    return shutil.which(NAME)


def available() -> bool:
    return binary() is not None


def _command(margins_mm: dict) -> list[str]:
    options = {**SAFE_OPTIONS, **{f"--margin-{side}": f"{mm}mm" for side, mm in margins_mm.items()}}
    # A file object, not a string: pdfkit would otherwise read extra options from <meta name="pdfkit-…"> tags
    # in the document. The HTML itself goes to wkhtmltopdf on standard input ("-").
    kit = pdfkit.PDFKit(io.StringIO(), "file", options=options,
                        configuration=pdfkit.configuration(wkhtmltopdf=binary()))
    return kit.command()


def _environment(runtime_dir: str) -> dict:
    """A minimal environment: no inherited proxy variables or secrets; our fonts; no printer lookup (Qt's print
    support would otherwise connect to CUPS on localhost)."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": runtime_dir,
            "XDG_RUNTIME_DIR": runtime_dir, "FONTCONFIG_FILE": str(FONTS_CONF),
            "CUPS_SERVER": os.path.join(runtime_dir, "no-cups")}


def _run(html: str, margins_mm: dict, deadline: float) -> bytes:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise RenderTimeout(f"{NAME}: no time left")
    with tempfile.TemporaryDirectory(prefix="sf-wkhtmltopdf-") as runtime_dir:
        os.chmod(runtime_dir, 0o700)
        try:
            # subprocess.run kills the child when the timeout expires, so a stuck render frees its thread.
            done = subprocess.run(_command(margins_mm), input=html.encode("utf-8"), capture_output=True,
                                  timeout=remaining, env=_environment(runtime_dir), cwd=runtime_dir)
        except subprocess.TimeoutExpired:
            raise RenderTimeout(f"{NAME} overran {remaining:.1f} s and was killed")
    pdf = done.stdout
    complete = pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    # Exit code 1 with a complete PDF means a load was blocked (e.g. a file: URL); the page is otherwise whole.
    if not complete or done.returncode not in (0, 1):
        raise RenderFailed(f"{NAME} exited with code {done.returncode}")
    return pdf


def render_body(html: str, deadline: float) -> Part:
    """The PDF of `html`, without footers."""
    pdf = _run(html, MAIN_MARGINS_MM, deadline)
    return Part(pdf, page_count(pdf))


def footer_overlay(footer: PageFooter, pages: int, deadline: float) -> Overlay:
    """One page per page of the printout, holding nothing but that page's footer band."""
    band_top, band_bottom = FOOTER_BAND_MM
    footer_html = templates.render("pdf/page_footer.html", footer=footer, pages=pages,
                                   texts=[footer.page_text(n, pages) for n in range(1, pages + 1)])
    return Overlay(_run(footer_html, {"top": band_top, "right": MAIN_MARGINS_MM["right"], "bottom": band_bottom,
                                      "left": MAIN_MARGINS_MM["left"]}, deadline))


def start(spares: int) -> None:
    """Nothing to start ahead: wkhtmltopdf is a process of its own per document."""


def printout():
    """Around a whole printout: nothing to do for wkhtmltopdf."""
    return nullcontext()


class Renderer:
    """The engine's interface for one printout (engines.py): wkhtmltopdf is a process of its own per document
    anyway, so there is nothing to keep from one document to the next."""

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc) -> None:
        pass

    render_body = staticmethod(render_body)
    footer_overlay = staticmethod(footer_overlay)
