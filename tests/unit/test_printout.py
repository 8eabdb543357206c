"""The printable structure built from a schema (app/domain/printout.py), without an engine."""
from __future__ import annotations

import json
from pathlib import Path

from app.domain import printout
from app.domain.printout import Answer, ScoreMatrix, Section, Table

PROJECT = Path(__file__).resolve().parents[2]
OVERZICHT1 = json.loads((PROJECT / "forms" / "overzicht-1.schema.json").read_text())
LONG_PLAN = json.loads((PROJECT / "tests" / "pdf" / "fixtures" / "forms" / "long-plan.schema.json").read_text())
NL = {"Residence status": "Verblijfsstatus", "B8/3": "B8/3 (nl)", "Yes": "Ja", "In a shelter": "In een opvang",
      "Housing": "Wonen", "(Perceived) possibilities in the country of origin": "(Beeld) land van herkomst"}


def tr_en(msgid):
    return (msgid,)


def tr_en_nl(msgid):
    return (msgid, NL.get(msgid, msgid))


def by_label(items, text):
    return next(i for i in items if i.label and i.label[0] == text)


def test_labels_come_translated_in_every_language_and_answers_stay_as_typed():
    items = printout.build("overzicht-1", OVERZICHT1, {"status": "b8_3", "occasion": "Na het <b>besluit</b>"},
                           tr_en_nl)
    matrix = items[-1]
    status = matrix.start[0]
    assert status.label == ("Residence status", "Verblijfsstatus") and status.value == ("B8/3", "B8/3 (nl)")
    assert by_label(items, "Occasion (for example: first future conversation, after a decision of the immigration "
                           "service)").value == "Na het <b>besluit</b>"


def test_overzicht1_layout_has_the_start_both_blocks_totals_and_notes():
    data = {"status": "other", "status_other": "Asiel", "status_note": "Toelichting",
            "nl": {"f1": {"score": "++", "note": "Veilig"}, "f4": {"score": "-"}},
            "coo": {"f1": {"score": "--"}, "f2": {"score": "+"}, "f7": {"score": "-"}},
            "totals": {"total_minus": 99}}  # stored totals are ignored: they are recomputed
    items = printout.build("overzicht-1", OVERZICHT1, data, tr_en)
    matrix = items[-1]
    assert isinstance(matrix, ScoreMatrix) and matrix.layout == "overzicht-1"
    assert [a.label[0] for a in matrix.start] == ["Residence status", "Other residence status, namely",
                                                  "Explain this factor here:"]
    nl, coo = matrix.blocks
    assert len(nl.rows) == len(coo.rows) == 10
    assert (nl.minus, nl.plus, coo.minus, coo.plus, matrix.minus, matrix.plus) == (1, 2, 3, 1, 4, 3)
    assert nl.rows[0].score_label == ("Very positive",) and nl.rows[1].score is None
    assert [a.value for a in matrix.summary] == ["5"]
    notes = matrix.explanations.items[0].items
    assert notes[0].label == ("Safety in the Netherlands (personal and for family)",) and notes[0].value == "Veilig"
    assert notes[1].empty and notes[1].kind == "longtext"
    assert [i.label[0] for i in items[:-1]] == ["Date of this scoring", "Occasion (for example: first future "
                                                "conversation, after a decision of the immigration service)"]


def test_show_if_hides_what_does_not_apply():
    shelter = printout.build("long-plan", LONG_PLAN, {"housing": {"situation": "shelter", "situation_other": "x",
                                                                 "shelter_name": "Ilé"}}, tr_en)
    housing = [a.label[0] for a in by_label(shelter, "Housing after return").items]
    assert "Name of the shelter" in housing and "Where else?" not in housing
    other = printout.build("long-plan", LONG_PLAN, {"housing": {"situation": "other"}}, tr_en)
    housing = [a.label[0] for a in by_label(other, "Housing after return").items]
    assert "Where else?" in housing and "Name of the shelter" not in housing


