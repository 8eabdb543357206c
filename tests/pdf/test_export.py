"""GET /api/v1/records/<id>/pdf and /api/v1/cases/<id>/pdf, end to end through the real engines."""
from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from babel.dates import format_date

from tests.conftest import change, overzicht1

from .helpers import Filler, fill_valid, has, page_count, pdf_text, save_artifact, squash, watched_server

YORUBA = "Ọ̀yọ́ ẹ̀gbọ́n àárọ̀ Adéṣọlá ẹ ọ ṣ"
CYRILLIC = "Дългове към трафикантите; семейството е заплашено."


def save(api, case_id, data, form_id="overzicht-1", status="draft", form_version=1) -> str:
    record_id = str(uuid.uuid4())
    r = api.put(f"/api/v1/records/{record_id}", change(case_id, data, status=status, form_id=form_id,
                                                       form_version=form_version))
    assert r.status_code == 201, r.json
    return record_id


def filled_overzicht1() -> dict:
    data = overzicht1(nl_f1="++", nl_f2="+", nl_f4="-", coo_f1="--", coo_f4="+", coo_f7="-")
    data.update(scored_on="2025-03-03", occasion="Eerste toekomstgesprek na het besluit",
                status_note=f"Wacht op besluit. {YORUBA}")
    data["nl"]["f1"]["note"] = "Voelt zich veilig in de opvang."
    data["coo"]["f1"]["note"] = CYRILLIC
    return data


def get_pdf(api, url):
    r = api.get(url)
    assert r.status_code == 200, r.get_json()
    assert r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    return r


def test_a_record_prints_in_each_language_with_its_answers(engine, counsellor, app):
    case_id = counsellor.new_case(code="NG-0042")
    record_id = save(counsellor, case_id, filled_overzicht1())
    expected = {
        "nl": ["Verblijfsstatus", "Veiligheid in Nederland (persoonlijk en voor familie)", "Zeer positief",
               "Vertrouwelijk", "Cliëntcode", "niet ingevuld", "Totaal", "Uitgangspositie", "Scoregrafiek"],
        "bg": ["Статут на пребиваване", "Безопасност в Нидерландия (лична и за семейството)", "Много положително",
               "Поверително", "Код на клиента", "не е попълнено", "Общо", "Изходна позиция", "Графика на оценките"],
        "en": ["Residence status", "Safety in the Netherlands (personal and for family)", "Very positive",
               "Confidential", "Client code", "not filled in", "Total", "Starting position", "Score chart"],
    }
    page_word = {"nl": "Pagina 1 van", "bg": "Страница 1 от", "en": "Page 1 of"}
    # The date answer (2025-03-03) as the document's language writes dates.
    scored_on = {"nl": "3 maart 2025", "bg": "3 март 2025 г.", "en": "March 3, 2025"}
    for lang, labels in expected.items():
        r = get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang={lang}")
        save_artifact(f"overzicht-1-{lang}-{engine}", r.data)
        text = pdf_text(r.data)
        for label in labels + [page_word[lang]]:
            assert has(text, label), (lang, label)
        others = [labels[0] for other, labels in expected.items() if other != lang]
        assert not any(has(text, label) for label in others), f"{lang} shows another language's label"
        # The answers, as typed, and the scores with their totals (nl: ++ +  -, coo: -- + -).
        for answer in ("NG-0042", "Eerste toekomstgesprek na het besluit", "Voelt zich veilig in de opvang.",
                       CYRILLIC, scored_on[lang], "B8/3", "− 1", "+ 3", "− 3", "+ 1", "− 4", "+ 4"):
            assert has(text, answer), (lang, answer)
        assert not has(text, "2025-03-03"), f"{lang}: a date printed as stored"

        raw = squash(pdf_text(r.data, raw=True))
        for word in YORUBA.split():
            assert squash(word) in raw, (lang, word)
        assert r.headers["X-PDF-Engine"] == engine
        disposition = r.headers["Content-Disposition"]
        assert disposition == f'attachment; filename="overzicht-1_{case_id[:8]}_{record_id[:8]}_{lang}.pdf"'
    events = [e for e in app.extensions["safefuture"].store.audit_events(case_id) if e.action == "export_pdf"]
    assert [(e.record_id, e.details["lang"], e.details["engine"]) for e in events] == \
        [(record_id, lang, engine) for lang in expected]
    assert all(e.actor_id == counsellor.user["id"] and e.at for e in events)


