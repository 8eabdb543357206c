"""Helpers of the PDF tests: reading PDFs with poppler, saving them for a person to look at, and a local HTTP
server that records whether anything tried to fetch from it."""
from __future__ import annotations

import http.server
import os
import re
import subprocess
import threading
import unicodedata
from contextlib import contextmanager
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).resolve().parents[2]


def artifacts_dir() -> Path:
    root = Path(os.environ.get("SAFEFUTURE_ARTIFACTS") or PROJECT / "test-artifacts")
    folder = root / "screenshots" / "pdf"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_artifact(name: str, pdf: bytes, pages: int = 2) -> Path:
    """Write `name`.pdf and PNGs of its first pages (`name`-1.png, …) for a person to look at."""
    path = artifacts_dir() / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(pages), str(path), str(path.with_suffix(""))],
                   check=True, timeout=60)
    return path


def pdf_text(pdf: bytes, first: int | None = None, last: int | None = None, raw: bool = False) -> str:
    """The PDF's text, NFC. `raw` keeps the content stream's order: pdftotext's default layout analysis detaches
    a tone mark that the font raises above a capital (Ẹ̀, Ṣ̀) into a word of its own, with either engine, although
    the page shows it in place and the PDF holds the text in order."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []), *pages, "-", "-"], input=pdf,
                          capture_output=True,
                          check=True, timeout=60)
    return unicodedata.normalize("NFC", done.stdout.decode("utf-8"))


def squash(text: str) -> str:
    """Text without whitespace: a phrase may wrap anywhere on the page."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def has(text: str, phrase: str) -> bool:
    return squash(phrase) in squash(text)


def page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


@contextmanager
def watched_server():
    """A local HTTP server on a free port; yields (port, hits): every request path it received."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b"<p>FETCHED-FROM-LOCAL-SERVER</p>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], hits
    finally:
        server.shutdown()
        server.server_close()


class Filler:
    """Fills every field of a schema that always shows (no `x-showIf`; with `conditional`, those too) with a value
    of the right shape: strings get unique tokens (qv1qv, qv2qv …) to look for in the PDF, options their first
    value, lists two entries."""

    def __init__(self, conditional: bool = False):
        self.count = 0
        self.conditional = conditional
        self.ids: list[str] = []  # the row ids made so far, for the links to name

    def token(self, limit: int) -> str:
        self.count += 1
        text = f"qv{self.count}qv"
        return text if len(text) <= limit else "x" * limit

    def value(self, schema: dict):
        kind = schema.get("type")
        widget = schema.get("x-widget")
        if widget in ("row-id", "genogram-person"):  # ids, never printed: not answers to look for
            self.ids.append(f"id{len(self.ids)}")
            return self.ids[-1]
        if widget == "person":  # a link names the last row made (the registry refuses what makes no sense)
            return self.ids[-1] if self.ids else "nobody"
        if widget == "persons":
            return []
        if "enum" in schema:
            return schema["enum"][0]
        if kind == "object":
            return {name: self.value(prop) for name, prop in schema.get("properties", {}).items()
                    if (self.conditional or "x-showIf" not in prop) and "x-computed" not in prop
                    and not prop.get("readOnly")}
        if kind == "array":
            items = schema.get("items", {})
            if "enum" in items:
                return items["enum"][:2]
            return [self.value(items) for _ in range(min(2, schema.get("maxItems", 2)))]
        if kind == "boolean":
            return True
        if kind in ("integer", "number"):
            return schema.get("minimum", 1)
        if schema.get("format") == "date":
            return "2025-01-02"
        return self.token(schema.get("maxLength", 500))


def fill_valid(forms, form, filler: Filler) -> dict:
    """`form`'s data as `filler` fills it, less what a token cannot satisfy (an e-mail format, a currency
    pattern): such fields are dropped until the registry accepts the draft."""
    from app.domain.errors import Invalid
    data = filler.value(form.schema)
    for _ in range(5):
        try:
            forms.prepare(form, data, "draft")
            return data
        except Invalid as e:
            # Deepest paths and highest list indexes first, so that no removal shifts another error's path.
            paths = {tuple(p.replace("~1", "/").replace("~0", "~") for p in error["path"].split("/")[1:])
                     for error in e.errors}
            for *parents, last in sorted(paths, key=lambda p: (len(p), [int(x) if x.isdigit() else -1 for x in p]),
                                         reverse=True):
                node = data
                for part in parents:
                    node = node[int(part)] if isinstance(node, list) else node.get(part)
                    if node is None:
                        break
                if isinstance(node, list) and int(last) < len(node):
                    node.pop(int(last))
                elif isinstance(node, dict):
                    node.pop(last, None)
    forms.prepare(form, data, "draft")
    return data
