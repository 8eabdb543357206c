"""What a first visit downloads before the field app works fully offline (not a timed test).

The service worker precaches every URL its list names (written by the server into /sw.js): the app shell,
vendored code, every version of every instrument and the catalogs of all three languages; it installs with the
UI language's catalog (counted as Dutch here) and fetches the other two once the app works offline. This script
asks the real application (Flask test client, no network) for /sw.js and each of those URLs exactly as a browser
does (Accept-Encoding: gzip) and adds up the bytes of the bodies as served. The page's own first requests for
shell files are revalidated by the worker (304 Not Modified), so each URL counts once. HTTP headers are not
counted.

    python bench/pwa_payload.py            # a Markdown table
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import create_app  # noqa: E402

LATER = "other languages (after offline-ready)"
GROUPS = ("app shell", "vendored code", "instruments", "translations", LATER)
UI_LANGUAGE = "nl"  # the worker installs with the UI language's catalog; the others follow (sw.js)


def group_of(entry: dict) -> str:
    url = entry["url"]
    if url.startswith("/vendor/"):
        return "vendored code"
    if url.startswith("/api/v1/forms"):
        return "instruments"
    if url.startswith("/i18n/"):
        return "translations" if entry.get("lang") in (None, UI_LANGUAGE) else LATER
    return "app shell"


def measure() -> dict[str, dict[str, int]]:
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"TESTING": True, "STORE": "memory", "DATA_DIR": Path(data_dir)})
        client = app.test_client()
        worker = client.get("/sw.js", headers={"Accept-Encoding": "gzip"})
        plain = client.get("/sw.js").get_data(as_text=True)
        manifest = json.loads(plain.split("\n", 1)[0][len("self.PRECACHE = "):-1])
        totals = {g: {"files": 0, "served": 0, "raw": 0} for g in GROUPS}
        totals["app shell"].update(files=1, served=len(worker.get_data()), raw=len(plain.encode()))
        for entry in manifest["entries"]:
            served = client.get(entry["url"], headers={"Accept-Encoding": "gzip"})
            assert served.status_code == 200, entry["url"]
            raw = client.get(entry["url"])
            group = totals[group_of(entry)]
            group["files"] += 1
            group["served"] += len(served.get_data())
            group["raw"] += len(raw.get_data())
        forms = app.extensions["safefuture"].forms
        totals["_forms"] = {"current": len(forms.current()), "versions": len(forms.versions())}
        return totals


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def table(totals: dict) -> str:
    forms = totals.pop("_forms")
    lines = ["| part | files | KB as served (gzip) | KB uncompressed |", "|---|---:|---:|---:|"]
    for group in GROUPS:
        t = totals[group]
        lines.append(f"| {group} | {t['files']} | {kb(t['served'])} | {kb(t['raw'])} |")
    all_files = sum(t["files"] for t in totals.values())
    served = sum(t["served"] for t in totals.values())
    raw = sum(t["raw"] for t in totals.values())
    lines.append(f"| **total** | {all_files} | **{kb(served)}** | {kb(raw)} |")
    later = totals[LATER]
    lines.append(f"| **before offline-ready** (all but the other languages) | {all_files - later['files']} | "
                 f"**{kb(served - later['served'])}** | {kb(raw - later['raw'])} |")
    shell = totals["app shell"]["served"] + totals["vendored code"]["served"]
    content = totals["instruments"]["served"] + totals["translations"]["served"] + later["served"]
    lines.append("")
    lines.append(f"{forms['current']} instrument(s), {forms['versions']} version(s) in all. Shell (app shell + "
                 f"vendored code): {kb(shell)} KB; content it carries (instruments + translations): {kb(content)} KB. "
                 f"Goal shell < content: {'met' if shell < content else 'not met'} "
                 f"(ratio {shell / content:.2f}).")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(measure()))
