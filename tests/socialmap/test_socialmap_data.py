"""The shipped data file against what was checked by hand in the seed (seed-spec §4 and the source text)."""
from __future__ import annotations

from collections import Counter

import pytest

from socialmap.record import validation_errors
from socialmap.search import load_organisations
from socialmap.services import SERVICE_KEYS

ALL = set(SERVICE_KEYS)


@pytest.fixture(scope="module")
def data() -> list[dict]:
    return load_organisations()


@pytest.fixture(scope="module")
def by_id(data) -> dict[str, dict]:
    return {o["id"]: o for o in data}


def test_counts_per_appendix(data):
    assert Counter(o["appendix"] for o in data) == {
        "11": 12, "12": 1, "13": 4, "14": 73, "network": 6, "other-contacts": 29}


def test_bijlage_14_countries_as_printed_and_resolved(data):
    # Every `Land` line of Bijlage 14, counted by hand in the source (seed-spec §4.5 and Appendix A agree).
    printed = Counter(o["country_as_printed"] for o in data if o["appendix"] == "14")
    assert printed == {
        "ALBANIË": 5, "ARMENIË": 1, "BELGIË": 2, "BRAZILIË": 4, "BULGARIJE": 2, "Bulgaria": 1, "COLOMBIA": 2,
        "DENEMARKEN": 1, "DUITSLAND": 7, "DOMINICAANSE REPUBLIEK": 1, "ESTLAND": 1, "FILIPPIJNEN": 2,
        "FRANKRIJK": 1, "GEORGIË": 1, "GHANA": 1, "HONGARIJE": 2, "IERLAND": 1, "ITALIË": 2, "KAMEROEN": 1,
        "KENIA": 1, "LETLAND": 1, "LIBANON": 1, "LITOUWEN": 1, "LUXEMBURG": 1, "MACEDONIË": 1, "MOLDAVIË": 1,
        "NEDERLAND": 2, "NEPAL": 1, "NIGERIA": 1, "OEKRAINE": 2, "OOSTENRIJK": 2, "PERU": 1, "POLEN": 2,
        "ROEMENIE": 4, "SERVIE": 1, "SLOWAKIJE": 1, "SPANJE": 2, "THAILAND": 1, "TSJECHIË": 3,
        "VERENIGD KONINKRIJK": 2, "WIT-RUSLAND": 1, "ZWEDEN": 1, "ZWITSERLAND": 1}
    codes = Counter(o["country"] for o in data if o["appendix"] == "14")
    assert len(codes) == 42
    assert codes["BG"] == 3 and codes["DE"] == 7 and codes["RO"] == 4 and codes["CZ"] == 3
    resolved = {o["country_as_printed"]: o["country"] for o in data if o["appendix"] == "14"}
    assert {resolved[k] for k in ("BULGARIJE", "Bulgaria")} == {"BG"}
    assert (resolved["FILIPPIJNEN"], resolved["SERVIE"], resolved["OEKRAINE"], resolved["ROEMENIE"],
            resolved["WIT-RUSLAND"], resolved["MACEDONIË"], resolved["VERENIGD KONINKRIJK"]) == (
        "PH", "RS", "UA", "RO", "BY", "MK", "GB")


def test_networks_and_partners(data):
    networks = [o for o in data if o["appendix"] == "network"]
    assert all(o["country"] is None for o in networks)
    partners = Counter(o["country"] for o in data if o["appendix"] == "11")
    assert partners == {"NL": 10, "NG": 1, "BG": 1}
    assert all(o["country"] == "NL" for o in data if o["appendix"] in ("12", "13"))


