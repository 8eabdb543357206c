"""The coordinator's report over a period (domain/reports.py), and its downloads as XLSX and as PDF.

A coordinator reports on the cases of their organisation. A partner organisation has no coordinator role (its
users are all `partner`), so its users report on the cases handed over to it, within their scope. Counsellors
and admins get 403. Every download is audited; reading the figures on screen is not (they name nobody).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Iterator

from babel.dates import format_date
from babel.numbers import format_decimal

from ..domain import reports
from ..domain.access import Scope
from ..domain.errors import N_, BadRequest, Forbidden
from ..domain.handover import report_period, schedule
from ..domain.model import User
from ..domain.scores import overzicht1_history
from ..i18n.catalogs import translations_for
from ..pdf.document import Head, Printing
from ..pdf.report import report_html
from . import access, audit, export, handovers
from .container import Container
from .streamed_files import BOLD, SheetRows, XlsxStream

REPORT_ROLES = ("coordinator", "partner")
MAX_YEARS = 10
CLOSURE_TITLES = {reports.RETURNED: N_("Returned, with support"),
                  reports.DEPARTED: N_("Departed without support"),
                  reports.OTHER: N_("Other")}
MONITORING_TITLES = {"due": N_("Reports due"), "on_time": N_("Received on time"), "late": N_("Received late"),
                     "missing": N_("Missing"), "not_yet_due": N_("Not yet due")}
TITLES = {
    "report": N_("Report"),
    "period": N_("Period"),
    "cases": N_("Cases in the period"),
    "steps": N_("Open cases by current step"),
    "step": N_("Step"),
    "count": N_("Number"),
    "months": N_("Cases opened and closed per month"),
    "month": N_("Month"),
    "opened": N_("Opened"),
    "closed": N_("Closed"),
    "closures": N_("How cases closed"),
    "closure": N_("Closed as"),
    "returns": N_("Returns per country"),
    "country": N_("Country"),
    "step_days": N_("Median time per step"),
    "stays": N_("Stays ended"),
    "median_days": N_("Median days"),
    "monitoring": N_("Monitoring reports (6 and 12 months)"),
    "overzicht1": N_("Change in Overview 1 between the first and the latest scoring"),
    "clients": N_("Clients with at least two final scorings"),
    "factor": N_("Factor"),
    "up": N_("Higher"),
    "same": N_("Same"),
    "down": N_("Lower"),
    "plus_change": N_("Median change in total +"),
    "minus_change": N_("Median change in total −"),
    "suppressed": N_("Counts from 1 to 4 are shown as “< 5”, and medians over fewer than 5 cases as “–”, so "
                     "that no number points at one person."),
    "hidden": N_("“x”: left out as well, so that a count shown as “< 5” cannot be worked out from a total and the "
                 "other counts."),
    "none": N_("–"),
}


def report_scope(c: Container, user: User) -> Scope:
    if user.role not in REPORT_ROLES:
        raise Forbidden(N_("Only coordinators see the organisation's reports."))
    return access.scope_of(c, user)


def date_param(value, name: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value).isoformat() if len(value) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str):
    raise BadRequest(N_("Give %(param)s as a date: YYYY-MM-DD."), params={"param": name}, path=name)


def period(c: Container, start, end) -> tuple[str, str]:
    """The period from the query (`from`, `to`; both optional): by default the twelve months up to today."""
    end = date_param(end, "to") or handovers.today(c)
    start = date_param(start, "from")
    if start is None:
        last = date.fromisoformat(end)
        year, month = (last.year, last.month - 11) if last.month > 11 else (last.year - 1, last.month + 1)
        start = date(year, month, 1).isoformat()
    if start > end:
        raise BadRequest(N_("The start of the period (%(param)s) must be on or before its end."),
                         params={"param": "from"}, path="from")
    if date.fromisoformat(end).year - date.fromisoformat(start).year > MAX_YEARS:
        raise BadRequest(N_("A period spans at most %(years)s years (%(param)s)."),
                         params={"years": MAX_YEARS, "param": "from"}, path="from")
    return start, end


def case_facts(c: Container, user: User, scope: Scope) -> Iterator[reports.CaseFacts]:
    """One CaseFacts per case in `scope`, read a case at a time; their steps from the audit trail's step events
    of the scope's cases (Store.case_steps), not the whole trail."""
    histories = c.store.case_steps(scope)
    by_case = defaultdict(list)
    for handover in handovers.list_for_user(c, user):
        by_case[handover.case_id].append(handover)
    today = handovers.today(c)
    overzicht1 = c.forms.get("overzicht-1")
    for case in c.store.iter_cases(scope):
        scorings, periods = [], {}
        for state in c.store.list_records(case.id):
            head = state.head
            period_of_report = report_period(head.form_id, head.status, head.data)
            if period_of_report:
                day = head.saved_at[:10]
                if period_of_report not in periods or day < periods[period_of_report]["date"]:
                    periods[period_of_report] = {"record_id": state.id, "date": day}
            elif head.form_id == overzicht1.id and head.status == "final" and scope.sees_record(state):
                scorings.append(state.view())
        history = histories.get(case.id) or [(case.created_at, case.step)]
        if history[-1][1] != case.step:  # a step the trail does not know of (an import): it holds from its update
            history = history + [(case.updated_at or case.created_at, case.step)]
        yield reports.CaseFacts(
            country=case.country_of_origin, opened=case.created_at, state=case.step, history=history,
            monitoring=[item for h in by_case.get(case.id, []) for item in schedule(h, periods, today)],
            scorings=overzicht1_history(scorings, overzicht1) if len(scorings) > 1 else None)


