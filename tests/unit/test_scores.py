"""Overzicht 1 score history for the case view's chart, from several real overzicht-1 records."""
from pathlib import Path

from app.domain.forms import FormRegistry
from app.domain.scores import overzicht1_history

FORMS = FormRegistry(Path(__file__).resolve().parents[2] / "forms")
OVERZICHT = FORMS.get("overzicht-1")


def scoring(rid, scored_on, nl, coo, status="final", saved_at="2024-01-01T10:00:00Z"):
    data = {"status": "b8_3", "nl": {k: {"score": v} for k, v in nl.items()},
            "coo": {k: {"score": v} for k, v in coo.items()}}
    if scored_on:
        data["scored_on"] = scored_on
    prepared = FORMS.prepare(OVERZICHT, data, status)  # real validation, as the server stores it
    return {"id": rid, "form_id": "overzicht-1", "status": status, "data": prepared, "saved_at": saved_at}


def test_scores_per_factor_per_scoring_date_oldest_first():
    records = [
        scoring("second", "2024-06-01", {"f1": "+"}, {"f1": "--", "f2": "-"}),
        scoring("first", "2024-02-01", {"f1": "-", "f10": "++"}, {"f1": "--"}),
        {"id": "other", "form_id": "evaluation", "status": "final", "data": {}, "saved_at": "2024-03-01T00:00:00Z"},
    ]
    history = overzicht1_history(records, OVERZICHT)
    assert [p["record_id"] for p in history["scorings"]] == ["first", "second"]
    assert [p["date"] for p in history["scorings"]] == ["2024-02-01", "2024-06-01"]
    assert [(p["minus"], p["plus"]) for p in history["scorings"]] == [(3, 2), (3, 1)]
    by_factor = {f["pointer"]: f for f in history["factors"]}
    assert len(by_factor) == 20
    assert by_factor["/nl/f1"]["scores"] == [-1, 1]
    assert by_factor["/nl/f10"]["scores"] == [2, None]
    assert by_factor["/coo/f2"]["scores"] == [None, -1]
    assert by_factor["/coo/f1"]["title"] == "Safety in the country of origin (personal and for family)"
    assert by_factor["/coo/f1"]["block_title"] == OVERZICHT.schema["properties"]["coo"]["title"]


def test_drafts_are_left_out_and_a_missing_date_falls_back_to_the_save_day():
    records = [scoring("draft", "2024-02-01", {"f1": "-"}, {}, status="draft"),
               scoring("undated", None, {"f1": "++"}, {}, saved_at="2024-09-09T08:00:00Z")]
    history = overzicht1_history(records, OVERZICHT)
    assert [(p["record_id"], p["date"]) for p in history["scorings"]] == [("undated", "2024-09-09")]


def test_no_scorings_gives_empty_series():
    history = overzicht1_history([], OVERZICHT)
    assert history["scorings"] == [] and all(f["scores"] == [] for f in history["factors"])
