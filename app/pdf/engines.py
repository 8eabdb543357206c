"""Choosing an engine and rendering with it under a time limit and a cap on parallel renders.

A printout is one or more parts (a dossier: its cover, then each record), each a complete HTML document. The
parts are rendered side by side by as many render processes as there are render slots, each taking the next part
when it is done with one; the PDFs are joined and every page gets its footer afterwards (assembly.py), so the
page numbers run across the parts.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from . import assembly, weasy, wkhtml
from .base import EngineMissing, PageFooter, Part, RenderTimeout
from .cache import PdfCache, part_key

# In order of preference: wkhtmltopdf is the project's chosen engine; WeasyPrint stands in where it is missing
# (wkhtmltopdf is unmaintained and gone from Debian 13).
ENGINES = {wkhtml.NAME: wkhtml, weasy.NAME: weasy}

# Each render is a child process; more of them than cores only makes every one slower.
SLOTS = max(1, os.cpu_count() or 1)
_slots = threading.BoundedSemaphore(SLOTS)


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


def start(preferred: str | None = None, processes: int = SLOTS) -> None:
    """Start what the engine needs ahead of the first printout (WeasyPrint's warmed-up fork server and
    `processes` render processes ready for it), if an engine is installed; printing says so when none is."""
    try:
        ENGINES[choose_engine(preferred)].start(max(1, min(processes, SLOTS)))
    except EngineMissing:
        pass


@contextmanager
def _slot(deadline: float):
    """A render slot, once one is free (waiting counts against the deadline)."""
    if not _slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise RenderTimeout("no PDF render slot came free in time")
    try:
        yield
    finally:
        _slots.release()


def render_pdf(parts: str | list[str], footer: PageFooter, engine: str | None = None, timeout: float = 60.0,
               cache: PdfCache | None = None, processes: int = SLOTS) -> bytes:
    """The PDF of `parts` (complete HTML documents from our own, autoescaped templates; one string for one
    document), one after the other, with `footer` on every page. Parts found in `cache` are not rendered again;
    the others render in up to `processes` render processes at once (and never more than SLOTS in this server
    process), the largest first, so that none is left with a large part at the end while the others wait.
    The last render process to finish also renders the footers, while this thread joins the parts' pages.
    Raises RenderTimeout after `timeout` seconds (waiting for free slots included), RenderFailed otherwise."""
    name = choose_engine(engine)
    adapter = ENGINES[name]
    deadline = time.monotonic() + timeout
    parts = [parts] if isinstance(parts, str) else parts
    keys = [part_key(name, html) for html in parts]
    rendered: list[Part | None] = [cache.get(key) if cache is not None else None for key in keys]
    missing = deque(sorted((n for n, part in enumerate(rendered) if part is None), key=lambda n: -len(parts[n])))
    workers = max(1, min(len(missing), processes, SLOTS))
    lock, failed, running = threading.Lock(), threading.Event(), [workers]
    parts_done = threading.Event()  # every part is rendered, or a render failed

    def work():
        try:
            with _slot(deadline), adapter.Renderer() as renderer:
                while not failed.is_set():
                    with lock:
                        if not missing:
                            break
                        n = missing.popleft()
                    rendered[n] = renderer.render_body(parts[n], deadline)
                    if cache is not None:
                        cache.put(keys[n], rendered[n])
                with lock:
                    running[0] -= 1
                    last = running[0] == 0
                if last and not failed.is_set():
                    parts_done.set()
                    return renderer.footer_overlay(footer, sum(part.pages for part in rendered), deadline)
        except BaseException:
            failed.set()  # the other render processes take no further part
            parts_done.set()
            raise
        return None

    with adapter.printout(), ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(work) for _ in range(workers)]
        parts_done.wait()
        joined = None if failed.is_set() else assembly.join([part.pdf for part in rendered])
        overlays = [future.result() for future in futures]
        return assembly.stamp(joined, next(overlay for overlay in overlays if overlay is not None))