def test_two_languages_side_by_side(engine, counsellor):
    case_id = counsellor.new_case(code="BG-7")
    record_id = save(counsellor, case_id, filled_overzicht1())
    r = get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang=nl&lang2=bg")
    save_artifact(f"overzicht-1-nl-bg-{engine}", r.data)
    text = pdf_text(r.data, 1, 1)
    for nl, bg in [("Verblijfsstatus", "Статут на пребиваване"), ("Cliëntcode", "Код на клиента"),
                   ("Vertrouwelijk", "Поверително"), ("Pagina 1 van", "Страница 1 от"),
                   ("(Beeld) Mogelijkheden in Nederland", "(Възприемани) възможности в Нидерландия")]:
        assert has(text, nl) and has(text, bg), (nl, bg)
    # A date in each reader's language: an answer, and the day the record was last saved.
    assert has(text, "3 maart 2025") and has(text, "3 март 2025 г.") and not has(text, "2025-03-03")
    saved = format_date(datetime.now(timezone.utc).date(), "long", locale="bg")
    assert has(text, saved), saved
    assert r.headers["Content-Disposition"].endswith(f'_{record_id[:8]}_nl-bg.pdf"')


def hostile(port: int, secret: str) -> str:
    return (f'<img src="file:///etc/passwd"><img src="file://{secret}">'
            f'<iframe src="http://127.0.0.1:{port}/iframe"></iframe>'
            f'<link rel=attachment href="file://{secret}">'
            f'<script>document.write("SCRIPT_RAN")</script>')


def test_markup_typed_into_every_text_field_stays_text(engine, counsellor):
    # No hyphens in the payload: pdftotext joins a word broken at a line-end hyphen and drops the hyphen.
    secret = Path(tempfile.mkdtemp(prefix="sfsecret")) / "secret.txt"
    secret.write_text("SECRET-FILE-CONTENT-41f0")
    case_id = counsellor.new_case()
    with watched_server() as (port, hits):
        payload = hostile(port, str(secret))
        data = overzicht1(status="other", nl_f1="+", coo_f2="--")
        data.update(occasion=payload, status_other=payload, status_note=payload)
        for block in ("nl", "coo"):
            for n in range(1, 11):
                data[block].setdefault(f"f{n}", {})["note"] = payload
        record_id = save(counsellor, case_id, data)
        r = get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang=en")
        time.sleep(0.2)
        assert hits == []
    save_artifact(f"hostile-fields-{engine}", r.data)
    # Without the page footers: a field that runs onto the next page has the footer in the middle of its text
    # (pdftotext may even put the footer on one line with the text cut at the foot of the page).
    text = squash(re.sub(r"Confidential · C-\w{6}|Page \d+ of \d+", "", pdf_text(r.data)))
    fields = 3 + 20
    assert text.count(squash(payload)) == fields, "every field must show its markup as literal text"
    assert text.count("SCRIPT_RAN") == fields, "the script must not have run"
    assert "root:x:0:0" not in text and "SECRET-FILE-CONTENT" not in text and "FETCHED-FROM" not in text
    assert b"/EmbeddedFiles" not in r.data and b"SECRET-FILE-CONTENT" not in r.data
    shutil.rmtree(secret.parent)


def long_plan() -> dict:
    paragraph = ("The client and the counsellor went through every step of the return together; " * 12).strip()
    return {
        "made_on": "2025-05-01",
        "language": "yo",
        "consent_to_share": True,
        "background": {"education": {"country_of_origin": "Secondary school in Benin City", "netherlands": ""},
                       "work": {"country_of_origin": "\n".join([paragraph] * 6) + "\nEND-OF-GRID-CELL",
                                "netherlands": "Cleaning work"},
                       "cv_made": False},
        "housing": {"situation": "shelter", "shelter_name": "Ilé Ààbò Ẹ̀kọ́", "situation_other": "HIDDEN-BY-SHOWIF",
                    "plan": "\n\n".join(f"{n}. {paragraph}" for n in range(1, 19)) + "\nEND-OF-HOUSING-PLAN"},
        "needs": ["airport_pickup", "medical_help"],
        "actions": [{"what": f"Step {n}: call the partner", "who": "Adéṣọlá", "when": "2025-06-01", "done": n % 2 == 0}
                    for n in range(1, 9)],
        "contacts": [{"organisation": "Partner NGO Lagos", "role": f"{YORUBA}\n" + paragraph},
                     {"organisation": "Фондация Шипка", "role": CYRILLIC}],
        "partners_socialmap": ["b11-ng-cosudow-nigeria-committee-for-the-support", "no-longer-on-the-map"],
        "factor": "/coo/f4",
        "health": {"care_needed": "", "medication": {"names": ["Paracetamol"], "supply_weeks": 6}},
        "safety": "\n".join(paragraph for _ in range(10)) + "\nEND-OF-SAFETY-PLAN",
    }


