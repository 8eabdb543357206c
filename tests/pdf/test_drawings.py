"""The genogram and the ecogram print as drawings (inline SVG, vectors) with both engines, their legend in the
printout's language; the people's names stand in the drawing and the lists as in the app, never their ids. PNG
renders of the pages go to test-artifacts/screenshots/pdf/ for a person to look at. A version 1 record still
prints, as a list."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from .helpers import has, pdf_text, save_artifact, squash
from .test_export import get_pdf, save

YORUBA = "Adéṣọlá Ọ̀yọ́"
EXAMPLES = Path(__file__).resolve().parents[1] / "forms" / "examples"
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def translations_dir(tmp_path) -> Path:
    """The project's own catalogs (a copy: the app compiles .mo files in it): the legend is in every language."""
    target = tmp_path / "translations"
    shutil.copytree(PROJECT / "translations", target)
    return target


def example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))["valid"]


def vector_paths(pdf: bytes) -> int:
    """How many stroked or filled paths the first page draws (poppler's SVG output of page 1, counted)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "page.svg"
        subprocess.run(["pdftocairo", "-svg", "-f", "1", "-l", "1", "-", str(out)], input=pdf, check=True, timeout=60)
        return out.read_text(encoding="utf-8").count("<path")


LEGEND = {
    "genogram": {"en": ["Legend", "Deceased", "Living together", "Broken contact"],
                 "nl": ["Legenda", "Overleden", "Samenwonend", "Verbroken contact"],
                 "bg": ["Легенда", "Починал", "Съжителстват"]},
    "ecogram": {"en": ["Legend", "Strong", "Strained", "E = Emotional support (affective function)"],
                "nl": ["Legenda", "Sterk", "Belast"],
                "bg": ["Легенда", "Силна"]},
}


@pytest.mark.parametrize("form_id", ["genogram", "ecogram"])
def test_the_drawing_prints_as_vectors_with_its_legend_in_each_language(engine, counsellor, form_id):
    case_id = counsellor.new_case(code="NG-0016")
    data = example(f"{form_id}.v2")
    if form_id == "genogram":
        data["persons"][6]["name"] = YORUBA  # the client: a name with tone marks, in the drawing too
    record_id = save(counsellor, case_id, data, form_id=form_id, status="final", form_version=2)
    for lang, words in LEGEND[form_id].items():
        r = get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang={lang}")
        save_artifact(f"{form_id}-drawing-{lang}-{engine}", r.data, pages=2)
        text = pdf_text(r.data, 1, 2)
        for word in words:
            assert has(text, word), (lang, word)
        assert vector_paths(r.data) > 40  # the shapes and lines, drawn, not an image
        if form_id == "genogram":  # the names are HTML text over the SVG: shaped, tone marks in place
            assert squash(YORUBA) in squash(pdf_text(r.data, 1, 2, raw=True))
    text = pdf_text(get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang=en").data)
    people = data["persons"] if form_id == "genogram" else data["contacts"]
    for person in people:
        assert has(text, person["name"]), person["name"]
    if form_id == "genogram":
        # Links print as names: the ids stay inside the record.
        assert not has(text, "Identifier") and not has(text, "brother,")
        # her own row, the drawing, three children's parents, two couples, two relationship lines, one event
        assert squash(text).count("MamaJ.") >= 9
    else:
        assert not has(text, "Family member from the genogram")


def test_a_version_1_genogram_still_prints_as_a_list(engine, counsellor):
    case_id = counsellor.new_case(code="NG-0017")
    data = example("genogram.v1")
    record_id = save(counsellor, case_id, data, form_id="genogram", status="final", form_version=1)
    r = get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang=en")
    save_artifact(f"genogram-v1-{engine}", r.data, pages=1)
    text = pdf_text(r.data)
    assert has(text, "version 1") or has(text, "Version 1")
    assert has(text, "Mama J.") and has(text, "Arranged the journey.") and not has(text, "Legend")
