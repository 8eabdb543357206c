"""Overzicht 1 scores over time: the data behind the chart in the case view.

Overzicht 1 is scored again at every evaluation (step 7) and decision moment (step 8), so a case holds several
overzicht-1 records; the chart shows how each factor's score moved between them.
"""
from __future__ import annotations

from datetime import date
from typing import Iterable, Mapping

from .forms import Form, compute

# The `--`/`-`/`+`/`++` scale as numbers for a chart axis.
SCORE_VALUES = {"--": -2, "-": -1, "+": 1, "++": 2}


def _scoring_date(record: Mapping) -> str:
    """The date the client scored (`scored_on`), else the day the record was saved."""
    scored_on = record["data"].get("scored_on")
    try:
        return date.fromisoformat(scored_on).isoformat()
    except (TypeError, ValueError):
        return (record.get("saved_at") or "")[:10]


def overzicht1_history(records: Iterable[Mapping], form: Form) -> dict:
    """Each factor's score per scoring, oldest scoring first, from the case's final Overzicht 1 records.

    `records` are record views (id, form_id, status, data, saved_at); drafts are left out because a half-finished
    scoring would show as a change. `form` is the current overzicht-1 form: its `score-matrix` blocks give the
    factors, in order, with their titles (msgids). A factor left unscored in a scoring is None.
    """
    blocks = [(key, prop) for key, prop in form.schema["properties"].items() if prop.get("x-layout") == "score-matrix"]
    scorings = sorted((r for r in records if r["form_id"] == form.id and r["status"] == "final"),
                      key=lambda r: (_scoring_date(r), r.get("saved_at") or ""))
    block_pointers = [f"/{key}" for key, _ in blocks]
    points = [{"record_id": r["id"], "date": _scoring_date(r), "occasion": r["data"].get("occasion"),
               "minus": compute("score_minus", block_pointers, r["data"]),
               "plus": compute("score_plus", block_pointers, r["data"])} for r in scorings]
    factors = []
    for block_key, block in blocks:
        for factor_key, factor in block["properties"].items():
            values = []
            for r in scorings:
                answer = r["data"].get(block_key, {}).get(factor_key, {})
                values.append(SCORE_VALUES.get(answer.get("score")) if isinstance(answer, dict) else None)
            factors.append({"pointer": f"/{block_key}/{factor_key}", "block": block_key, "block_title": block["title"],
                            "title": factor["title"], "scores": values})
    return {"scorings": points, "factors": factors}
