"""Country names ↔ ISO 3166-1 alpha-2 codes, from Babel's CLDR data (nl, en, bg).

The seed prints countries in Dutch (upper or mixed case, with or without diaeresis), sometimes in English, and a
few with names CLDR does not use; `resolve` maps all of them to a code. Regions and scopes ("Europa",
"Wereldwijd", "West Afrika") resolve to None on purpose.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from babel import Locale

UI_LANGUAGES = ("nl", "en", "bg")

# CLDR codes that are not countries: EU, eurozone, UN, outlying Oceania, unknown, pseudo-locales.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})

# Names the seed uses that CLDR (nl/en) does not know, folded (see `fold`). Each is a spelling variant or a
# former/informal name of exactly one country.
_SEED_ALIASES = {
    "bosnie": "BA",  # Bosnië (IOM list) = Bosnia and Herzegovina
    "macedonie": "MK",  # CLDR: Noord-Macedonië
    "wit rusland": "BY",  # CLDR nl: Belarus
    "filippijnen": "PH",  # Bijlage 14 spells FILIPPIJNEN; CLDR: Filipijnen
    "guinee conakry": "GN",  # IOM and Maatwerk lists; CLDR: Guinee
    "democratische republiek congo": "CD",  # CLDR: Congo-Kinshasa
    "somaliland": "SO",  # self-declared state without an ISO code; part of Somalia in ISO 3166
}


def fold(text: str) -> str:
    """Lower case, no accents, hyphens and dashes as spaces, single spaces: the key for comparing names."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[-\u2010-\u2015]", " ", text)
    return " ".join(text.split())


def is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES


@functools.cache
def _names(lang: str) -> dict[str, str]:
    return {code: name for code, name in Locale.parse(lang).territories.items() if is_country_code(code)}


@functools.cache
def _index() -> dict[str, str]:
    index = {}
    for lang in ("nl", "en"):
        for code, name in _names(lang).items():
            index[fold(name)] = code
    index.update(_SEED_ALIASES)
    return index


def resolve(name: str) -> str | None:
    """The ISO code for a country name as printed in the seed, or None (a region, a scope, or unknown)."""
    return _index().get(fold(name))


def country_name(code: str, lang: str) -> str:
    """The country's name in a UI language (CLDR); the code itself if CLDR has no name."""
    return _names(lang).get(code, code)


def known_codes() -> frozenset[str]:
    return frozenset(_names("en"))


_MAX_NAME_WORDS = 4  # "Democratische Republiek Congo", "Centraal-Afrikaanse Republiek"
_CONJUNCTIONS = {"en", "and"}


def scan_country_names(text: str) -> list[tuple[str, str | None]]:
    """Country names in a printed list, in order: [(name as printed, code or None)].

    Names are matched longest first, word by word, so lists without separators work too (the IOM table
    flattened to rows like `Georgië Indonesië Democratische Republiek Congo Cuba`, and `Pakistan Rusland`
    with its comma missing). Words that are no country are returned together as one (text, None) entry.
    """
    found: list[tuple[str, str | None]] = []
    for item in re.split(r"[,;]", text):
        words = [w.strip("().:") for w in item.split()]
        words = [w for w in words if w]
        unmatched: list[str] = []
        i = 0
        while i < len(words):
            for n in range(min(_MAX_NAME_WORDS, len(words) - i), 0, -1):
                printed = " ".join(words[i: i + n])
                code = resolve(printed)
                if code:
                    break
            if code:
                if unmatched:
                    found.append((" ".join(unmatched), None))
                    unmatched = []
                found.append((printed, code))
                i += n
            else:
                if words[i].lower() not in _CONJUNCTIONS:
                    unmatched.append(words[i])
                i += 1
        if unmatched:
            found.append((" ".join(unmatched), None))
    return found