# Checked cell by cell against the seed text (line of the record's `Land`): which services carry a tick, and
# which cells hold text instead (the keys of service_notes).
HAND_CHECKED = {
    "b14-al-different-equal": (ALL, set()),  # L5403
    "b14-al-ibvm-loreto": ({"shelter", "psychological_help", "medical_help", "legal_help",
                            "skills_training_education", "child_parenting_help"}, set()),  # L5448
    "b14-al-sh-k-b-sh": (ALL - {"customs_police_immigration_help", "shelter", "medical_help", "legal_help"},
                         {"customs_police_immigration_help", "shelter", "medical_help", "legal_help"}),  # L5536
    "b14-al-tjeter-vizion-association": (ALL - {"financial_help"}, set()),  # L5580
    "b14-am-hope-and-help": (ALL - {"airport_pickup", "child_parenting_help", "family_reunification"},
                             set()),  # L5612
    "b14-be-pag-asa": ({"customs_police_immigration_help", "shelter", "psychological_help", "legal_help"},
                       set()),  # L5654
    "b14-be-payoke": ({"shelter", "psychological_help", "legal_help", "job_search_income_help"}, set()),  # L5686
    "b14-br-casa-brasil-holanda": ({"customs_police_immigration_help", "psychological_help", "legal_help",
                                    "skills_training_education", "job_search_income_help"},
                                   {"airport_pickup"}),  # L5722
    "b14-bg-animus-association-la-strada-bulgarije": (
        {"shelter", "psychological_help", "medical_help", "legal_help", "skills_training_education",
         "child_parenting_help", "family_reunification"}, set()),  # L5870
    "b14-bg-caritas-bulgarije": (
        {"customs_police_immigration_help", "shelter", "psychological_help", "medical_help", "legal_help",
         "skills_training_education", "child_parenting_help", "family_reunification"}, set()),  # L5905
    "b14-bg-the-a21-campaign": (ALL, set()),  # L5935, x marks
    "b14-dk-pro-vest": (set(), set()),  # L6049, '-' marks
    "b14-de-in-via-berlin-koord-beratungs-frauen": (ALL - {"family_reunification"}, set()),  # L6157
    "b14-de-kassandra-e-v": (set(), set()),  # L6197
    "b14-de-kok-bundesweiter-koordinierungskreis-gegen-menschenhandel-german": (ALL, set()),  # L6227
    "b14-de-nadeschda-counceling-centre": (ALL - {"airport_pickup", "job_search_income_help",
                                                  "family_reunification"}, set()),  # L6316
    "b14-ee-mtu-living-for-tomorrow-ngo-living": ({"airport_pickup", "legal_help"},
                                                   ALL - {"airport_pickup"}),  # L6421
    "b14-hu-anonymous-ways-foundation-nevtelen-utak-alapitvany": (
        ALL - {"airport_pickup", "customs_police_immigration_help", "medical_help"}, {"airport_pickup"}),  # L6670
    "b14-lu-fondation-maison-de-la-porte-ouverte": (
        ALL - {"airport_pickup", "job_search_income_help"},
        {"skills_training_education", "job_search_income_help", "financial_help", "child_parenting_help"}),  # L7053
    "b14-md-international-center-for-women-rights-protection": (
        {"airport_pickup", "customs_police_immigration_help", "psychological_help", "legal_help",
         "family_reunification"},
        {"shelter", "medical_help", "skills_training_education", "job_search_income_help"}),  # L7135
    "b14-nl-comensha": (set(), set()),  # L7186, no checklist
    "b14-nl-srtv": (set(), set()),  # L7223, no checklist
    "b14-ng-cosudow": (ALL - {"financial_help"}, set()),  # L7272
    "b14-at-miriam-projekt": ({"shelter", "medical_help", "legal_help"}, set()),  # L7440
    "b14-ro-the-association-for-developing-alternative-practices": (
        ALL, {"customs_police_immigration_help", "shelter", "child_parenting_help"}),  # L7566
    "b14-ro-generatie-tanara-unga-liv-association-gtr": (
        ALL, {"shelter", "psychological_help", "medical_help"}),  # L7678
    "b14-cz-caritas-czech": (ALL - {"job_search_income_help", "financial_help"}, set()),  # L7994
    "b14-gb-women-the-well-mercy-sisters": (set(), set()),  # L8069
    "b14-se-platform-civil-society-in-sweden-against": (
        ALL, {"medical_help", "skills_training_education", "job_search_income_help", "financial_help",
              "child_parenting_help", "family_reunification"}),  # L8126
    "b14-ch-fiz-fachstelle-frauenhandel-und-frauenmigration": (
        {"airport_pickup", "customs_police_immigration_help", "shelter", "psychological_help", "legal_help",
         "financial_help", "family_reunification"},
        {"medical_help", "skills_training_education", "job_search_income_help", "child_parenting_help",
         "family_reunification"}),  # L8170
    "net-the-a21-campaign-europees-hoofdkantoor-in": (ALL, set()),  # L8418, x marks
}


