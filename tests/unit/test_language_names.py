"""The consent languages' names in the app are CLDR's (through Babel), as scripts/language_names.py writes them."""
from scripts.language_names import TARGET, source


def test_the_generated_names_are_current():
    assert TARGET.read_text(encoding="utf-8") == source()


def test_nigerian_languages_are_named_and_akan_is_there_once():
    text = source()
    assert '"pcm": "Nigerian Pidgin"' in text and '"bin": "Bini"' in text
    assert '"tw"' not in text and text.count('"ak": "Akan"') == 2  # en and nl; bg has акан
