"""Genogram (I-11), version 1: persons with generation and relation, family events, the 4 themes with example questions."""
import pytest

FORM = "genogram@1"  # archived: records made with version 1 still validate (version 2: examples/genogram.v2.json)
VALID = {
    "drawn_up_on": "2024-03-01",
    "indications": ["conflicts"],
    "persons": [
        {"name": "A.", "relation": "client", "generation": 0, "sex": "female", "birth_year": 1998,
         "lives_in": "netherlands", "contact": "in_contact", "can_help": "ja", "risk": "nee"},
        {"name": "Mama J.", "relation": "mother", "generation": -1, "sex": "female", "birth_year": 1970,
         "deceased": False, "lives_in": "country_of_origin", "contact": "broken", "can_help": "onbekend",
         "risk": "ja", "notes": "Arranged the journey."},
        {"name": "Grandfather", "relation": "grandfather", "generation": -2, "deceased": True},
        {"name": "E.", "relation": "son", "generation": 1, "sex": "male", "birth_year": 2019},
    ],
    "events": [{"kind": "move", "when": "2016", "who": "Client", "notes": "Left for Italy."}],
    "themes": {"strengths_resources": "Faith holds the family together.", "migration": "Uncle lives in Spain."},
    "summary": "Her aunt can help; her mother is a risk.",
}


def test_complete_record_is_final(errors):
    assert errors(FORM, VALID) == []


def test_the_four_themes_carry_their_example_questions(registry):
    themes = registry.get("genogram", 1).schema["properties"]["themes"]["properties"]
    assert {k: len(v["x-examples"]) for k, v in themes.items()} == {
        "strengths_resources": 7, "family_problems": 6, "migration": 6, "violence_relationships": 7}


@pytest.mark.parametrize("pointer", ["/drawn_up_on", "/persons", "/persons/1/name", "/persons/1/relation",
                                     "/persons/1/generation", "/events/0/kind"])
def test_missing_answer_blocks_final_but_not_draft(errors, without, pointer):
    record = without(VALID, pointer)
    assert errors(FORM, record) == [(pointer, "This field is required.")]
    assert errors(FORM, record, "draft") == []


@pytest.mark.parametrize("pointer, value, message", [
    ("/persons/1/generation", 3, "Choose one of the allowed options."),
    ("/persons/1/birth_year", 1800, "Must be at least %(limit)s."),
    ("/persons/1/sex", "f", "Choose one of the allowed options."),
    ("/persons/1/risk", "yes", "Choose one of the allowed options."),
    ("/persons/1/deceased", "no", "Wrong type: expected %(type)s."),
    ("/events/0/kind", "wedding", "Choose one of the allowed options."),
    ("/events/0/when", "x" * 101, "Too long: at most %(limit)s characters."),
    ("/themes/migration", "x" * 20001, "Too long: at most %(limit)s characters."),
    ("/persons", [{"name": "X", "relation": "cousin", "generation": 0}] * 101, "Too many entries: at most %(limit)s."),
])
def test_invalid_answer_is_reported_at_its_path(errors, changed, pointer, value, message):
    record = changed(VALID, pointer, value)
    assert errors(FORM, record) == [(pointer, message)]
    assert errors(FORM, record, "draft") == [(pointer, message)]
