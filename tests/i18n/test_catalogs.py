"""Every gettext domain in translations/ is complete in nl, en and bg, and holds nothing the sources no longer use.

A domain is "present" when any language has a <domain>.po. Its msgids come from running the extraction command
that translations/README.md gives for it (the `forms` domain: the schema extractor over forms/), so the test follows
the documented workflow instead of a copy of it.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LANGUAGES = ("nl", "en", "bg")
# %(name)s-style and {name}-style placeholders: a translation must keep every one of them.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|\{\w+\}")


def domains_present() -> list[str]:
    return sorted({po.stem for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po")})


def extraction_commands() -> dict[str, str]:
    """domain -> the `pybabel extract …` command of its row in the table of translations/README.md."""
    commands = {}
    for line in (TRANSLATIONS / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.fullmatch(r"`\w+`", cells[0]):
            continue
        command = re.search(r"`([^`]*pybabel extract[^`]*)`", cells[-1])
        if command:
            commands[cells[0].strip("`")] = command.group(1)
    return commands


def extracted(domain: str, tmp: Path) -> frozenset[str]:
    command = extraction_commands().get(domain)
    if command is None:
        pytest.fail(f"translations/README.md gives no `pybabel extract` command for the domain {domain!r}, "
                    "so its catalogs cannot be checked against the sources")
    args, env = shlex.split(command), dict(os.environ)
    while args and re.fullmatch(r"\w+=.*", args[0]):  # leading VAR=value assignments
        name, value = args.pop(0).split("=", 1)
        env[name] = value
    assert args[:2] == ["pybabel", "extract"], command
    pot = tmp / f"{domain}.pot"
    args = [sys.executable, "-m", "babel.messages.frontend", *args[1:]]
    args[args.index("-o") + 1] = str(pot)
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"extraction for {domain!r} failed:\n{done.stderr}"
    with pot.open("rb") as f:
        return frozenset(_msgid(m.id) for m in read_po(f) if m.id)


def _msgid(message_id) -> str:
    return message_id[0] if isinstance(message_id, (tuple, list)) else message_id


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]


def test_some_domain_is_translated():
    assert domains_present(), "translations/ holds no catalog at all"


@pytest.mark.parametrize("domain", domains_present())
def test_catalogs_match_the_sources(domain, tmp_path_factory):
    expected = extracted(domain, tmp_path_factory.mktemp(domain))
    problems = []
    for lang in LANGUAGES:
        po = TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po"
        if not po.exists():
            problems.append(f"{lang}: {po.relative_to(ROOT)} is missing")
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=domain, abort_invalid=True)
        present = {}
        for message in catalog:
            if message.id:
                present[_msgid(message.id)] = message
        for msgid in sorted(expected - present.keys()):
            problems.append(f"{lang}: no entry for {msgid!r}")
        for msgid in sorted(present.keys() - expected):
            problems.append(f"{lang}: {msgid!r} is no longer used by the sources")
        for msgid in catalog.obsolete:
            problems.append(f"{lang}: obsolete entry {_msgid(msgid)!r} left in the catalog")
        for msgid, message in sorted(present.items()):
            if msgid not in expected:
                continue
            strings = _strings(message)
            if message.fuzzy or not all(s and s.strip() for s in strings):
                problems.append(f"{lang}: {msgid!r} is untranslated or fuzzy")
                continue
            wanted = sorted(PLACEHOLDER.findall(msgid))
            for string in strings:
                if sorted(PLACEHOLDER.findall(string)) != wanted:
                    problems.append(f"{lang}: {msgid!r} loses or changes a placeholder: {string!r}")
    assert not problems, f"{len(problems)} problem(s) in domain {domain!r}:\n" + "\n".join(problems[:50])


@pytest.mark.parametrize("lang", ("nl", "bg"))
def test_no_msgid_is_translated_two_ways_in_different_domains(lang):
    """The device and the printouts merge every domain into one catalog, where the last domain's translation of a
    msgid wins: "Close" as a relationship (forms) and as a button (pwa) would show one of the two words in both
    places. A msgid shared by domains must mean one thing; a UI string that means another needs its own msgid."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for domain in domains_present():
        with (TRANSLATIONS / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
            for message in read_po(f, locale=lang):
                if not message.id or not isinstance(message.id, str) or not message.string:
                    continue
                first = seen.setdefault(message.id, (domain, message.string))
                if first[1] != message.string:
                    clashes.append((message.id, first, (domain, message.string)))
    assert clashes == []
