"""The gettext catalogs: compiling .po to .mo, loading one language, and the JSON the device downloads."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAINS = ("messages", "forms", "socialmap", "pwa")


def po_files(translations_dir: Path):
    yield from sorted(translations_dir.glob("*/LC_MESSAGES/*.po"))


def compile_catalogs(translations_dir: Path) -> None:
    """Compile every .po whose .mo is missing or older. Cheap when nothing changed."""
    for po in po_files(translations_dir):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name, domain=po.stem)
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo)


def domains_present(translations_dir: Path) -> list[str]:
    return [d for d in DOMAINS if any(translations_dir.glob(f"*/LC_MESSAGES/{d}.po"))]


@lru_cache(maxsize=16)
def translations_for(translations_dir: Path, lang: str) -> NullTranslations:
    """All domains of one language merged, for work outside a request (PDF in the reader's language)."""
    merged = Translations()
    for domain in domains_present(translations_dir):
        merged.merge(Translations.load(str(translations_dir), [lang], domain))
    return merged


def catalog_json(translations_dir: Path, lang: str) -> dict[str, str | list[str]]:
    """{msgid: msgstr} of every domain, read from the .po files (the device's copy of the catalogs).
    A plural message maps its singular msgid to the list of its plural forms. Translations equal to their msgid
    are left out."""
    out: dict[str, str | list[str]] = {}
    for domain in domains_present(translations_dir):
        po = translations_dir / lang / "LC_MESSAGES" / f"{domain}.po"
        if not po.exists():
            continue
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=domain)
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            # A translation equal to its msgid is left out (English, mostly): the device shows the msgid itself.
            if isinstance(message.id, str):
                if message.string and message.string != message.id:
                    out[message.id] = message.string
            elif all(message.string) and tuple(message.string) != tuple(message.id):
                # A plural message: keyed by its singular msgid, every form in order; the device picks one.
                out[message.id[0]] = list(message.string)
    return out