def summary(c: Container, user: User, start=None, end=None) -> dict:
    scope = report_scope(c, user)
    start, end = period(c, start, end)
    return reports.summarise(case_facts(c, user, scope), start, end, handovers.today(c))


# Downloads ---------------------------------------------------------------------------------------------------

class _Document:
    """The report's texts in one language: titles, step names, countries, numbers in that language's format."""

    def __init__(self, c: Container, lang: str):
        self.lang = lang
        self.gettext = translations_for(c.config["TRANSLATIONS_DIR"], lang).gettext
        self.printing = Printing((lang,), (self.gettext,))

    def t(self, key: str) -> str:
        return self.gettext(TITLES[key])

    def number(self, value) -> str:
        if value is None:
            return self.t("none")
        if value == reports.HIDDEN:
            return value
        if isinstance(value, str):  # "< 5"
            return reports.SMALL.replace(str(reports.THRESHOLD), format_decimal(reports.THRESHOLD, locale=self.lang))
        return format_decimal(value, locale=self.lang)

    def share(self, value) -> str:
        return self.t("none") if value is None else f"{format_decimal(round(value * 100), locale=self.lang)} %"

    def country(self, code: str) -> str:
        return self.printing.country(code)[0]

    def month(self, month: str) -> str:
        return format_date(date.fromisoformat(f"{month}-01"), "LLLL yyyy", locale=self.lang)


