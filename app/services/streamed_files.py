"""Files made as a stream of chunks, never written to disk: a zip archive, and an XLSX workbook (a zip of XML parts).

Exports hold personal data, which must not be at rest in plaintext (ARCHITECTURE.md §6). openpyxl writes every
sheet to a named temporary file before zipping it, so the exports write SpreadsheetML themselves: a sheet is a
zip member streamed row by row (strings inline, so no shared-strings table grows with the data), and the parts
that list the sheets come last; a zip member order XLSX readers accept. The zip is written to a pipe, not a
file: with no way to seek back, each member's sizes follow it in a data descriptor.
"""
from __future__ import annotations

import io
import math
import re
import zipfile
from typing import Iterable, Iterator
from xml.sax.saxutils import escape, quoteattr

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 does not allow (a control character pasted into a field): shown as U+FFFD instead.
ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
BOLD = 1  # the style index of bold text (styles.xml below)


class _Pipe(io.RawIOBase):
    """A writable that hands what is written to whoever drains it."""

    def __init__(self):
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        if len(b):  # the compressor often has nothing to give yet
            self._chunks.append(bytes(b))
        return len(b)

    def drain(self) -> Iterator[bytes]:
        chunks, self._chunks = self._chunks, []
        yield from chunks


class ZipStream:
    """A deflated zip archive as a stream of chunks: members one after another, each from an iterable of bytes."""

    def __init__(self):
        self._pipe = _Pipe()
        self._zip = zipfile.ZipFile(self._pipe, "w", compression=zipfile.ZIP_DEFLATED)

    def member(self, name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
        with self._zip.open(name, "w", force_zip64=True) as entry:
            for chunk in chunks:
                entry.write(chunk)
                yield from self._pipe.drain()
        yield from self._pipe.drain()

    def close(self) -> Iterator[bytes]:
        """The central directory: one entry per member, however many rows they had."""
        self._zip.close()
        yield from self._pipe.drain()


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class SheetRows:
    """A sheet's rows as SpreadsheetML, numbered from 1 as they are made. A number stays a number; anything else
    is an inline string; None and "" leave the cell out."""

    def __init__(self):
        self._count = 0
        self._letters: list[str] = []

    def row(self, values: Iterable, style: int = 0) -> bytes:
        self._count += 1
        number = self._count
        attribute = f' s="{style}"' if style else ""
        cells = []
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            while len(self._letters) <= index:
                self._letters.append(column_letters(len(self._letters)))
            ref = f"{self._letters[index]}{number}"
            if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
                cells.append(f'<c r="{ref}"{attribute}><v>{value!r}</v></c>')
            else:
                text = escape(ILLEGAL_XML.sub("\ufffd", str(value)))
                cells.append(f'<c r="{ref}"{attribute} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        return f'<row r="{number}">{"".join(cells)}</row>'.encode("utf-8")


class XlsxStream:
    """An XLSX workbook as a stream of chunks: `sheet` streams one sheet's rows (SheetRows output), `close` writes
    the workbook, its relationships, content types and styles, and the zip's directory."""

    def __init__(self):
        self._zip = ZipStream()
        self._names: list[str] = []

    def sheet(self, name: str, rows: Iterable[bytes], widths: dict[int, float] | None = None) -> Iterator[bytes]:
        self._names.append(name)
        cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>'
                       for i, w in sorted((widths or {}).items()))

        def parts() -> Iterator[bytes]:
            yield (f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}">' + (f"<cols>{cols}</cols>" if cols else "")
                   + "<sheetData>").encode("utf-8")
            yield from rows
            yield b"</sheetData></worksheet>"

        yield from self._zip.member(f"xl/worksheets/sheet{len(self._names)}.xml", parts())

    def close(self) -> Iterator[bytes]:
        sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, name in enumerate(self._names, start=1))
        sheet_rels = "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, len(self._names) + 1))
        overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
                            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                            for i in range(1, len(self._names) + 1))
        parts = {
            "xl/workbook.xml": f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>',
            "xl/_rels/workbook.xml.rels":
                f'<Relationships xmlns="{PACKAGE_REL_NS}">{sheet_rels}<Relationship Id="rId{len(self._names) + 1}" '
                f'Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>',
            "xl/styles.xml": STYLES,
            "_rels/.rels": f'<Relationships xmlns="{PACKAGE_REL_NS}"><Relationship Id="rId1" '
                           f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            "[Content_Types].xml":
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f"{overrides}</Types>",
        }
        for name, xml in parts.items():
            yield from self._zip.member(name, [(XML_HEAD + xml).encode("utf-8")])
        yield from self._zip.close()


# Two fonts (regular, bold) and a cell format for each: style 0 is plain, style 1 (BOLD) is bold.
STYLES = (
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
