"""The password policy (NIST SP 800-63B): length, no common password, no trivial sequence, not the e-mail.
No composition rules: they make passwords harder to remember, not to guess."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .errors import N_

MIN_PASSWORD_LENGTH = 12
# Words the shipped list (English-speaking sources) misses but our users would reach for.
_LOCAL_WORDS = {"wachtwoord", "welkom", "parola", "safefuture", "veilig", "toekomst"}
# Keyboard layouts (QWERTY, AZERTY, QWERTZ), row by row: neighbouring keys, also up and down, are a lazy walk.
_LAYOUTS = (("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"), ("1234567890", "azertyuiop", "qsdfghjklm", "wxcvbn"),
            ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm"))
_KEYS = [{key: (r, col) for r, row in enumerate(layout) for col, key in enumerate(row)} for layout in _LAYOUTS]
_EDGE = re.compile(r"^[^a-z]+|[^a-z]+$")
_LEET = str.maketrans("@4310$57!", "aaeiosstl")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = (Path(__file__).parent / "data" / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip()) | _LOCAL_WORDS


def _follows(a: str, b: str) -> bool:
    """Whether `b` is what a lazy hand types after `a`: the same key, the next or previous letter or digit, or
    the neighbouring key on a keyboard row."""
    if a == b or abs(ord(a) - ord(b)) == 1:
        return True
    return any(a in keys and b in keys and abs(keys[a][0] - keys[b][0]) <= 1 and abs(keys[a][1] - keys[b][1]) <= 1
               for keys in _KEYS)


def breaks(password: str) -> int:
    """How many times the password leaves a predictable run (see `_follows`): few means trivial."""
    lowered = password.lower()
    return sum(1 for a, b in zip(lowered, lowered[1:]) if not _follows(a, b))


def _is_common(lowered: str) -> bool:
    """The password, or its letters without the digits and signs around them (`Password1234!`), or that with
    look-alike digits read as letters (`P@ssw0rd2024`), is a common password."""
    common = common_passwords()
    core = _EDGE.sub("", lowered)
    return any(candidate in common for candidate in
               (lowered, core, lowered.translate(_LEET), _EDGE.sub("", lowered.translate(_LEET))) if candidate)


def password_problem(password: str, email: str) -> str | None:
    """Why a password is too weak (a msgid), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return N_("The password is too short: use at least 12 characters.")
    lowered = password.lower()
    if _is_common(lowered):
        return N_("The password is too easy to guess: it is one of the most common passwords.")
    if breaks(password) <= len(password) // 4 or len(set(lowered)) < 5:
        return N_("The password is too easy to guess: avoid sequences such as 123456 or qwerty.")
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in lowered:
        return N_("The password must not contain the e-mail address.")
    return None
