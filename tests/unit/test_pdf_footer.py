"""The running footer's text: markers for the page numbers, and the translated page label falling back to
English when a translation broke its placeholders."""
from __future__ import annotations

from app.pdf.base import PageFooter
from app.pdf.document import Printing


def test_page_label_in_two_languages_and_a_broken_translation():
    catalogs = {"nl": {"Page %(page)s of %(pages)s": "Pagina %(page)s van %(pages)s", "Confidential": "Vertrouwelijk"},
                "bg": {"Page %(page)s of %(pages)s": "Страница %(pagina)s", "Confidential": "Поверително"}}
    printing = Printing(("nl", "bg"), tuple((lambda m, c=catalogs[lang]: c.get(m, m)) for lang in ("nl", "bg")))
    footer = printing.footer("NG-1")
    assert footer.left == "Vertrouwelijk · Поверително · NG-1"
    assert footer.page_text(2, 5) == "Pagina 2 van 5 · Page 2 of 5"
