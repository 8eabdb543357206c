"""What the field app's service worker precaches, so that every screen, every instrument version and every
language opens without a connection: a list of URLs with a revision each, and a version for the whole.

The server writes this list into `/sw.js` itself. Any change to a shell file, an instrument or a catalog
changes the worker's bytes, so the browser installs the new worker; the worker downloads only the entries
whose revision changed (ARCHITECTURE §4: records keep their form version, so every version is listed).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from ..domain.forms import FormRegistry
from ..domain.jsontext import canonical
from ..i18n.catalogs import catalog_json, po_files

SERVICE_WORKER = "sw.js"
FORMS_URL = "/api/v1/forms"


def _revision(data) -> str:
    raw = data if isinstance(data, bytes) else canonical(data)
    return hashlib.sha256(raw).hexdigest()[:16]


# Kept for people, not loaded by the app: notes, and the licence and package.json of each vendored package.
NOT_LOADED = ("README.md", "LICENSE", "package.json")


def shell_files(pwa_dir: Path) -> list[tuple[str, Path]]:
    """(URL, file) for every file of the app shell. The index is served at `/`; the worker is not precached
    (the browser fetches it itself)."""
    out = []
    for path in sorted(pwa_dir.rglob("*")):
        relative = path.relative_to(pwa_dir).as_posix()
        if not path.is_file() or relative == SERVICE_WORKER or path.name in NOT_LOADED or path.name.startswith("."):
            continue
        out.append(("/" if relative == "index.html" else "/" + relative, path))
    return out


def form_url(form_id: str, version: int) -> str:
    return f"{FORMS_URL}/{form_id}?version={version}"


def precache_manifest(pwa_dir: Path, translations_dir: Path, languages, forms: FormRegistry) -> dict:
    """{"version", "entries": [{"url", "revision", "bytes"?, "lang"?}]}. Rebuilt only when a file on disk changed."""
    files = [p for _, p in shell_files(pwa_dir)] + list(po_files(translations_dir))
    fingerprint = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _build(pwa_dir, translations_dir, tuple(languages), forms, fingerprint)


@lru_cache(maxsize=4)
def _build(pwa_dir: Path, translations_dir: Path, languages: tuple, forms: FormRegistry, fingerprint) -> dict:
    # "bytes": the revision is the hash of the body as served, which the worker can check on the copy the page has
    # just loaded into the HTTP cache instead of asking the server again.
    entries = [{"url": url, "revision": _revision(path.read_bytes()), "bytes": True}
               for url, path in shell_files(pwa_dir)]
    current = sorted(forms.current(), key=lambda f: f.id)
    entries.append({"url": FORMS_URL, "revision": _revision([[f.id, f.version, f.title, f.schema.get("x-step", [])]
                                                             for f in current])})
    for form in sorted(forms.versions(), key=lambda f: (f.id, f.version)):
        entries.append({"url": form_url(form.id, form.version), "revision": _revision(form.schema)})
    for lang in languages:
        # "lang": the worker installs with the UI language's catalog and fetches the others once it is active.
        entries.append({"url": f"/i18n/{lang}.json", "revision": _revision(catalog_json(translations_dir, lang)),
                        "lang": lang})
    version = _revision([[e["url"], e["revision"]] for e in entries])
    return {"version": version, "entries": entries}
