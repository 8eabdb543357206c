"""Developer tool: write translations from a JSON file {msgid: [nl, bg]} into a domain's catalogs (for a plural,
the key is the singular msgid and nl and bg are each [singular, plural]).

    .venv/bin/python scripts/i18n_fill.py DOMAIN translations.json

Creates or updates translations/<lang>/LC_MESSAGES/<domain>.po from translations/<domain>.pot, fills nl and bg
from the file and en with the msgid, and keeps translations the file does not mention.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def key(message) -> str:
    """A message's key in the file: its msgid, or for a plural its singular (the value then gives both forms)."""
    return message.id[0] if message.pluralizable else message.id


def fill(domain: str, source: dict[str, list[str]]) -> None:
    with (ROOT / "translations" / f"{domain}.pot").open("rb") as f:
        template = read_po(f)
    for index, lang in ((None, "en"), (0, "nl"), (1, "bg")):
        path = ROOT / "translations" / lang / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang, domain=domain)
        else:
            catalog = Catalog(locale=lang, domain=domain)
        catalog.update(template, no_fuzzy_matching=True)
        for message in catalog:
            if not message.id:
                continue
            if index is None:
                filled = any(message.string) if message.pluralizable else message.string
                message.string = message.string if filled else message.id
            elif key(message) in source:
                given = source[key(message)][index]
                message.string = tuple(given) if message.pluralizable else given
            message.flags.discard("fuzzy")
        catalog.obsolete.clear()
        # A filled header without the fuzzy flag: `pybabel compile` skips a catalog whose header is fuzzy.
        catalog.fuzzy = False
        catalog.project, catalog.version = "Safe Future", "1"
        catalog.msgid_bugs_address = catalog.last_translator = "Safe Future translators"
        catalog.language_team = f"{lang} (Safe Future)"
        catalog.revision_date = catalog.creation_date
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=120, omit_header=False)


if __name__ == "__main__":
    fill(sys.argv[1], json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")))
