"""Searching the shipped social map by country, service and free text; bad filters."""
from __future__ import annotations

import pytest

from app.domain.errors import BadRequest
from socialmap.search import MAX_QUERY_LENGTH, InvalidQuery, SocialMap, public_view
from socialmap.services import SERVICE_KEYS


@pytest.fixture(scope="module")
def social_map() -> SocialMap:
    return SocialMap.load()


def ids(found: list[dict]) -> list[str]:
    return [o["id"] for o in found]


def test_no_filter_returns_everything_in_seed_order(social_map):
    found = social_map.search()
    assert len(found) == 125
    assert found[0]["appendix"] == "11" and found[-1]["appendix"] == "network"


def test_by_country_includes_organisations_that_support_return_there(social_map):
    assert ids(social_map.search(country="BG")) == [
        "b11-bg-animus-la-strada-bulgaria",
        "b12-nl-internationale-organisatie-voor-migratie-iom",  # IOM assists re-integration in Bulgaria
        "b14-bg-animus-association-la-strada-bulgarije",
        "b14-bg-caritas-bulgarije",
        "b14-bg-the-a21-campaign",  # printed `Bulgaria`
        "oc-bg-caritas-russe",
    ]
    assert set(ids(social_map.search(country="ng"))) == {  # lower case accepted
        "b11-ng-cosudow-nigeria-committee-for-the-support", "b14-ng-cosudow",
        "b12-nl-internationale-organisatie-voor-migratie-iom", "b13-nl-maatwerk-bij-terugkeer",
        "b13-nl-bridge-to-better"}


def test_by_service_and_by_service_in_a_country(social_map):
    assert len(social_map.search(service="shelter")) == 61
    assert len(social_map.search(service="financial_help")) == 34
    assert ids(social_map.search(country="DE", service="shelter")) == [
        "b14-de-beratungsstelle-nachtfalter-caritas-essen", "b14-de-in-via-berlin-koord-beratungs-frauen",
        "b14-de-kok-bundesweiter-koordinierungskreis-gegen-menschenhandel-german",
        "b14-de-nadeschda-counceling-centre", "b14-de-solwodi-solidarity-with-women-in-distress"]
    # Text instead of a tick is no offer: Casa Brasil's airport pick-up is only "Op verzoek".
    assert "b14-br-casa-brasil-holanda" not in ids(social_map.search(service="airport_pickup"))


def test_free_text_ignores_case_and_accents(social_map):
    assert ids(social_map.search(q="zurich")) == ["b14-ch-fiz-fachstelle-frauenhandel-und-frauenmigration"]
    assert ids(social_map.search(q="NURNBERG")) == ["b14-de-kassandra-e-v"]
    assert ids(social_map.search(q="Gyongyosoroszi")) == ["b14-hu-good-shepherd-sisters-shelter"]


def test_free_text_matches_service_names_in_every_language(social_map):
    shelters = ids(social_map.search(service="shelter"))
    assert ids(social_map.search(q="подслон")) == shelters  # Bulgarian
    assert set(shelters) <= set(ids(social_map.search(q="opvang")))  # Dutch (also in descriptions)


def test_free_text_matches_country_names_and_needs_every_word(social_map):
    assert ids(social_map.search(q="caritas tsjechie")) == ["b14-cz-caritas-czech-magdala-project",
                                                            "b14-cz-caritas-czech"]
    assert "b14-bg-caritas-bulgarije" in ids(social_map.search(q="caritas България"))
    assert ids(social_map.search(q="caritas nowhere-at-all")) == []


def test_free_text_matches_notes(social_map):
    assert "b14-br-casa-brasil-holanda" in ids(social_map.search(q="op verzoek"))
    assert ids(social_map.search(q="tot op zekere hoogte")) == ["b14-se-platform-civil-society-in-sweden-against"]
    assert "b14-hu-anonymous-ways-foundation-nevtelen-utak-alapitvany" in ids(social_map.search(q="via iom"))


def test_unknown_country_is_a_400_listing_the_allowed_values(social_map):
    with pytest.raises(InvalidQuery) as raised:
        social_map.search(country="XX")
    error = raised.value
    assert isinstance(error, BadRequest) and error.status == 400
    assert error.details["field"] == "country" and error.details["value"] == "XX"
    assert error.details["allowed"] == social_map.countries()
    assert {"BG", "NG", "NL", "SO", "CD"} <= set(error.details["allowed"])
    with pytest.raises(InvalidQuery):
        social_map.search(country="Bulgaria")  # a name, not a code


def test_unknown_service_is_a_400_listing_the_keys(social_map):
    with pytest.raises(InvalidQuery) as raised:
        social_map.search(service="food", country="BG")
    assert raised.value.details == {"field": "service", "value": "food", "allowed": list(SERVICE_KEYS)}


def test_overlong_text_is_refused(social_map):
    with pytest.raises(InvalidQuery) as raised:
        social_map.search(q="x" * (MAX_QUERY_LENGTH + 1))
    assert raised.value.details["field"] == "q"


def test_empty_filters_mean_any(social_map):
    assert len(social_map.search(country="", service=" ", q="")) == 125


def test_country_choices_are_named_and_sorted_in_the_ui_language(social_map):
    bg = social_map.country_choices("bg")
    assert {"code": "BG", "name": "България"} in bg
    assert [c["code"] for c in bg] != [c["code"] for c in social_map.country_choices("nl")]
    assert {"code": "DE", "name": "Duitsland"} in social_map.country_choices("nl")
    assert len(bg) == len(social_map.countries())


def test_public_view_has_the_contract_fields_and_no_import_bookkeeping(social_map):
    view = public_view(social_map.get("b14-bg-caritas-bulgarije"), "bg")
    assert {"id", "name", "country", "services", "other_services", "contact"} <= set(view)
    assert "as_printed" not in view and "source_lines" not in view
    assert view["country_name"] == "България"
    assert view["contact"]["persons"][0]["name"] == "Radosveta Hadjieva"
    assert public_view(social_map.get("net-la-strada"), "en")["country_name"] is None
