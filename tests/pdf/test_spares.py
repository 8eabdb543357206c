"""WeasyPrint's spare render processes (app/pdf/weasy.py): started and warmed up ahead of a printout, taken by it,
replaced after it, never one printout's process for the next."""
from __future__ import annotations

import os
import signal
import time

import pytest

from app.pdf import PageFooter, render_pdf, weasy

from .helpers import has, page_count, pdf_text

FOOTER = PageFooter("Confidential · C-1", "Page {page} of {pages}")
PARTS = [f'<!doctype html><html><head><meta charset="utf-8"></head><body><p>Part {n}</p></body></html>'
         for n in range(4)]


@pytest.fixture
def spares():
    weasy.start(2)
    wait_until(lambda: len(weasy._spares.ready()) == 2, timeout=60)
    yield weasy._spares
    weasy._spares.keep(0)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A process that ended and was not yet reaped by the fork server is a zombie: not alive either.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def wait_until(condition, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_printout_takes_the_spares_and_new_ones_replace_them(spares):
    before = spares.ready()
    assert len(before) == 2 and all(alive(pid) for pid in before)
    pdf = render_pdf(PARTS, FOOTER, "weasyprint", timeout=60)
    assert page_count(pdf) == 4 and has(pdf_text(pdf, 4, 4), "Page 4 of 4")
    after = spares.ready()
    # The used ones are gone (each serves one printout); as many fresh ones wait for the next.
    assert len(after) == len(before) and not set(after) & set(before)
    wait_until(lambda: not any(alive(pid) for pid in before))
    assert all(alive(pid) for pid in after)


def test_a_spare_that_died_is_passed_over(spares):
    dead, *rest = spares.ready()
    os.kill(dead, signal.SIGKILL)
    wait_until(lambda: not alive(dead))
    pdf = render_pdf(PARTS, FOOTER, "weasyprint", timeout=60)
    assert page_count(pdf) == 4
    assert dead not in spares.ready()


def test_with_no_spares_wanted_none_waits_after_a_printout(spares):
    spares.keep(0)
    pdf = render_pdf(PARTS[:1], FOOTER, "weasyprint", timeout=60)
    assert page_count(pdf) == 1 and spares.ready() == []


def test_a_printout_is_not_failed_by_spares_that_cannot_be_started(spares, monkeypatch):
    launch = weasy._launch

    def no_spares(warm: bool):
        if warm:
            raise OSError("no more processes")
        return launch(warm)

    monkeypatch.setattr(weasy, "_launch", no_spares)
    for _ in range(2):  # the ready spares, then none: the printout starts its own
        pdf = render_pdf(PARTS, FOOTER, "weasyprint", timeout=60)
        assert page_count(pdf) == 4
    assert spares.ready() == []
