"""Reading the seed text: lines, the social-map sections, and undoing the PDF extraction's line wrapping.

Line numbers are 1-based and count '\\n' only (seed-spec §0): the file also holds U+2028 LINE SEPARATOR, which
`str.splitlines()` would treat as a break and so shift every later line number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# Page footers the extraction left inside the text ("Bijlagen methodiek Safe Future\ufffd 119", "132\ufffd Safe
# Future Methodiek"); \ufffd is the replacement character the extraction produced for a tab stop.
_FOOTER = re.compile(r"^\s*(Bijlagen methodiek Safe Future\W*\d+|\d+\W*Safe Future Methodiek)\s*$")

_SECTION_HEADINGS = (
    (re.compile(r"^\s?Bijlage 11\t"), "11"),
    (re.compile(r"^\s?Bijlage 12\t"), "12"),
    (re.compile(r"^\s?Bijlage 13\t"), "13"),
    (re.compile(r"^\s?Bijlage 14\t"), "14"),
    (re.compile(r"^\s?Aanvulling op sociale kaart: Overige contacten"), "other-contacts"),
    (re.compile(r"^\s?Aanvulling op sociale kaart: Internationale en Europese netwerken"), "network"),
    (re.compile(r"^\s?Colofon\s*$"), None),  # the end of the last section
)

BULLET = "\u2022"


class SeedFormatError(ValueError):
    """The seed does not have the structure the importer relies on; the message says what and where."""


@dataclass(frozen=True)
class Seed:
    lines: tuple[str, ...]  # cleaned lines; lines[0] is line 1

    def line(self, number: int) -> str:
        return self.lines[number - 1]

    def span(self, first: int, last: int) -> list[tuple[int, str]]:
        return [(n, self.lines[n - 1]) for n in range(first, last + 1)]


def clean_line(line: str) -> str:
    """One raw line, with U+2028 and no-break spaces as plain spaces and page footers blanked."""
    line = line.replace("\u2028", " ").replace("\u00a0", " ").replace("\r", "")
    return "" if _FOOTER.match(line) else line


def read_seed(path: str | Path) -> Seed:
    text = Path(path).read_text(encoding="utf-8")
    return Seed(tuple(clean_line(line) for line in text.split("\n")))


def find_sections(seed: Seed) -> dict[str, tuple[int, int]]:
    """{section: (first line, last line)} for Bijlagen 11–14 and the two supplements, found by their headings."""
    starts: list[tuple[int, str | None]] = []
    for number, line in enumerate(seed.lines, start=1):
        for pattern, name in _SECTION_HEADINGS:
            if pattern.match(line):
                starts.append((number, name))
    names = [name for _, name in starts]
    expected = [name for _, name in _SECTION_HEADINGS]
    if names != expected:
        raise SeedFormatError(f"social-map section headings found in order {names}, expected {expected}")
    return {name: (start, starts[i + 1][0] - 1) for i, (start, name) in enumerate(starts) if name is not None}


def join_wrapped(lines: list[str], hard_break: str = "\n", min_wrapped_length: int = 0) -> str:
    """Join lines the PDF extraction wrapped, keep the breaks the author made.

    The extraction leaves a trailing space on a line that was wrapped mid-sentence and a hyphen on a word it
    split; a line without either ended where the author ended it, and so does a line before a bullet. A split
    word loses its hyphen when the next part starts in lower case (`slachtof-`/`fers`), and keeps it otherwise
    (`Oost-`/`Europese`, `66053-`/`350`). Blank lines carry no meaning in this text and are dropped.

    In table cells a value of several short lines (`Tel: …` / `Fax: …`, two names) also ends lines with a space;
    there `min_wrapped_length` says how long a line must be to count as wrapped at the column's edge.
    """
    out = ""
    previous = None
    for raw in lines:
        if not raw.strip():
            continue
        line = normalise_spaces(raw)
        if previous is None:
            out = line
        elif line.startswith(BULLET):
            out += hard_break + line
        elif previous.endswith("-") and not previous.endswith(" -") and previous.rstrip() == previous:
            out = out[:-1] + line if line[0].islower() else out + line
        elif previous != previous.rstrip() and len(previous.strip()) >= min_wrapped_length:
            out = out.rstrip() + " " + line
        else:
            out += hard_break + line
        previous = raw.replace("\t", " ")
    return out.strip()


def normalise_spaces(text: str) -> str:
    """Tabs and runs of spaces as one space, bullets as '• ', no space after an opening parenthesis."""
    text = re.sub(r"[ \t]+", " ", text.strip())
    return re.sub(r"\(\s+", "(", text)


# A table cell line at least this long (without its label) that ends in a space was wrapped at the cell's edge.
CELL_WRAP_LENGTH = 45


def split_cell_lines(lines: list[str]) -> list[str]:
    """The lines of a table cell after undoing wraps: one entry per line the author made."""
    joined = join_wrapped(lines, min_wrapped_length=CELL_WRAP_LENGTH)
    return [part for part in joined.split("\n") if part]
