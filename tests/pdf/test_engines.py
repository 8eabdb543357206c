"""The engine adapter on its own, fed hostile HTML directly (no escaping in front of it): the engines' own
locks must hold. Also the time limit, the fonts and the running footer."""
from __future__ import annotations

import io
import multiprocessing
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.pdf import PageFooter, RenderTimeout, render_pdf

from .helpers import has, page_count, pdf_text, save_artifact, squash, watched_server

FOOTER = PageFooter("Confidential · C-1", "Page {page} of {pages}")
YORUBA = ["Ọ̀yọ́", "ẹ̀gbọ́n", "àárọ̀", "Adéṣọlá", "Ẹ̀kọ́", "Ṣ̀", "ẹ", "ọ", "ṣ"]


def page(body: str, head: str = "") -> str:
    return f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def children_named(name: str) -> list[int]:
    """Live child processes of this process with the given command name."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)
            comm = fields[0].split("(", 1)[1]
            ppid = int(fields[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == os.getpid() and comm == name:
            found.append(int(stat.parent.name))
    return found


def test_raw_hostile_html_fetches_reads_and_runs_nothing(engine, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT-7d1e")
    with watched_server() as (port, hits):
        body = (f'<p>visible text</p>'
                f'<img src="file:///etc/passwd"><img src="{secret.as_uri()}">'
                f'<img src="http://127.0.0.1:{port}/img">'
                f'<iframe src="http://127.0.0.1:{port}/iframe"></iframe>'
                f'<iframe src="{secret.as_uri()}"></iframe>'
                f'<object data="{secret.as_uri()}"></object>'
                f'<script>document.write("SCRIPT_RAN")</script>')
        head = (f'<link rel="attachment" href="{secret.as_uri()}">'
                f'<link rel="attachment" href="file:///etc/passwd">'
                f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
                f'<style>@import url("http://127.0.0.1:{port}/import.css"); '
                f'body {{ background: url("http://127.0.0.1:{port}/bg.png"); }}</style>')
        pdf = render_pdf(page(body, head), FOOTER, engine, timeout=60)
        time.sleep(0.2)  # a request in flight would have arrived by now
        assert hits == []
    save_artifact(f"engine-hostile-{engine}", pdf, pages=1)
    text = pdf_text(pdf)
    assert "visible text" in text
    assert "root:x:0:0" not in text and "SECRET-FILE-CONTENT" not in text
    assert "SCRIPT_RAN" not in text and "FETCHED-FROM-LOCAL-SERVER" not in text
    saved = tmp_path / "out.pdf"
    saved.write_bytes(pdf)
    attachments = subprocess.run(["pdfdetach", "-list", str(saved)], capture_output=True, timeout=30)
    assert attachments.stdout.decode().startswith("0 embedded files"), attachments.stdout
    assert b"SECRET-FILE-CONTENT" not in pdf and b"root:x:0:0" not in pdf
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/Names" not in catalog or "/EmbeddedFiles" not in catalog["/Names"]
    assert "/OpenAction" not in catalog and b"/JavaScript" not in pdf


def test_a_stuck_render_is_killed_at_its_time_limit(engine):
    html = page("".join(f"<p>Paragraph {n} with some text to lay out.</p>" for n in range(6000)))
    render_pdf(page("<p>Warm</p>"), FOOTER, engine, 60)  # as the server starts WeasyPrint's fork server at start
    started = time.monotonic()
    with pytest.raises(RenderTimeout):
        render_pdf(html, FOOTER, engine, timeout=0.3)
    assert time.monotonic() - started < 3, "the request thread waited for the renderer instead of killing it"
    assert children_named("wkhtmltopdf") == []
    assert multiprocessing.active_children() == []


def test_shipped_font_carries_cyrillic_yoruba_hausa_and_dutch(engine):
    words = ["Поверително", "Шипка", "ъ", "ѝ", *YORUBA, "ɓ", "ɗ", "ƙ", "ƴ", "Ị", "ụ", "ṅ", "Zoë", "coöperatie"]
    pdf = render_pdf(page(f'<p style="font-family: \'Noto Sans\'">{" ".join(words)}</p>'), FOOTER, engine, 60)
    save_artifact(f"engine-scripts-{engine}", pdf, pages=1)
    text = squash(pdf_text(pdf, raw=True))
    for word in words:
        assert squash(word) in text, word
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True, timeout=30).stdout.decode()
    body_fonts = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert body_fonts and all(re.search(r"\+?Noto-?Sans", line) for line in body_fonts), fonts
    assert all(" yes " in line for line in body_fonts), "every font must be embedded"


def test_every_page_carries_the_footer_with_its_number(engine):
    html = page("".join(f"<p>Line {n}</p>" for n in range(220)))
    pdf = render_pdf(html, FOOTER, engine, timeout=60)
    pages = page_count(pdf)
    assert pages >= 3
    for n in range(1, pages + 1):
        text = pdf_text(pdf, n, n)
        assert has(text, f"Page {n} of {pages}") and has(text, "Confidential · C-1"), (n, text[-200:])


def font_files(pdf: bytes) -> set[int]:
    """The object numbers of the font files a PDF's pages use."""
    reader, files = PdfReader(io.BytesIO(pdf)), set()
    for p in reader.pages:
        for font in p["/Resources"].get_object().get("/Font", {}).values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                files |= {descriptor.raw_get(key).idnum for key in ("/FontFile", "/FontFile2", "/FontFile3")
                          if key in descriptor}
    return files


