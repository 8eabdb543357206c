"""The part of the WeasyPrint engine that runs in the render processes: a URL fetcher that serves only the
shipped assets, and the render loop. Imported by the fork server ahead of time, which then renders a warm-up page
like a printout's once: WeasyPrint's imports, caches and document.css are ready before any render process is
forked, so none of them pays for that again.

What WeasyPrint would otherwise redo for every document, a render process does once:
- one font configuration (fontconfig's font list and a Pango font map, whose caches of the fonts that a font
  description picks fill up with the first documents) for all of its documents, instead of a new one each (made
  by the render process itself: see `serve`);
- each style sheet parsed once: the user style sheets, and the document's own inline `<style>` (our templates
  put the same document.css into every printout), which is taken out of the HTML and given to WeasyPrint
  parsed, ahead of the user style sheets. It then counts as a user style sheet rather than the author's; ours
  have no `!important` and the user style sheets after it only add what it does not set, so every element gets
  the same style (the PDFs' pages are the same, byte for byte);
- WeasyPrint's user agent style sheet gives every element the pseudo-elements of list markers, footnotes and
  notes (six pseudo-element styles to compute per element, most of the cascade's work); ours gives the list
  markers to list items only and has no footnotes or notes, which our printouts do not use (`user_agent_sheet`).
  Were WeasyPrint's sheet other than expected, its own is used."""
from __future__ import annotations

import gc
import logging
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.html import UA as WEASYPRINT_USER_AGENT_SHEET
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .base import ASSETS_DIR, asset_text

# WeasyPrint logs each refused URL with the URL in it; keep document content out of the logs.
logging.getLogger("weasyprint").setLevel(logging.ERROR)

# The inline style sheet of our templates (`_base.html`): the first <style> element of the head. An answer
# cannot make one: the templates escape every "<" of a value.
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_SHEETS_KEPT = 8  # parsed style sheets kept per process (document.css, report.css and the user style sheets)


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


# The rules of pseudo-elements that match every element: the list marker, kept for list items (`li`, the only
# elements our printouts make list items), and those of footnotes and notes, left out.
_EVERY_MARKER = re.compile(r"^::marker \{", re.M)
_EVERY_NOTE = re.compile(r"^::(?:footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^}\n]*\}\n", re.M)


def user_agent_sheet(text: str = WEASYPRINT_USER_AGENT_SHEET) -> str | None:
    """WeasyPrint's user agent style sheet `text` without the pseudo-elements our printouts do not use, or None
    if it does not hold the rules expected."""
    text, markers = _EVERY_MARKER.subn("li::marker {", text)
    text, notes = _EVERY_NOTE.subn("", text)
    return text if (markers, notes) == (1, 5) else None


_TRIMMED = user_agent_sheet()
_USER_AGENT = weasyprint.CSS(string=_TRIMMED, counter_style=CounterStyle()) if _TRIMMED is not None else None


class _Html(weasyprint.HTML):
    def _ua_stylesheets(self, forms=False):
        return [_USER_AGENT] if _USER_AGENT is not None and not forms else super()._ua_stylesheets(forms)


_FETCHER = AssetsOnlyFetcher()
_sheets: dict[str, weasyprint.CSS] = {}


def _sheet(text: str) -> weasyprint.CSS:
    """`text` parsed, once per process."""
    sheet = _sheets.get(text)
    if sheet is None:
        if len(_sheets) >= _SHEETS_KEPT:
            _sheets.pop(next(iter(_sheets)))
        sheet = _sheets[text] = weasyprint.CSS(string=text, base_url=ASSETS_DIR.as_uri() + "/",
                                               url_fetcher=_FETCHER)
    return sheet


def render(html: str, stylesheets: list[str], fonts: FontConfiguration | None = None) -> tuple[str, object]:
    """("ok", (pdf bytes, pages)) or ("error", exception type). `stylesheets`: the user style sheets' texts;
    `fonts`: the font configuration to use (None: a new one)."""
    try:
        own = _STYLE.search(html, 0, max(0, html.find("</head>")))
        sheets = [_sheet(text) for text in stylesheets]
        if own:
            sheets.insert(0, _sheet(own.group(1)))
            html = html[:own.start()] + html[own.end():]
        document = _Html(string=html, url_fetcher=_FETCHER).render(stylesheets=sheets, font_config=fonts)
        return "ok", (document.write_pdf(), len(document.pages))
    except Exception as e:  # report the kind of failure only: the message may quote document text
        return "error", type(e).__name__


