"""Today's printouts against the golden renders of three instruments (tests/pdf/golden.py): the same pages, each
looking the same within a small tolerance, and every answer's text in them."""
from __future__ import annotations

import re

from PIL import Image

from .golden import compare, documents, golden_app, golden_pages, page_images
from .helpers import artifacts_dir, pdf_text, squash


def text_without_footers(pdf: bytes, raw: bool) -> str:
    # A text that runs onto the next page has that page's footer in the middle of it.
    return squash("\n".join(line for line in pdf_text(pdf, raw=raw).splitlines()
                            if not re.search(r"^(Confidential|Vertrouwelijk) · |Page \d+ of \d+|Pagina \d+ van",
                                             line.strip())))


def save_side_by_side(name: str, page: Image.Image, golden: Image.Image) -> None:
    both = Image.new("L", (page.width + golden.width + 8, max(page.height, golden.height)), 128)
    both.paste(golden, (0, 0))
    both.paste(page.convert("L").resize(golden.size), (golden.width + 8, 0))
    both.save(artifacts_dir() / f"{name}.png")


def test_every_page_matches_its_golden_render_and_every_answer_is_printed(engine, tmp_path):
    app = golden_app(tmp_path, engine)
    try:
        made = documents(app)
    finally:
        app.extensions["safefuture"].store.close()
    for name, document in made.items():
        pages, goldens = page_images(document.pdf), golden_pages(name, engine)
        assert len(pages) == len(goldens), f"{name}: {len(pages)} pages, the golden render has {len(goldens)}"
        differences = [compare(page, golden, n) for n, (page, golden) in enumerate(zip(pages, goldens), start=1)]
        off = [d for d in differences if not d.acceptable()]
        for d in off:
            save_side_by_side(f"golden-{name}-{engine}-page-{d.page}", pages[d.page - 1], goldens[d.page - 1])
        assert not off, f"{name}: pages unlike the golden render (golden left, today right in the artifacts): {off}"
        text, raw = text_without_footers(document.pdf, False), text_without_footers(document.pdf, True)
        missing = [phrase for phrase in document.phrases if squash(phrase) not in text and squash(phrase) not in raw]
        assert len(document.phrases) > 20
        assert not missing, f"{name}: {len(missing)} answers are missing, e.g. {missing[:5]}"
