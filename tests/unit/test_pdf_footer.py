"""The running footer's text: markers for the page numbers, CSS strings no text can break out of, and the
translated page label falling back to English when a translation broke its placeholders."""
from __future__ import annotations

import tinycss2

from app.pdf.base import PageFooter
from app.pdf.document import Printing
from app.pdf.weasy import css_string, footer_css


def test_css_string_holds_any_text_and_nothing_escapes_it():
    for text in ['Vertrouwelijk · Поверително', 'a"b\\c', "</style><script>x()</script>", "x\ny", "Ẹ̀kọ́ ɓ", "é é"]:
        tokens = [t for t in tinycss2.parse_component_value_list(css_string(text)) if t.type != "whitespace"]
        assert len(tokens) == 1 and tokens[0].type == "string" and tokens[0].value == text, text
        assert "<" not in css_string(text) and '"' not in css_string(text)[1:-1]


def test_footer_css_counts_pages_where_the_markers_stand():
    css = footer_css(PageFooter("Confidential", "Pagina {page} van {pages}"))
    assert "counter(page)" in css and "counter(pages)" in css
    rules = tinycss2.parse_stylesheet(css)
    assert rules[0].type == "at-rule" and rules[0].at_keyword == "page"


def test_page_label_in_two_languages_and_a_broken_translation():
    catalogs = {"nl": {"Page %(page)s of %(pages)s": "Pagina %(page)s van %(pages)s", "Confidential": "Vertrouwelijk"},
                "bg": {"Page %(page)s of %(pages)s": "Страница %(pagina)s", "Confidential": "Поверително"}}
    printing = Printing(("nl", "bg"), tuple((lambda m, c=catalogs[lang]: c.get(m, m)) for lang in ("nl", "bg")))
    footer = printing.footer("NG-1")
    assert footer.left == "Vertrouwelijk · Поверително · NG-1"
    assert footer.page_text(2, 5) == "Pagina 2 van 5 · Page 2 of 5"