@pytest.mark.parametrize("org_id", sorted(HAND_CHECKED))
def test_services_of_hand_checked_records(by_id, org_id):
    offered, noted = HAND_CHECKED[org_id]
    assert set(by_id[org_id]["services"]) == offered
    assert set(by_id[org_id]["service_notes"]) == noted


def test_hand_checked_sample_per_country(by_id):
    assert Counter(by_id[i]["country"] for i in HAND_CHECKED) == {
        "AL": 4, "AM": 1, "BE": 2, "BR": 1, "BG": 3, "DK": 1, "DE": 4, "EE": 1, "HU": 1, "LU": 1, "MD": 1,
        "NL": 2, "NG": 1, "AT": 1, "RO": 2, "CZ": 1, "GB": 1, "SE": 1, "CH": 1, None: 1}


def test_service_totals_over_all_checklists(data):
    # Regression figures of seed-spec §4.3 (ticks or x per service over the 72 records with a checklist).
    with_checklist = [o for o in data if o["appendix"] in ("14", "network")
                      and "no_service_checklist" not in o["flags"]]
    assert len(with_checklist) == 72
    assert Counter(s for o in with_checklist for s in o["services"]) == {
        "airport_pickup": 43, "customs_police_immigration_help": 47, "shelter": 61, "psychological_help": 66,
        "medical_help": 58, "legal_help": 64, "skills_training_education": 61, "job_search_income_help": 47,
        "financial_help": 34, "child_parenting_help": 47, "family_reunification": 44}
    assert sum(1 for o in with_checklist if o["other_services"]) == 49
    notes = [(key in o["services"]) for o in with_checklist for key in o["service_notes"]]
    assert notes.count(True) == 17 and notes.count(False) == 24  # tick + text / text only (seed-spec §4.4)


def test_countries_served_lists(by_id):
    iom = by_id["b12-nl-internationale-organisatie-voor-migratie-iom"]
    assert len(iom["countries_served"]) == 90
    maatwerk = by_id["b13-nl-maatwerk-bij-terugkeer"]
    assert len(maatwerk["countries_served"]) == 42 and "GN" in maatwerk["countries_served"]  # Guinée-Conakry
    btb = by_id["b13-nl-bridge-to-better"]
    assert len(btb["countries_served_as_printed"]) == 70
    assert {"CD", "CG"} <= set(btb["countries_served"]) and btb["flags"] == []  # overrides.json: "Congo"


def test_every_record_is_valid_and_ids_are_unique(data):
    assert len({o["id"] for o in data}) == len(data)
    for org in data:
        assert validation_errors(org) == [], org["id"]
        first, last = org["source_lines"]
        assert 4906 <= first <= last <= 8467, org["id"]  # Bijlage 11 to the end of the networks


def test_names_wrapped_over_lines(by_id):
    # As joined in seed-spec Appendix A: a new line the author started is a second name (' / ').
    assert by_id["b14-it-usmi-nazionaale-settore-tratta-italian-superiors"]["name"] == (
        "USMI Nazionaale Settore “Tratta” (Italian superiors org. Anti Trafficking desk)")
    assert by_id["b14-at-lefo-informatie-educatie-en-steun-aan"]["name"] == (
        "LEFÖ- Informatie, Educatie en Steun aan Vrouwelijke Migranten / "
        "LEFÖ- Interventiecentrum voor vrouwelijke slachtoffers van mensenhandel")
    assert by_id["b14-se-platform-civil-society-in-sweden-against"]["name"] == (
        "Platform Civil Society in Sweden Against Trafficking. (Foundation Safer Sweden, Stiftelsen Tryggare Sverige)")
    assert by_id["net-renate-religious-in-europe-networking-against"]["name"] == (
        "RENATE (Religious in Europe Networking against Trafficking and Exploitation)")