def test_a_long_action_plan_wraps_across_pages(engine, counsellor):
    case_id = counsellor.new_case(code="NG-LONG")
    record_id = save(counsellor, case_id, long_plan(), form_id="long-plan")
    r = get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang=en")
    save_artifact(f"long-plan-{engine}", r.data, pages=3)
    pages = page_count(r.data)
    assert 6 <= pages <= 16, pages
    text = pdf_text(r.data)
    for phrase in ("Synthetic personal action plan (test instrument)", "Housing after return", "In a shelter",
                   "END-OF-HOUSING-PLAN", "END-OF-SAFETY-PLAN", "Pick-up at the airport",
                   "Medical help", "Yes", "Step 8: call the partner", "Contact 1", "Contact 2", "Фондация Шипка",
                   CYRILLIC, "Paracetamol", "6", "(Perceived) possibilities in the country of origin: Housing",
                   "Background: what have you done so far", "Education", "Work experience",
                   "Secondary school in Benin City", "END-OF-GRID-CELL", "Cleaning work", "No",
                   "COSUDOW Nigeria (Committee for the Support of Dignity of Women)", "no-longer-on-the-map"):
        assert has(text, phrase), phrase
    assert not has(text, "HIDDEN-BY-SHOWIF") and not has(text, "Where else?")
    # Unanswered fields show as such: the grid cell, care needed, evaluation.
    assert squash(text).count(squash("not filled in")) >= 3
    raw = squash(pdf_text(r.data, raw=True))
    for word in [*YORUBA.split(), "Ilé", "Ààbò", "Ẹ̀kọ́"]:
        assert squash(word) in raw, word
    for n in range(1, pages + 1):
        assert has(pdf_text(r.data, n, n), f"Page {n} of {pages}"), n


def test_a_dossier_prints_the_chosen_records_after_a_cover(engine, counsellor, app):
    case_id = counsellor.new_case(code="NG-DOS")
    first = save(counsellor, case_id, filled_overzicht1())
    plan = save(counsellor, case_id, long_plan(), form_id="long-plan")
    third = save(counsellor, case_id, overzicht1(status="undocumented", nl_f3="--"), status="final")
    r = get_pdf(counsellor, f"/api/v1/cases/{case_id}/pdf?lang=nl&records={third},{first}")
    save_artifact(f"dossier-nl-{engine}", r.data, pages=3)
    cover = pdf_text(r.data, 1, 1)
    for phrase in ("Dossier", "Inhoud", "NG-DOS", "Land van herkomst", "Nigeria", "Definitief", "Concept"):
        assert has(cover, phrase), phrase
    assert squash(cover).count(squash("Overzicht 1: factoren")) == 2
    text = pdf_text(r.data)
    assert not has(text, "Synthetic personal action plan"), "a record that was not chosen was printed"
    assert squash(text).index(squash("undocumented")) < squash(text).index(squash("Eerste toekomstgesprek"))
    assert r.headers["Content-Disposition"] == f'attachment; filename="dossier_{case_id[:8]}_nl.pdf"'
    everything = get_pdf(counsellor, f"/api/v1/cases/{case_id}/pdf?lang=en")
    assert has(pdf_text(everything.data), "Synthetic personal action plan")
    events = [e for e in app.extensions["safefuture"].store.audit_events(case_id) if e.action == "export_pdf"]
    assert [e.details["record_ids"] for e in events] == [[third, first], [first, plan, third]]
    assert all(e.record_id is None and e.details["engine"] == engine for e in events)


def test_a_record_of_an_older_form_version_prints_with_that_versions_labels(engine, counsellor, app, forms_dir):
    case_id = counsellor.new_case()
    record_id = save(counsellor, case_id, filled_overzicht1())
    # Version 2 of the instrument renames a label; version 1 moves to the archive, as forms/README.md says.
    schema = json.loads((forms_dir / "overzicht-1.schema.json").read_text())
    (forms_dir / "archive").mkdir(exist_ok=True)
    (forms_dir / "archive" / "overzicht-1@1.schema.json").write_text(json.dumps(schema))
    schema["version"] = 2
    schema["properties"]["status"]["title"] = "Residence permit (renamed in version 2)"
    (forms_dir / "overzicht-1.schema.json").write_text(json.dumps(schema))
    from app.domain.forms import FormRegistry
    app.extensions["safefuture"].forms = FormRegistry(forms_dir)
    r = get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang=en")
    text = pdf_text(r.data)
    assert has(text, "Residence status") and not has(text, "renamed in version 2")
    assert has(text, "overzicht-1, Version 1")


