"""Choosing an engine and rendering with it under a time limit and a cap on parallel renders."""
from __future__ import annotations

import os
import threading
import time

from . import weasy, wkhtml
from .base import EngineMissing, PageFooter, RenderTimeout

# In order of preference: wkhtmltopdf is the project's chosen engine; WeasyPrint stands in where it is missing
# (wkhtmltopdf is unmaintained and gone from Debian 13).
ENGINES = {wkhtml.NAME: wkhtml, weasy.NAME: weasy}

# Each render is a child process; more of them than cores only makes every one slower.
_slots = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def available_engines() -> list[str]:
    return [name for name, engine in ENGINES.items() if engine.available()]


def choose_engine(preferred: str | None = None) -> str:
    """`preferred` if given (it must be installed), else the first installed engine."""
    if preferred:
        if preferred not in ENGINES:
            raise EngineMissing(f"unknown PDF engine {preferred!r}; known: {', '.join(ENGINES)}")
        if not ENGINES[preferred].available():
            raise EngineMissing(f"the PDF engine {preferred} is not installed")
        return preferred
    installed = available_engines()
    if not installed:
        raise EngineMissing(f"no PDF engine is installed (need one of: {', '.join(ENGINES)})")
    return installed[0]


def render_pdf(html: str, footer: PageFooter, engine: str | None = None, timeout: float = 60.0) -> bytes:
    """The PDF of `html` (a complete document from our own, autoescaped templates) with `footer` on every page.
    Raises RenderTimeout after `timeout` seconds (waiting for a free slot included), RenderFailed otherwise."""
    name = choose_engine(engine)
    deadline = time.monotonic() + timeout
    if not _slots.acquire(timeout=timeout):
        raise RenderTimeout("no PDF render slot came free in time")
    try:
        return ENGINES[name].render(html, footer, deadline)
    finally:
        _slots.release()