def test_arrays_become_tables_repeated_blocks_choices_and_lists():
    data = {"needs": ["shelter", "legal_help", "retired_key"],
            "actions": [{"what": "Call", "done": True}, {"who": "Ada"}],
            "contacts": [{"organisation": "NGO", "role": "Long\ntext"}],
            "health": {"medication": {"names": ["A", " "]}}}
    items = printout.build("long-plan", LONG_PLAN, data, tr_en_nl)
    needs = by_label(items, "Support needed")
    assert needs.kind == "choices" and needs.value == [("Shelter", "Shelter"), ("Legal help", "Legal help"),
                                                       ("retired_key",)]
    actions = by_label(items, "Actions")
    assert isinstance(actions, Table) and [c[0] for c in actions.columns] == ["What", "Who", "By when", "Done"]
    assert actions.rows[0][3].value == ("Yes", "Ja") and actions.rows[1][0].empty and actions.rows[1][1].value == "Ada"
    contacts = by_label(items, "Contacts abroad")
    assert isinstance(contacts, Section) and contacts.items[0].label == ("Contact 1", "Contact 1")
    assert contacts.items[0].items[1].kind == "longtext"
    names = by_label(by_label(by_label(items, "Health").items, "Medication").items, "Medicines")
    assert names.kind == "list" and names.value == ["A"]


def test_empty_answers_are_marked_empty():
    items = printout.build("long-plan", LONG_PLAN, {"safety": "   ", "needs": [], "actions": []}, tr_en)
    for label in ("Safety plan", "Support needed", "Actions", "Date of the plan", "Evaluation after three months"):
        assert by_label(items, label).empty, label
    assert by_label(items, "Safety plan").kind == "longtext"


def test_a_reference_to_another_instrument_prints_its_label():
    refer = {"overzicht-1": OVERZICHT1}.get
    items = printout.build("long-plan", LONG_PLAN, {"factor": "/coo/f4"}, tr_en_nl, refer)
    assert by_label(items, "Factor this plan works on").value == (
        "(Perceived) possibilities in the country of origin: Housing", "(Beeld) land van herkomst: Wonen")
    unknown = printout.build("long-plan", LONG_PLAN, {"factor": "/coo/f99"}, tr_en, refer)
    assert by_label(unknown, "Factor this plan works on").value == ("/coo/f99",)


def test_social_map_ids_print_as_organisation_names():
    names = {"org-1": "Ilé Ààbò Foundation"}.get
    items = printout.build("long-plan", LONG_PLAN, {"partners_socialmap": ["org-1", "gone"]}, tr_en,
                           organisation=names)
    assert by_label(items, "Partner organisations from the social map").value == ["Ilé Ààbò Foundation", "gone"]


def test_a_country_grid_is_a_table_with_named_rows_followed_by_the_other_answers():
    data = {"background": {"education": {"country_of_origin": "School", "netherlands": "Course"},
                           "work": {"netherlands": "Cleaning"}, "cv_made": True}}
    section = by_label(printout.build("long-plan", LONG_PLAN, data, tr_en), "Background: what have you done so far")
    grid, cv = section.items
    assert isinstance(grid, Table) and grid.label is None
    assert [c[0] for c in grid.columns] == ["Country of origin", "Netherlands"]
    assert [r[0] for r in grid.row_labels] == ["Education", "Work experience"]
    assert [[a.value for a in row] for row in grid.rows] == [["School", "Course"], [None, "Cleaning"]]
    assert grid.rows[1][0].kind == "longtext" and cv.value == ("Yes",)


def test_a_score_matrix_in_another_instrument_gets_the_generic_layout():
    schema = {"type": "object", "properties": {"block": {
        "title": "Strengths", "type": "object", "x-layout": "score-matrix", "properties": {
            "a": {"title": "Family", "type": "object", "properties": {
                "score": {"type": "string", "enum": ["--", "-", "+", "++"],
                          "x-enumLabels": ["Very negative", "Negative", "Positive", "Very positive"]},
                "note": {"title": "Note", "type": "string", "maxLength": 20000, "x-widget": "textarea"}}}}}}}
    (matrix,) = printout.build("other-form", schema, {"block": {"a": {"score": "+", "note": "ok"}}}, tr_en)
    assert isinstance(matrix, ScoreMatrix) and matrix.layout == "score-matrix" and matrix.start == []
    assert (matrix.minus, matrix.plus) == (0, 1)
    assert matrix.explanations.items[0].items == [Answer(("Family",), "longtext", "ok")]
