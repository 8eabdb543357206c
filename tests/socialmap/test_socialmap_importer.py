"""The importer on a verbatim excerpt of the seed (tests/socialmap/fixtures/README.md lists its lines)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from socialmap import importer
from socialmap.importer import OverrideError, apply_overrides, parse_seed
from socialmap.search import load_organisations
from socialmap.seedtext import SeedFormatError, read_seed
from socialmap.services import SERVICE_KEYS

FIXTURE = Path(__file__).parent / "fixtures" / "seed_excerpt.txt"
ALL = set(SERVICE_KEYS)


@pytest.fixture(scope="module")
def records() -> dict[str, dict]:
    return {r["id"]: r for r in parse_seed(read_seed(FIXTURE))}


def by_name(records: dict[str, dict], name_start: str) -> dict:
    """The one record with this name, or else the one whose name starts with it."""
    exact = [r for r in records.values() if r["name"] == name_start]
    [record] = exact or [r for r in records.values() if r["name"].startswith(name_start)]
    return record


def test_every_part_of_the_excerpt_is_imported(records):
    counts: dict[str, int] = {}
    for r in records.values():
        counts[r["appendix"]] = counts.get(r["appendix"], 0) + 1
    assert counts == {"11": 3, "12": 1, "13": 2, "14": 14, "other-contacts": 7, "network": 4}


def test_line_numbers_count_newlines_only(records):
    # The excerpt holds U+2028 (which str.splitlines() treats as a break) before most records.
    text = FIXTURE.read_text(encoding="utf-8")
    assert "\u2028" in text
    lines = text.split("\n")
    for r in records.values():
        if r["appendix"] in ("14", "network"):
            assert lines[r["source_lines"][0] - 1].lstrip().startswith("Land "), r["id"]
            assert lines[r["source_lines"][1] - 1].strip(), r["id"]


@pytest.mark.parametrize("name, offered, notes", [
    # text instead of a tick, after a wrapped label: not offered, the text kept
    ("Sh.K.B.Sh.", ALL - {"customs_police_immigration_help", "shelter", "medical_help", "legal_help"},
     {k: "Deze dienst wordt niet standaard geleverd, maar is indien noodzakelijk mogelijk"
      for k in ("customs_police_immigration_help", "shelter", "medical_help", "legal_help")}),
    ("Casa Brasil Holanda", {"customs_police_immigration_help", "psychological_help", "legal_help",
                             "skills_training_education", "job_search_income_help"}, {"airport_pickup": "Op verzoek"}),
    ("The A21 Campaign", ALL, {}),  # x instead of ü
    ("Pro-Vest", set(), {}),  # '-' everywhere
    ("Kassandra", set(), {}),  # every cell empty; record after a page footer
    ("IN VIA Berlin", ALL - {"family_reunification"}, {}),
    ("KOK-", ALL, {}),  # `… politie of ` / `immigratiedienst`, `inko-` / `men` without blank line
    ("Anonymous Ways", ALL - {"airport_pickup", "customs_police_immigration_help", "medical_help"},
     {"airport_pickup": "Via IOM"}),
    ("International Center for Women Rights", {"airport_pickup", "customs_police_immigration_help",
                                               "psychological_help", "legal_help", "family_reunification"},
     {k: "(faciliteert toegang/via doorverwijzing)"
      for k in ("shelter", "medical_help", "skills_training_education", "job_search_income_help")}),
])
def test_services_of_tricky_layouts(records, name, offered, notes):
    record = by_name(records, name)
    assert set(record["services"]) == offered
    assert record["service_notes"] == notes


def test_nee_and_partial_cells_are_notes_and_a_tick_with_text_is_offered(records):
    record = by_name(records, "MTÜ Living for Tomorrow")
    assert set(record["services"]) == {"airport_pickup", "legal_help"}
    assert record["service_notes"]["shelter"].startswith("Nee (kan doorverwijzen")
    assert record["service_notes"]["customs_police_immigration_help"].startswith("Gedeeltelijk (")
    assert record["service_notes"]["legal_help"].startswith("(rechtsbijstand wordt via hotline aangeboden")
    assert len(record["service_notes"]) == 10


def test_qualified_ticks_keep_their_qualifier(records):
    lux = by_name(records, "Fondation Maison de la Porte Ouverte")
    assert "skills_training_education" in lux["services"]
    assert lux["service_notes"]["skills_training_education"] == "(in de opvang)"
    assert "job_search_income_help" not in lux["services"]
    assert lux["service_notes"]["job_search_income_help"] == (
        "Gericht op informeren en het hoe en waar te zoeken naar een baan")
    fiz = by_name(records, "FIZ;")
    assert "family_reunification" in fiz["services"] and fiz["service_notes"]["family_reunification"] == (
        "en d.m.v. verwijzing")
    assert "medical_help" not in fiz["services"] and fiz["service_notes"]["medical_help"] == "D.m.v. verwijzing"
    adpare = by_name(records, "The Association for Developing")  # `… politie ` / `of immigratiedienst`
    assert set(adpare["services"]) == ALL
    assert adpare["service_notes"]["customs_police_immigration_help"] == "ADPARE begeleidt Roemeense slachtoffers"


def test_records_without_a_checklist_are_flagged(records):
    for name in ("CoMensha", "Global Alliance", "La Strada", "Talitha Kum"):
        record = next(r for r in records.values() if r["name"].startswith(name) and r["appendix"] != "11")
        assert record["services"] == [] and "no_service_checklist" in record["flags"], name
    comensha = by_name(records, "CoMensha")
    assert comensha["description"].startswith("CoMensha registreert gegevens")


def test_page_footers_never_reach_the_data(records):
    text = json.dumps(list(records.values()), ensure_ascii=False)
    assert "Safe Future Methodiek" not in text and "Bijlagen methodiek" not in text


def test_wrapped_names_and_countries(records):
    assert by_name(records, "IN VIA")["name"] == "IN VIA Berlin / Koord. & Beratungs. Frauen Menschenhandel"
    assert by_name(records, "International Center for Women")["name"] == (
        "International Center for Women Rights Protection and Promotion “La Strada”")
    assert by_name(records, "The Association for")["name"].endswith("Reintegration and Education (ADPARE)")
    assert by_name(records, "The A21 Campaign")["country"] == "BG"  # printed in English: `Bulgaria`
    assert by_name(records, "The A21 Campaign")["country_as_printed"] == "Bulgaria"
    assert by_name(records, "Sh.K.B.Sh.")["country"] == "AL"  # `ALBANIË`


def test_networks_have_a_scope_and_no_country(records):
    networks = [r for r in records.values() if r["appendix"] == "network"]
    assert {r["country_as_printed"] for r in networks} == {
        "Wereldwijd", "EUROPA", "International network of Religious against HT", "International A21 Campaign"}
    assert all(r["country"] is None for r in networks)
    a21 = by_name(records, "The A21 Campaign, Europees")
    assert set(a21["services"]) == ALL


def test_contact_values_are_sorted_by_what_they_are(records):
    kok = by_name(records, "KOK-")
    [person] = kok["contact"]["persons"]
    assert person["phones"] == ["Tel.: + 49 30-263 911 76"]  # printed under `Naam van contactpersoon`
    assert person["emails"] == ["info@kok-buero.de"]  # printed under `Telnr.`
    assert person["name"] is None
    assert "misplaced_values" in kok["flags"]
    strada = by_name(records, "La Strada")
    assert strada["contact"]["emails"] == ["info@lastradainternational.org"]  # under `Telnrs.`
    assert strada["contact"]["phones"] == ["Tel: + 31 (0) 20 688 1414", "Fax: + 31 (0) 20 688 1013"]
    assert strada["contact"]["websites"] == ["www.lastradainternational.org"]  # printed `www. lastrada…`
    a21 = by_name(records, "The A21 Campaign")
    assert a21["contact"]["address"] == ["The A21 Campaign", "Triaditsa Str. 5Б, fl.2 office 226", "Sofia, 1000",
                                         "Bulgaria"]
    anonymous = by_name(records, "Anonymous Ways")
    assert anonymous["contact"]["other"] == ["Skype: anonymouswaysfoundation"]
    lux = by_name(records, "Fondation Maison")
    assert lux["contact"]["phones"] == ["Tel: +352 406001-1", "Fax: +352 409779"]  # inside the address cell
    assert lux["contact"]["persons"][0]["phones"] == ["Tel: +352 405834", "Fax: +352 26897983"]


def test_bijlage_11_partners(records):
    cosudow = by_name(records, "COSUDOW Nigeria")
    assert cosudow["country"] == "NG"
    assert cosudow["contact"]["emails"] == ["pnegbulem@gmail.com", "justicennenna@gmail.com"]  # U+2028 between
    assert cosudow["contact"]["websites"] == []  # `@: -`
    assert cosudow["contact"]["other"] == ["Skype: pnebegbulem, pnebegbulem1"]
    assert by_name(records, "Animus/La Strada Bulgaria")["country"] == "BG"
    opvang = by_name(records, "Federatie Opvang")
    assert opvang["country"] == "NL"
    assert opvang["contact"] == {"persons": [], "address": [], "phones": ["(+31) (0) 33 461 5029"],
                                 "emails": ["secretariaat@opvang.nl"], "websites": ["www.opvang.nl"], "other": []}


def test_iom_contact_block_and_country_table(records):
    iom = by_name(records, "Internationale Organisatie voor Migratie")
    assert [(p["name"], p["role"], p["emails"]) for p in iom["contact"]["persons"]] == [
        ("Rini Fokkema", "Contactpersoon slachtoffers mensenhandel Noord-Nederland", ["rfokkema@iom.int"]),
        ("Marianne van Bulck", "Contactpersoon slachtoffers mensenhandel West-, Midden- en Zuid-Nederland",
         ["mvanbulck@iom.int"]),
        ("Ilse Waindrich", "Algemene informatie", ["iwaindrich@iom.int"]),  # printed `E-mail;`
    ]
    assert iom["contact"]["phones"] == ["IOM contact: 088 746 44 66"]
    assert len(iom["countries_served_as_printed"]) == 90 and len(iom["countries_served"]) == 90
    printed = dict(zip(iom["countries_served_as_printed"], iom["countries_served"]))
    assert printed["Democratische Republiek Congo"] == "CD"
    assert printed["Sri Lanka"] == "LK" and printed["Burkina Faso"] == "BF" and printed["El Salvador"] == "SV"
    assert printed["Guinee-Conakry"] == "GN" and printed["Guinee-Bissau"] == "GW"
    assert printed["Somaliland"] == "SO" and printed["Kyrgyzstan"] == "KG" and printed["Wit-Rusland"] == "BY"


def test_dtv_table_rows(records):
    dtv = by_name(records, "DT&V")
    persons = dtv["contact"]["persons"]
    assert len(persons) == 10
    assert persons[2] == {"name": "J.N.G (John) van der Plas", "role": "Sr. Regievoerder",
                          "details": ["DC Rotterdam"], "phones": ["06-13351029"], "emails": ["j.plas@dtv.minvenj.nl"],
                          "websites": []}
    assert persons[6]["details"] == ["Voorbereiden Vertrek Zwolle 3/Overijssel-Drenthe"]


def test_country_list_with_missing_comma_and_ambiguous_congo(records):
    btb = by_name(records, "Bridge to Better")
    assert len(btb["countries_served_as_printed"]) == 70
    assert {"Pakistan", "Rusland", "Centraal-Afrikaanse Republiek", "Kirgizië", "Oeganda"} <= set(
        btb["countries_served_as_printed"])
    assert {"PK", "RU", "CF", "KG", "UG", "SS", "SD"} <= set(btb["countries_served"])
    assert "Congo" in btb["countries_served_as_printed"] and "unresolved_country" in btb["flags"]
    assert len(btb["countries_served"]) == 69
    assert btb["contact"]["persons"][0]["name"] == "Marion Groen in’t Woud (projectleider)"


def test_other_contacts(records):
    oc = [r for r in records.values() if r["appendix"] == "other-contacts"]
    srtv = [r for r in oc if r["description"].startswith("Overige contacten")]
    talitha = [r for r in oc if r["description"] == "Leden van netwerk Talitha Kum"]
    assert len(srtv) == 4 and len(talitha) == 3
    assert all(r["contact"]["persons"][0]["name"] == "Ivonne van de Kar" for r in srtv)
    assert all(r["contact"]["persons"] == [] for r in talitha)
    assert {r["country_as_printed"]: r["country"] for r in talitha} == {
        "Australië": "AU", "Azië Pacific": None, "Boliviaanse landen": None}


def test_overrides_apply_by_id_and_refuse_stale_data(records):
    data = [json.loads(json.dumps(r)) for r in records.values()]
    target = by_name(records, "KOK-")["id"]
    apply_overrides(data, [{"id": target, "reason": "test", "patch": [
        {"op": "test", "path": "/contact/persons/0/websites/1", "value": "www.kok-buero.de/en/"},
        {"op": "replace", "path": "/contact/persons/0/websites/1", "value": "www.kok-buero.de/en/x.html"}]}])
    assert next(r for r in data if r["id"] == target)["contact"]["persons"][0]["websites"][1] == (
        "www.kok-buero.de/en/x.html")
    with pytest.raises(OverrideError, match="expected"):
        apply_overrides(data, [{"id": target, "reason": "test", "patch": [
            {"op": "test", "path": "/name", "value": "something else"}]}])
    with pytest.raises(OverrideError, match="unknown id"):
        apply_overrides(data, [{"id": "b14-xx-gone", "reason": "test", "patch": []}])


def test_shipped_overrides_file_targets_shipped_ids():
    shipped = {o["id"] for o in load_organisations()}
    overrides = importer.load_overrides()
    assert overrides and all(entry["reason"] and entry["id"] in shipped for entry in overrides)


def test_cli_writes_the_data_file_and_a_rerun_changes_nothing(tmp_path, capsys):
    out = tmp_path / "organisations.json"
    no_overrides = tmp_path / "overrides.json"
    no_overrides.write_text('{"overrides": []}', encoding="utf-8")
    assert importer.main([str(FIXTURE), str(out), "--overrides", str(no_overrides)]) == 0
    first = out.read_bytes()
    data = json.loads(first)
    assert data["format"] == 1 and data["source"]["file"] == "seed_excerpt.txt"
    assert len(data["organisations"]) == 31
    assert importer.main([str(FIXTURE), str(out), "--overrides", str(no_overrides)]) == 0
    assert out.read_bytes() == first
    assert "31 organisations written" in capsys.readouterr().out


def test_cli_reports_a_bad_seed_and_writes_nothing(tmp_path, capsys):
    broken = tmp_path / "seed.txt"
    text = FIXTURE.read_text(encoding="utf-8").replace("Land ESTLAND", "Land ATLANTIS")
    broken.write_text(text, encoding="utf-8")
    out = tmp_path / "organisations.json"
    assert importer.main([str(broken), str(out)]) == 1
    assert "unknown country 'ATLANTIS'" in capsys.readouterr().err
    assert not out.exists()
    stale = tmp_path / "overrides.json"
    stale.write_text('{"overrides": [{"id": "b14-xx-gone", "reason": "r", "patch": []}]}', encoding="utf-8")
    assert importer.main([str(FIXTURE), str(out), "--overrides", str(stale)]) == 1
    assert "unknown id 'b14-xx-gone'" in capsys.readouterr().err
    assert not out.exists()
    headless = tmp_path / "headless.txt"
    headless.write_text(text.replace("Bijlage 13\t", "Bijlage XIII\t"), encoding="utf-8")
    with pytest.raises(SeedFormatError, match="section headings"):
        parse_seed(read_seed(headless))