def test_a_record_with_an_unresolved_conflict_says_so(engine, counsellor):
    case_id = counsellor.new_case()
    record_id = str(uuid.uuid4())
    first = counsellor.put(f"/api/v1/records/{record_id}", change(case_id, overzicht1(nl_f1="+"))).json["rev"]
    counsellor.put(f"/api/v1/records/{record_id}", change(case_id, overzicht1(nl_f1="++"), base_rev=first))
    conflict = counsellor.put(f"/api/v1/records/{record_id}", change(case_id, overzicht1(nl_f1="--"), base_rev=first))
    assert conflict.status_code == 409
    text = pdf_text(get_pdf(counsellor, f"/api/v1/records/{record_id}/pdf?lang=en").data)
    assert has(text, "nobody has resolved yet") and has(text, "Very positive") and not has(text, "Very negative")


def test_an_empty_case_prints_a_cover_that_says_so(engine, counsellor):
    case_id = counsellor.new_case(code="EMPTY-1")
    r = get_pdf(counsellor, f"/api/v1/cases/{case_id}/pdf?lang=bg")
    assert page_count(r.data) == 1
    text = pdf_text(r.data)
    assert has(text, "EMPTY-1") and has(text, "Досие") and has(text, "This dossier holds no records.")


def test_every_instrument_prints_every_answer(engine, counsellor, app):
    """A dossier with one record of each current instrument, every field that always shows filled in."""
    c = app.extensions["safefuture"]
    case_id = counsellor.new_case(code="ALL-FORMS")
    filler, titles, expected = Filler(), [], []
    for form in sorted(c.forms.current(), key=lambda f: f.id):
        data = fill_valid(c.forms, form, filler)
        save(counsellor, case_id, data, form_id=form.id, form_version=form.version)
        titles.append(form.title)
        expected.extend(re.findall(r"qv\d+qv", json.dumps(data)))
    r = get_pdf(counsellor, f"/api/v1/cases/{case_id}/pdf?lang=en")
    save_artifact(f"dossier-all-instruments-{engine}", r.data, pages=3)
    text = squash(pdf_text(r.data))
    missing_titles = [t for t in titles if squash(t) not in text]
    assert not missing_titles
    present = {token for token in re.findall(r"qv\d+qv", text)}
    missing = [t for t in expected if t not in present]
    assert len(titles) >= 8 and len(expected) > 200
    assert not missing, f"{len(missing)} answers are missing from the PDF, e.g. {missing[:10]}"


def test_an_empty_note_prints_in_one_line_and_an_empty_section_as_its_title(engine, counsellor):
    case_id = counsellor.new_case(code="NG-EMPTY")
    save(counsellor, case_id, overzicht1(nl_f4="+"))  # no notes
    plan = long_plan()
    del plan["health"]  # a section nothing of which is required
    save(counsellor, case_id, plan, form_id="long-plan")
    r = get_pdf(counsellor, f"/api/v1/cases/{case_id}/pdf?lang=nl")
    save_artifact(f"empty-note-and-section-{engine}", r.data, pages=4)
    lines = pdf_text(r.data).splitlines()
    # The note of factor 4 ("Wonen", scored, so its matrix row says nothing of a note): label and "not filled in"
    # side by side, not a box under the label.
    assert any("Wonen" in line and "niet ingevuld" in line for line in lines)
    health = next(n for n, line in enumerate(lines) if line.strip() == "Health")
    following = [line.strip() for line in lines[health + 1:] if line.strip()]
    assert following[0] == "niet ingevuld", following[:3]
    text = pdf_text(r.data)
    assert not has(text, "Care needed after return") and not has(text, "Weeks of supply taken along")


def test_a_dossier_printed_again_renders_only_what_changed(engine, counsellor, app):
    case_id = counsellor.new_case(code="NG-AGAIN")
    save(counsellor, case_id, filled_overzicht1())
    changing = str(uuid.uuid4())
    rev = counsellor.put(f"/api/v1/records/{changing}", change(case_id, overzicht1(nl_f1="+"))).json["rev"]
    url = f"/api/v1/cases/{case_id}/pdf?lang=en"
    first = pdf_text(get_pdf(counsellor, url).data)
    cache = app.extensions["safefuture"].extras["pdf_cache"]
    parts = len(cache)
    assert parts == (3 if engine == "weasyprint" else 1)  # cover and records apart, or one document
    assert pdf_text(get_pdf(counsellor, url).data) == first and len(cache) == parts
    data = overzicht1(nl_f1="+")
    data["occasion"] = "CHANGED-AFTER-THE-FIRST-PRINT"
    counsellor.put(f"/api/v1/records/{changing}", change(case_id, data, base_rev=rev))
    again = pdf_text(get_pdf(counsellor, url).data)
    assert has(again, "CHANGED-AFTER-THE-FIRST-PRINT") and not has(first, "CHANGED-AFTER-THE-FIRST-PRINT")
    # WeasyPrint rendered the changed record only (the cover shows the day it was saved: the same); wkhtmltopdf
    # the whole dossier.
    assert len(cache) == parts + 1
