"""PDF export of one record or of a case's dossier, in the reader's language(s), audited.

The head, the page footers and the file name name the case by its pseudonymous client code (cases store no
names), or by its case number for a partner organisation, which may not learn the code (services/cases.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from ..domain import printout
from ..domain.access import Scope
from ..domain.errors import N_, BadRequest, DomainError, NotFound
from ..domain.model import Case, RecordState, User
from ..i18n.catalogs import translations_for
from ..pdf import ENGINES, RenderFailed, choose_engine, render_pdf
from ..pdf.cache import PdfCache
from ..pdf.document import Head, Printing, RecordPage, dossier_parts, record_html
from . import audit
from . import cases as case_service
from . import records as record_service
from . import socialmap
from .container import Container

MAX_DOSSIER_RECORDS = 200
log = logging.getLogger(__name__)


class Unavailable(DomainError):
    code, status = "pdf_unavailable", 503


@dataclass
class PdfExport:
    filename: str
    content: bytes
    engine: str


def languages(c: Container, lang, lang2) -> tuple[str, ...]:
    """The printout's language, and optionally a second one printed beside it. 400 names the allowed ones."""
    allowed = tuple(c.config["LANGUAGES"])
    for name, value, required in (("lang", lang, True), ("lang2", lang2, False)):
        if (value is None or value == "") and not required:
            continue
        if value not in allowed:
            raise BadRequest(N_("Unknown language in %(param)s: choose one of %(allowed)s."),
                             params={"param": name, "allowed": ", ".join(allowed)}, path=name)
    return (lang,) if not lang2 or lang2 == lang else (lang, lang2)


def _lang_details(langs: tuple[str, ...]) -> dict:
    return {"lang": langs[0], **({"lang2": langs[1]} if len(langs) > 1 else {})}


def _printing(c: Container, langs: tuple[str, ...]) -> Printing:
    gettexts = tuple(translations_for(c.config["TRANSLATIONS_DIR"], lang).gettext for lang in langs)
    return Printing(langs, gettexts)


def _file_name(kind: str, case: Case, record_id: str | None, langs: tuple[str, ...]) -> str:
    """A download's name: what it is and which case, by the first characters of its random id, never by the
    client code (a pseudonym is still personal data, and a file name shows in download lists and on shared
    tablets)."""
    ids = [case.id[:8]] + ([record_id[:8]] if record_id else [])
    return f"{kind}_{'_'.join(ids)}_{'-'.join(langs)}.pdf"


def _head(c: Container, printing: Printing, scope: Scope, case: Case) -> Head:
    org = c.store.get_org(case.org_id)
    owner = scope.owns_case(case)
    return Head(organisation=org.name if org else case.org_id,
                reference_label=printing.chrome["client_code" if owner else "case_number"],
                reference=case.client_code if owner else case.id[:8],
                country=printing.country(case.country_of_origin), date=printing.date(c.now()))


def _record_page(c: Container, printing: Printing, state: RecordState) -> RecordPage:
    head = state.head
    form = c.forms.get(head.form_id, head.form_version)  # the version the record was made with
    items = printout.build(form.id, form.schema, head.data, printing.tr, refer=lambda form_id: _current(c, form_id),
                           organisation=lambda org_id: _organisation_name(c, org_id), date=printing.date)
    return RecordPage(title=printing.tr(form.title),
                      description=printing.tr(form.schema["description"]) if form.schema.get("description") else None,
                      form_id=form.id, form_version=form.version, status=printing.chrome[head.status],
                      saved_on=printing.date(head.saved_at), items=items,
                      conflicts=len(state.open_conflicts))


def _current(c: Container, form_id: str) -> dict | None:
    try:
        return c.forms.get(form_id).schema
    except NotFound:
        return None


def _organisation_name(c: Container, org_id: str) -> str | None:
    org = socialmap.current_map(c).get(org_id)
    return org["name"] if org else None