def _tables(figures: dict, doc: _Document) -> list[dict]:
    """The report as titled tables of texts and raw values: the one shape the XLSX and the PDF are made from.
    Each row is a list of (text, value) cells; value is a number or "< 5", or None for a text cell."""
    tr = doc.gettext

    def count(value):
        return (doc.number(value), value)

    def text(value: str):
        return (value, None)

    o1 = figures["overzicht1"]
    return [
        {"key": "steps", "title": doc.t("steps"), "columns": [doc.t("step"), doc.t("count")], "bars": 1,
         "rows": [[text(f"{s['step']} {tr(s['title'])}"), count(s["count"])] for s in figures["steps"]]},
        {"key": "months", "title": doc.t("months"), "columns": [doc.t("month"), doc.t("opened"), doc.t("closed")],
         "rows": [[text(doc.month(m["month"])), count(m["opened"]), count(m["closed"])] for m in figures["months"]]},
        {"key": "closures", "title": doc.t("closures"), "columns": [doc.t("closure"), doc.t("count")], "bars": 1,
         "rows": [[text(tr(CLOSURE_TITLES[k["kind"]])), count(k["count"])] for k in figures["closures"]]},
        {"key": "returns", "title": doc.t("returns"), "columns": [doc.t("country"), doc.t("count")], "bars": 1,
         "rows": [[text(doc.country(r["country"])), count(r["count"])] for r in figures["returns"]]},
        {"key": "step_days", "title": doc.t("step_days"),
         "columns": [doc.t("step"), doc.t("stays"), doc.t("median_days")],
         "rows": [[text(f"{s['step']} {tr(s['title'])}"), count(s["stays"]), count(s["median_days"])]
                  for s in figures["step_days"]]},
        {"key": "monitoring", "title": doc.t("monitoring"), "columns": ["", doc.t("count")],
         "rows": [[text(tr(MONITORING_TITLES[k])), count(v)] for k, v in figures["monitoring"].items()]},
        {"key": "overzicht1", "title": doc.t("overzicht1"), "columns": ["", doc.t("count")],
         "rows": [[text(doc.t("clients")), count(o1["clients"])],
                  [text(doc.t("plus_change")), count(o1["total_plus_median_change"])],
                  [text(doc.t("minus_change")), count(o1["total_minus_median_change"])]]},
        {"key": "factors", "title": doc.t("factor"),
         "columns": [doc.t("factor"), doc.t("up"), doc.t("same"), doc.t("down")],
         "rows": [[text(f"{tr(f['block_title'])}: {tr(f['title'])}"),
                   *[(f"{doc.number(f[k])} ({doc.share(f['share_' + k])})", f[k]) for k in reports.MOVES]]
                  for f in o1["factors"]]},
    ]


def _audit_download(c: Container, user: User, fmt: str, lang: str, start: str, end: str) -> None:
    audit.record(c, user, "export_report", format=fmt, lang=lang, **{"from": start, "to": end})


def report_file(c: Container, user: User, fmt, lang, start=None, end=None) -> tuple[str, str, bytes]:
    """(file name, media type, content) of the report as XLSX or PDF in `lang`."""
    if fmt not in ("xlsx", "pdf"):
        raise BadRequest(N_("Unknown format in %(param)s: choose one of %(allowed)s."),
                         params={"param": "format", "allowed": "json, xlsx, pdf"}, path="format")
    (lang,) = export.languages(c, lang, None)
    figures = summary(c, user, start, end)
    start, end = figures["period"]["from"], figures["period"]["to"]
    doc = _Document(c, lang)
    tables = _tables(figures, doc)
    org = c.store.get_org(user.org_id)
    name = f"report_{start}_{end}_{lang}.{fmt}"
    if fmt == "xlsx":
        content, media = _xlsx(tables, doc, start, end), XLSX_TYPE
    else:
        html = report_html(doc.printing, org.name if org else user.org_id, f"{doc.printing.date(start)} – "
                           f"{doc.printing.date(end)}", doc.number(figures["cases"]), tables, TITLES)
        head = Head(organisation=org.name if org else user.org_id, reference_label=doc.printing.tr(TITLES["report"]),
                    reference=f"{start} – {end}", country=("",), date=doc.printing.date(c.now()))
        content, _engine = export._render(c, html, doc.printing, head)  # noqa: SLF001 (the PDF engines, shared)
        media = "application/pdf"
    _audit_download(c, user, fmt, lang, start, end)
    return name, media, content


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(tables: list[dict], doc: _Document, start: str, end: str) -> bytes:
    """One sheet: the period, the note on suppression, then each table under its bold title and column heads.
    Made in memory (it holds a few hundred numbers), never on disk."""
    rows = SheetRows()

    def lines() -> Iterator[bytes]:
        yield rows.row([doc.t("period"), start, end])
        yield rows.row([doc.t("suppressed")])
        yield rows.row([doc.t("hidden")])
        for table in tables:
            yield rows.row([])
            yield rows.row([table["title"]], BOLD)
            yield rows.row(table["columns"], BOLD)
            for row in table["rows"]:
                # Numbers stay numbers (a spreadsheet calculates with them); "< 5" and "x" stay text.
                yield rows.row([value if value is not None and table["key"] != "factors" else text
                                for text, value in row])

    book = XlsxStream()
    return b"".join([*book.sheet(doc.t("report")[:31], lines(), widths={0: 60}), *book.close()])