def serve(conn, stylesheets: list[str], warm: bool = False) -> None:
    """Render each HTML document received through `conn` and send back its result, until `conn` is closed.
    `warm`: first render the warm-up page with the process's own fonts (a spare process, started ahead of the
    printout that will use it, so that its first document does not pay for loading them)."""
    # The process's own font configuration, made here and not in the fork server: Pango's font map looks fonts
    # up in a thread of its own (Debian 13's Pango), and a forked process has no copy of that thread, so a font
    # map made before the fork waits for it forever.
    fonts = FontConfiguration()
    if warm:
        render(_WARM_UP_PAGE, stylesheets, fonts)
        gc.collect()
    # What the process has now (WeasyPrint, the fonts, the parsed style sheets) stays: no garbage collection
    # looks through it again. And WeasyPrint makes many objects: collecting cycles every 10,000 instead of 700
    # cut the collector's share of a dossier from about 7 % to 2 % (a few MB more at the peak).
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
    try:
        while True:
            try:
                html = conn.recv()
            except EOFError:
                return
            conn.send(render(html, stylesheets, fonts))
    finally:
        conn.close()


# The warm-up, once, in the fork server (see above): a page in document.css with what printouts hold (headings,
# answers, a long text, tables, a score matrix and chart, a list; Latin, Cyrillic and tone marks), so that the
# fonts of every size and style are loaded, WeasyPrint's caches filled and document.css parsed before any render
# process is forked.
_WARM_UP = """<header class="record-head"><div class="organisation">Warm-up</div><h1>Warm up <span class="l2">Ѝ</span>
</h1><table class="meta"><tr><th>Code</th><td class="code">W-1</td><th>Date</th><td>1 Jan</td></tr></table>
<p class="description">Ọ̀yọ́ ẹ̀gbọ́n Шипка</p></header><section class="section level-1"><h2>Warm</h2><h3>up</h3><h4>Ѝ</h4>
<div class="answer short"><div class="q">Warm</div><div class="a">up <span class="empty">Ѝ ọ̀</span></div></div>
<div class="answer long"><div class="q">Warm</div><div class="a text">up
Ọ̀yọ́ ẹ̀gbọ́n àárọ̀ Adéṣọlá</div></div><div class="table-block grid"><table class="rows"><thead><tr>
<th class="row-label"></th><th>Warm</th></tr></thead><tbody><tr><th class="row-label">up</th><td class="longtext">Ѝ
</td></tr></tbody></table></div><ul class="list"><li>Warm</li></ul><p class="collapsed">Ѝ</p></section>
<section class="score-matrix"><table class="matrix"><thead><tr><th class="neg">Warm (−)</th><th class="middle">up</th>
<th class="pos">Ѝ (+)</th></tr></thead><tbody><tr class="block-head"><th colspan="3">Warm</th></tr><tr class="factor">
<td class="neg"><span class="mark neg">−−</span><span class="score-label">Warm</span></td><td class="middle">
<span class="number">1.</span> up</td><td class="pos"><span class="mark pos">++</span></td></tr><tr class="subtotal">
<td class="neg">− 1</td><td class="middle">Warm</td><td class="pos">+ 2</td></tr><tr class="total"><td class="neg">− 1
</td><td class="middle">up</td><td class="pos">+ 2</td></tr></tbody></table><div class="chart"><h3>Warm</h3>
<table class="chart-block"><thead><tr><th class="chart-label">Warm</th><th class="bar neg">− −</th><th class="bar pos">
+ +</th></tr></thead><tbody><tr><td class="chart-label">1. up</td><td class="bar neg"><span class="cell on"></span>
<span class="cell"></span></td><td class="bar pos"><span class="cell"></span></td></tr><tr class="chart-total">
<td class="chart-label">Total: − 1 / + 2</td><td class="bar neg"><span class="sum"></span></td><td class="bar pos">
</td></tr></tbody></table></div></section>"""
_WARM_UP_PAGE = (f"<!doctype html><html><head><meta charset=\"utf-8\">"
                 f"<style>{asset_text('document.css')}</style></head>"
                 f"<body class=\"languages-1\">{_WARM_UP}</body></html>")
render(_WARM_UP_PAGE, [])