def _cache(c: Container) -> PdfCache | None:
    """The app's cache of rendered records (in memory only); None when SAFEFUTURE_PDF_CACHE_MB is 0."""
    if "pdf_cache" not in c.extras:
        size = int(float(c.config.get("PDF_CACHE_MB", 0)) * 1024 * 1024)
        c.extras["pdf_cache"] = PdfCache(size) if size > 0 else None
    return c.extras["pdf_cache"]


def _render(c: Container, parts: str | Callable[[bool], list[str]], printing: Printing,
            head: Head) -> tuple[bytes, str]:
    """The PDF of one HTML document, or of the documents `parts(separate)` makes: apart when the engine prints
    parts alike however they are grouped (WeasyPrint), else as one (wkhtmltopdf scales a document to its widest
    part)."""
    try:
        engine = choose_engine(c.config.get("PDF_ENGINE"))
        documents = [parts] if isinstance(parts, str) else parts(ENGINES[engine].PARTS_APART)
        pdf = render_pdf(documents, printing.footer(head.reference), engine,
                         c.config["PDF_TIMEOUT_SECONDS"], cache=_cache(c), processes=c.config["PDF_PROCESSES"])
        return pdf, engine
    except RenderFailed as e:
        log.warning("PDF export failed: %s", e)  # engine and cause only, never document text
        raise Unavailable(N_("The PDF could not be made. Try again later."))


def export_record_pdf(c: Container, user: User, scope: Scope, record_id: str, lang, lang2=None) -> PdfExport:
    langs = languages(c, lang, lang2)
    state = record_service.get_record(c, user, scope, record_id)
    case = c.store.get_case(state.case_id)
    printing = _printing(c, langs)
    page = _record_page(c, printing, state)
    head = _head(c, printing, scope, case)
    pdf, engine = _render(c, record_html(printing, head, page), printing, head)
    audit.record(c, user, "export_pdf", case_id=case.id, record_id=state.id, engine=engine, **_lang_details(langs))
    return PdfExport(_file_name(state.head.form_id, case, state.id, langs), pdf, engine)


def _parse_selection(selection) -> list[str] | None:
    if selection is None or selection == "":
        return None
    ids = list(dict.fromkeys(part.strip().lower() for part in selection.split(",") if part.strip()))
    if not ids:
        raise BadRequest(N_("List the records to print as ids separated by commas."), path="records")
    if len(ids) > MAX_DOSSIER_RECORDS:
        raise BadRequest(N_("A dossier holds at most %(limit)s records."), params={"limit": MAX_DOSSIER_RECORDS},
                         path="records")
    return ids


def export_case_pdf(c: Container, user: User, scope: Scope, case_id: str, lang, lang2=None,
                    selection: str | None = None) -> PdfExport:
    """The dossier: a cover with the contents, then each chosen record (all of the case's, oldest first, when
    `selection` is empty; else in the order given)."""
    langs = languages(c, lang, lang2)
    chosen = _parse_selection(selection)
    case = case_service.get_case(c, user, scope, case_id)
    in_case = [r["id"] for r in case_service.case_records(c, scope, case)]  # only the records the user may see
    if chosen is None:
        if len(in_case) > MAX_DOSSIER_RECORDS:  # never print part of a dossier without saying so
            raise BadRequest(N_("A dossier holds at most %(limit)s records."), params={"limit": MAX_DOSSIER_RECORDS},
                             path="records")
        chosen = in_case
    missing = [rid for rid in chosen if rid not in in_case]
    if missing:
        # The same answer for a record of another case, of another organisation, or of none.
        raise NotFound(N_("No such record in this case: %(id)s."), params={"id": missing[0][:64]}, path="records")
    states = [record_service.get_record(c, user, scope, rid) for rid in chosen]
    printing = _printing(c, langs)
    pages = [_record_page(c, printing, s) for s in states]
    head = _head(c, printing, scope, case)
    pdf, engine = _render(c, lambda separate: dossier_parts(printing, head, pages, separate), printing, head)
    audit.record(c, user, "export_pdf", case_id=case.id, engine=engine, record_ids=[s.id for s in states],
                 **_lang_details(langs))
    return PdfExport(_file_name("dossier", case, None, langs), pdf, engine)