def test_parts_that_print_the_same_glyphs_share_their_fonts_in_the_joined_pdf(engine):
    part = page("<p>Ẹ̀kọ́ <b>Шипка</b> <i>Zoë</i></p>")
    one, three = render_pdf([part], FOOTER, engine, 60), render_pdf([part] * 3, FOOTER, engine, 60)
    assert page_count(three) == 3
    assert len(font_files(three)) == len(font_files(one)) >= 3  # each face once, not once per part
    assert len(three) < 2 * len(one)



def page_contents(pdf: bytes) -> list[bytes]:
    return [p.get_contents().get_data() for p in PdfReader(io.BytesIO(pdf)).pages]


def test_weasyprint_render_processes_print_what_weasyprint_prints_on_its_own():
    """A render process parses the inline style sheet once and uses a user agent style sheet without the
    pseudo-elements of footnotes and notes (weasy_child.py): the pages come out the same."""
    import weasyprint

    from app.pdf import weasy_child  # (WeasyPrint is a dependency: always installed)
    from app.pdf.base import ASSETS_DIR

    sheet = weasy_child.user_agent_sheet()
    assert sheet is not None, "WeasyPrint's user agent style sheet changed: see weasy_child.user_agent_sheet"
    assert "li::marker {" in sheet and "::footnote-call" not in sheet and "::note-call" not in sheet
    css = (ASSETS_DIR / "document.css").read_text(encoding="utf-8")
    body = ('<h1>Zoë <span class="l2">Шипка</span></h1><div class="answer short"><div class="q">Ẹ̀kọ́</div>'
            '<div class="a"><ul class="choices"><li>Zoë</li><li>Шипка</li></ul></div></div><ol><li>a</li></ol>'
            '<table class="matrix"><tr><td class="neg"><span class="mark neg">−−</span></td><td>x</td></tr></table>')
    html = page(body * 40, head=f"<style>{css}</style>")
    status, (ours, pages) = weasy_child.render(html, [])
    assert status == "ok"
    own = weasyprint.HTML(string=html, url_fetcher=weasy_child.AssetsOnlyFetcher()).write_pdf()
    assert len(page_contents(ours)) == pages >= 2
    assert page_contents(ours) == page_contents(own)
    assert has(pdf_text(ours), "• Zoë • Шипка")
