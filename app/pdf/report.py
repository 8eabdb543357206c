"""The HTML of the coordinator's report (services/reports.py): its tables of counts, with a bar beside each
count of a bar table. Separate from the record printouts; same stylesheet, same engines."""
from __future__ import annotations

from markupsafe import Markup

from .base import asset_text
from .document import Printing, _css
from . import templates


def _bar_widths(tables: list[dict]) -> None:
    """Each row of a bar table gets `bar`: its count as a share of the table's largest (a suppressed count,
    "< 5", gets no bar)."""
    for table in tables:
        if not table.get("bars"):
            continue
        values = [row[1][1] for row in table["rows"] if isinstance(row[1][1], (int, float))]
        top = max(values, default=0) or 1
        for row in table["rows"]:
            value = row[1][1]
            row.append(round(100 * value / top) if isinstance(value, (int, float)) else 0)


def report_html(printing: Printing, organisation: str, period: str, cases: str, tables: list[dict],
                titles: dict) -> str:
    _bar_widths(tables)
    tr = printing.gettexts[0]
    return templates.render("pdf/report.html", css=_css() + Markup(asset_text("report.css")),
                            langs=printing.langs, organisation=organisation, period=period, cases=cases,
                            tables=tables, titles={k: tr(v) for k, v in titles.items()},
                            date=printing.date)
