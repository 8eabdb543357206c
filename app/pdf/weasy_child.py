"""The part of the WeasyPrint engine that runs in the render processes: a URL fetcher that serves only the
shipped assets, and the render loop. Imported by the fork server ahead of time, which then renders a line in each
of the fonts once: fontconfig's font list, Pango's font map and the fonts are loaded before any render process is
forked, so none of them pays for that again."""
from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .base import ASSETS_DIR

# WeasyPrint logs each refused URL with the URL in it; keep document content out of the logs.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class AssetsOnlyFetcher(URLFetcher):
    """Serves file: URLs inside `app/pdf/assets/` (our fonts) and refuses every other URL: no http(s), no
    data:, no file outside the assets (WeasyPrint would otherwise embed `<link rel=attachment>` files and load
    `<img>` URLs). A refused URL raises ValueError, which WeasyPrint treats as a missing resource."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError("only the PDF assets may be loaded")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(ASSETS_DIR) or not path.is_file():
            raise ValueError("only the PDF assets may be loaded")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(path.as_uri(), body=path.read_bytes(),
                                  headers={"Content-Type": mime or "application/octet-stream"})


def render(html: str, stylesheets: list[str]) -> tuple[str, object]:
    """("ok", pdf bytes) or ("error", exception type)."""
    try:
        fetcher = AssetsOnlyFetcher()
        base = ASSETS_DIR.as_uri() + "/"
        document = weasyprint.HTML(string=html, url_fetcher=fetcher)
        css = [weasyprint.CSS(string=text, base_url=base, url_fetcher=fetcher) for text in stylesheets]
        return "ok", document.write_pdf(stylesheets=css)
    except Exception as e:  # report the kind of failure only: the message may quote document text
        return "error", type(e).__name__


def serve(conn, stylesheets: list[str]) -> None:
    """Render each HTML document received through `conn` and send back its result, until `conn` is closed."""
    try:
        while True:
            try:
                html = conn.recv()
            except EOFError:
                return
            conn.send(render(html, stylesheets))
    finally:
        conn.close()


# The warm-up, once, in the fork server (see above).
render("<!doctype html><p style='font-family: \"Noto Sans\"'>Warm <b>up</b> <i>Ѝ ọ̀</i></p>", [])
