"""What every engine adapter shares: where the assets are, the page footer, and how a render fails."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

ASSETS_DIR = (Path(__file__).parent / "assets").resolve()
TEMPLATES_DIR = (Path(__file__).parent.parent / "templates").resolve()


@functools.cache
def asset_text(name: str) -> str:
    """A shipped asset's text (a style sheet), read once per process: every printout inlines it."""
    return (ASSETS_DIR / name).read_text(encoding="utf-8")


PAGE, PAGES = "{page}", "{pages}"
_MARKER = re.compile(r"(\{page\}|\{pages\})")


@dataclass(frozen=True)
class Part:
    """A rendered document (a dossier's cover, a record) and how many pages it has."""

    pdf: bytes
    pages: int


class RenderFailed(Exception):
    """The engine could not make the PDF. The message names the engine and the cause, never document text."""


class RenderTimeout(RenderFailed):
    """The engine overran its time and was killed (or no render slot came free in time)."""


class EngineMissing(RenderFailed):
    """The requested engine is not installed here."""


@dataclass(frozen=True)
class PageFooter:
    """The running footer of every page: `left` (e.g. "Confidential") and `page_label`, a text holding the
    markers {page} and {pages} (e.g. "Page {page} of {pages}")."""

    left: str
    page_label: str

    def page_text(self, page: int, pages: int) -> str:
        return self.page_label.replace(PAGES, str(pages)).replace(PAGE, str(page))

    def label_parts(self) -> list[str]:
        """`page_label` split into literal text and the markers, in order."""
        return [part for part in _MARKER.split(self.page_label) if part]
