"""Every social-map string is translated in nl, en and bg; Dutch service names keep the seed's wording."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from socialmap.countries import country_name, resolve, scan_country_names
from socialmap.labels import DOMAIN, TRANSLATIONS_DIR, translate
from socialmap.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def msgids() -> set[str]:
    """What `pybabel extract -F socialmap/babel.cfg -k N_` finds, via Babel's own extractor."""
    found = extract_from_dir(str(ROOT / "socialmap"), method_map=[("**.py", "python")], keywords={"N_": None})
    return {message for _, _, message, _, _ in found}


@pytest.mark.parametrize("lang", ["nl", "en", "bg"])
def test_catalog_translates_every_string_and_nothing_else(msgids, lang):
    assert len(msgids) > 60
    with (TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as po:
        catalog = read_po(po, locale=lang)
    translated = {m.id: m.string for m in catalog if m.id}
    assert set(translated) == msgids
    assert all(translated[msgid].strip() for msgid in msgids), [m for m in msgids if not translated[m].strip()]
    assert not [m.id for m in catalog if m.id and m.fuzzy]


def test_dutch_service_names_are_the_seed_labels():
    assert [translate(s.msgid, "nl") for s in SERVICES] == [s.seed_label for s in SERVICES]


def test_bulgarian_is_written_in_cyrillic():
    assert translate("Shelter", "bg") == "Подслон"
    for service in SERVICES:
        assert any("\u0400" <= ch <= "\u04ff" for ch in translate(service.msgid, "bg")), service.key


def test_country_names_from_the_seed_resolve_and_are_named_in_every_language():
    assert [resolve(n) for n in ("ALBANIË", "ROEMENIE", "Bulgaria", "FILIPPIJNEN", "Sierra-Leone", "Guinée-Conakry",
                                 "Wit Rusland", "Zuid Korea", "Kyrgyzstan", "Tadzjikistan")] == [
        "AL", "RO", "BG", "PH", "SL", "GN", "BY", "KR", "KG", "TJ"]
    assert [resolve(n) for n in ("Europa", "EUROPE", "Wereldwijd", "West Afrika", "Congo")] == [None] * 5
    assert (country_name("BG", "nl"), country_name("BG", "en"), country_name("BG", "bg")) == (
        "Bulgarije", "Bulgaria", "България")


def test_country_lists_without_separators():
    assert scan_country_names("Georgië Indonesië Democratische Republiek Congo Cuba") == [
        ("Georgië", "GE"), ("Indonesië", "ID"), ("Democratische Republiek Congo", "CD"), ("Cuba", "CU")]
    assert scan_country_names("Oezbekistan, Pakistan Rusland, Rwanda") == [
        ("Oezbekistan", "UZ"), ("Pakistan", "PK"), ("Rusland", "RU"), ("Rwanda", "RW")]
    assert scan_country_names("Vietnam en Zuid-Afrika, Atlantis") == [
        ("Vietnam", "VN"), ("Zuid-Afrika", "ZA"), ("Atlantis", None)]
