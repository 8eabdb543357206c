"""The catalogs keep the project's words: one Bulgarian word for monitoring (проследяване) and „Входящи“ for the
inbox, "dossier" (never "casus") in Dutch; and every catalog's header is filled and not fuzzy, so that
`pybabel compile` does not skip it."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
CATALOGS = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po"))


def read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def strings(lang: str):
    for path in TRANSLATIONS.glob(f"{lang}/LC_MESSAGES/*.po"):
        for m in read(path):
            if m.id:
                ids = m.id if isinstance(m.id, tuple) else (m.id,)
                texts = m.string if isinstance(m.string, tuple) else (m.string,)
                yield path.name, ids[0], " ".join(t or "" for t in texts)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_header_is_filled_and_not_fuzzy(path):
    catalog = read(path)
    assert not catalog.fuzzy
    assert catalog.project == "Safe Future"


def test_bulgarian_monitoring_and_inbox():
    found = list(strings("bg"))
    assert [t for _, i, t in found if i == "Inbox"] == ["Входящи"]
    wrong = [(name, i) for name, i, t in found if "onitoring" in i and "наблюдение" in t.lower()]
    assert wrong == []


def test_dutch_says_dossier():
    assert [(name, i) for name, i, t in strings("nl") if "casus" in t.lower()] == []
