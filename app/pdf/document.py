"""The HTML of a printed record and of a dossier (several records of one case), in one or two languages.

Every string of the page chrome is a msgid of the `messages` domain; instrument strings come translated in the
printout (domain `forms`). Answers are printed as typed. The HTML is self-contained (CSS inline, fonts are the
engine's business), so an engine that may load nothing still renders it whole.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from babel import Locale
from babel.dates import format_date
from markupsafe import Markup

from ..domain.errors import N_
from ..domain.printout import Label
from . import templates
from .base import PAGE, PAGES, PageFooter, asset_text

CHROME = {
    "confidential": N_("Confidential"),
    "client_code": N_("Client code"),
    "case_number": N_("Case number"),
    "organisation": N_("Organisation"),
    "country": N_("Country of origin"),
    "date": N_("Date"),
    "instrument": N_("Instrument"),
    "version": N_("Version"),
    "status": N_("Status"),
    "draft": N_("Draft"),
    "final": N_("Final"),
    "discarded": N_("Discarded"),
    "last_saved": N_("Last saved"),
    "not_filled_in": N_("not filled in"),
    "dossier": N_("Dossier"),
    "contents": N_("Contents"),
    "no_records": N_("This dossier holds no records."),
    "conflicts": N_("Someone saved a different version of this record that nobody has resolved yet. "
                    "This copy shows the current version only."),
    "negative": N_("Negative"),
    "positive": N_("Positive"),
    "factor": N_("Factor"),
    "starting_position": N_("Starting position"),
    "subtotal": N_("Subtotal"),
    "total": N_("Total"),
    "score_chart": N_("Score chart"),
    "explanations": N_("Explanations"),
}
PAGE_LABEL = N_("Page %(page)s of %(pages)s")


@dataclass
class Head:
    """What heads every printout: whose case it is, by a reference that is never a name (the client code for the
    owning organisation; the case number for a partner, who may not learn the code), and when it was made."""

    organisation: str
    reference_label: Label
    reference: str
    country: Label
    date: str


@dataclass
class RecordPage:
    title: Label
    description: Label | None
    form_id: str
    form_version: int
    status: Label
    saved_on: str
    items: list
    conflicts: int = 0


@dataclass
class Printing:
    """The languages of one printout and the means to translate into them."""

    langs: tuple[str, ...]
    gettexts: tuple[Callable[[str], str], ...]
    chrome: dict[str, Label] = field(init=False)

    def __post_init__(self):
        self.chrome = {key: self.tr(msgid) for key, msgid in CHROME.items()}

    def tr(self, msgid: str) -> Label:
        if not msgid:
            return ("",)
        return tuple(gettext(msgid) for gettext in self.gettexts)

    def date(self, iso: str) -> str:
        """An ISO date (or date-time) in each language's long form, the second as a label's second language is
        printed: "3 maart 2025 / 3 март 2025 г.". Markup, with the dates escaped."""
        try:
            day = date.fromisoformat(iso[:10])
        except ValueError:
            return iso
        first, *others = dict.fromkeys(format_date(day, "long", locale=lang) for lang in self.langs)
        return Markup("{}").format(first) + Markup("").join(
            Markup(' <span class="l2 inline">/ {}</span>').format(other) for other in others)

    def country(self, code: str) -> Label:
        return tuple(Locale.parse(lang).territories.get(code, code) for lang in self.langs)

    def footer(self, reference: str) -> PageFooter:
        def page_label(gettext) -> str:
            try:
                return gettext(PAGE_LABEL) % {"page": PAGE, "pages": PAGES}
            except (KeyError, TypeError, ValueError):  # a translation that broke the placeholders
                return PAGE_LABEL % {"page": PAGE, "pages": PAGES}

        return PageFooter(left=f"{joined(self.chrome['confidential'])} · {reference}",
                          page_label=joined(tuple(page_label(g) for g in self.gettexts)))


def joined(label: Label) -> str:
    """A label in one line: its languages side by side, the same text only once."""
    return " · ".join(dict.fromkeys(label))


def _css() -> Markup:
    # Our own stylesheet, inlined because the engines may not load files.
    return Markup(asset_text("document.css"))


def record_html(printing: Printing, head: Head, record: RecordPage, in_dossier: bool = False) -> str:
    return templates.render("pdf/record.html", css=_css(), langs=printing.langs, chrome=printing.chrome,
                            head=head, record=record, in_dossier=in_dossier)


def dossier_parts(printing: Printing, head: Head, records: list[RecordPage], separate: bool) -> list[str]:
    """The dossier as documents printed one after the other: the cover with the contents, then each record
    (`separate`), or all of it in one document."""
    cover = templates.render("pdf/dossier.html", css=_css(), langs=printing.langs, chrome=printing.chrome,
                             head=head, records=records, with_records=not separate)
    return [cover, *(record_html(printing, head, record, in_dossier=True) for record in records)] if separate \
        else [cover]
