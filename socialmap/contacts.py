"""Recognising e-mail addresses, websites and phone numbers in the seed's contact fields.

The seed's contact table columns slipped in several records (an e-mail under `Telnr.`, a phone number under
`Naam van contactpersoon`, a postal address under `Algemeen e-mailadres`), so the importer sorts values by what
they look like and keeps them as printed; only separators between several values are removed.
"""
from __future__ import annotations

import re

# Lenient on purpose: the seed has addresses such as `different&equal@icc-al.org` and the broken
# `trafficking@.payoke.be`, which must be kept (and flagged), not dropped.
_EMAIL = re.compile(r"[\w.&+'-]+@[\w.-]+")
_VALID_EMAIL = re.compile(r"^[\w.&+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# A bare domain with a path, e.g. `safoundation.com/sa-foundation/...` (only trusted in a `Website` field).
_BARE_URL = re.compile(r"^[\w-]+(\.[\w-]+)+(/\S*)?$")
_PHONE_PREFIX = re.compile(r"^(tel|mob|mobile|mobil|fax|hotline|gsm|phone)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"^[-\u2013]$")
_SEPARATORS = re.compile(r"\s*(?:;|\||\bor\b|\s/\s?|/\s|,)\s*")


def is_placeholder(text: str) -> bool:
    """`-` stands for "none" in the seed (`Website -`, `Telnr. -`)."""
    return bool(_PLACEHOLDER.match(text.strip()))


def digit_count(text: str) -> int:
    return sum(c.isdigit() for c in text)


def emails_in(text: str) -> list[str]:
    return [m.group(0).rstrip(".,;") for m in _EMAIL.finditer(text)]


def is_valid_email(address: str) -> bool:
    return bool(_VALID_EMAIL.match(address))


def urls_in(text: str) -> list[str]:
    """Websites in a line. `www. example.org` (a space after `www.`) is read as one address."""
    text = re.sub(r"\bwww\.\s+", "www.", text, flags=re.IGNORECASE)
    return [m.group(0).rstrip(".,;") for m in _URL.finditer(text) if "@" not in m.group(0)]


def website_tokens(text: str) -> list[str]:
    """Everything that looks like an address in a `Website` field, with or without `www.`/`http`."""
    found = urls_in(text)
    rest = _URL.sub(" ", re.sub(r"\bwww\.\s+", "www.", text, flags=re.IGNORECASE))
    found += [token for token in rest.split() if _BARE_URL.match(token) and "@" not in token]
    return found


def looks_like_phone(text: str) -> bool:
    """A line that is a phone number: a `Tel:`-style prefix, or at least six digits and few letters."""
    text = text.strip()
    if _EMAIL.search(text) or _URL.search(text):
        return False
    if _PHONE_PREFIX.match(text) and digit_count(text) >= 3:
        return True
    letters = sum(c.isalpha() for c in text)
    return digit_count(text) >= 6 and letters <= digit_count(text)


def is_labelled_phone(text: str) -> bool:
    """`Tel: …`, `Fax: …`, `Mob. …` with a number: a phone line even inside an address block, where bare
    digits (postcodes, P.O. boxes) are not enough."""
    return bool(_PHONE_PREFIX.match(text.strip())) and digit_count(text) >= 6


def split_phones(line: str) -> list[str]:
    """One printed line of phone numbers as separate entries.

    A separator only splits where both sides hold a whole number (at least 7 digits), so `+63 2 435 23 12/00 51`
    (an alternative ending) stays one entry while `+48 32 255 38 69; +48 694 489 187` becomes two.
    """
    for m in _SEPARATORS.finditer(line):
        left, right = line[: m.start()].strip(), line[m.end():].strip()
        if digit_count(left) >= 7 and digit_count(right) >= 7 and not right.startswith("-"):
            return split_phones(left) + split_phones(right)
    return [line.strip()] if line.strip() else []
