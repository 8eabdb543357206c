"""One PDF from separately rendered parts (a dossier's cover and records), with the running footer stamped on.

The parts are joined page by page with pypdf. The footers ("Confidential · code", "Page 7 of 131") are rendered
by the engine as an overlay document once the page count is known, and each page draws its footer from that
document as a form XObject: a few bytes appended to the page, so no page's own content is parsed or rewritten.
An overlay is a set of sheets, each holding `per_sheet` footer bands of `band_pt` points from the top
(WeasyPrint prints 50 to a sheet, which is far cheaper than a page each), or one page per page (`band_pt` None:
wkhtmltopdf, whose page geometry is its own). A band's form keeps only the text drawn in that band, so a page
holds the text of its own footer and no other, also for text extraction and search. Objects the parts have in
common (above all the font subsets of records that print the same glyphs) are written once.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

from .base import RenderFailed


@dataclass(frozen=True)
class Overlay:
    pdf: bytes
    per_sheet: int = 1
    band_pt: float | None = None  # None: each sheet is a whole page laid over its page as it is


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


_TEXT_BLOCK = re.compile(rb"(?<![^\s])BT\s.*?\sET(?![^\s])", re.S)
_STATE = re.compile(rb"(?<![^\s])(q|Q|(?:-?[\d.]+\s+){6}cm)(?![^\s])")
_TEXT_MATRIX = re.compile(rb"((?:-?[\d.]+\s+){6})Tm")


def _multiply(m, n):
    """The matrix product m × n of PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]


def _band_streams(data: bytes, height: float, band_pt: float, bands: int) -> list[bytes]:
    """A sheet's content split into one stream per band: all of its drawing state (q, Q, cm, colours, clips),
    and of its text blocks (BT … ET; our footers are nothing but text) only those that start in the band."""
    kept: list[list[bytes]] = [[] for _ in range(bands)]
    ctm, stack, position = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], 0
    for block in _TEXT_BLOCK.finditer(data):
        between = data[position:block.start()]
        for state in _STATE.finditer(between):
            token = state.group(1)
            if token == b"q":
                stack.append(ctm)
            elif token == b"Q":
                ctm = stack.pop() if stack else ctm
            else:
                ctm = _multiply([float(v) for v in token.split()[:6]], ctm)
        for stream in kept:
            stream.append(between)
        matrix = _TEXT_MATRIX.search(block.group(0))
        e, f = (float(v) for v in matrix.group(1).split()[4:6]) if matrix else (0.0, 0.0)
        y = _multiply([1, 0, 0, 1, e, f], ctm)[5]
        band = int((height - y) // band_pt)
        if 0 <= band < bands:
            kept[band].append(block.group(0))
        position = block.end()
    return [b"".join(stream) + data[position:] for stream in kept]


def _forms(writer: PdfWriter, overlay: Overlay) -> list[tuple[object, float]]:
    """The footer of every page as a form XObject in `writer`, with how far it must be moved down to stand at
    the foot of its page: a whole overlay page (no move), or a band of a sheet."""
    forms = []
    for sheet in PdfReader(io.BytesIO(overlay.pdf)).pages:
        box = [float(v) for v in sheet.mediabox]
        height = box[3] - box[1]
        contents = sheet.get_contents()  # (a ContentStream is a dictionary: empty, it is false)
        data = contents.get_data() if contents is not None else b""
        resources = sheet["/Resources"].get_object().clone(writer)
        resources = writer._add_object(resources) if not hasattr(resources, "idnum") else resources
        streams = [data] if overlay.band_pt is None else \
            _band_streams(data, height, overlay.band_pt, overlay.per_sheet)
        for band, stream in enumerate(streams):
            form = _stream(stream).flate_encode()
            form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                         NameObject("/BBox"): ArrayObject([FloatObject(v) for v in box]),
                         NameObject("/Resources"): resources})
            bottom = 0.0 if overlay.band_pt is None else height - (band + 1) * overlay.band_pt
            forms.append((writer._add_object(form), bottom))
    return forms


def join(parts: list[bytes]) -> PdfWriter:
    """The pages of `parts`, in order (the footers are stamped on by `stamp`)."""
    writer = PdfWriter()
    for part in parts:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    return writer


def stamp(writer: PdfWriter, overlay: Overlay) -> bytes:
    """The PDF of the joined pages of `writer`, page n stamped with footer n of `overlay`."""
    forms = _forms(writer, overlay)
    pages = len(writer.pages)
    if len(forms) < pages:
        raise RenderFailed(f"the footer overlay covers {len(forms)} pages, not {pages}")
    # Every page's own content runs inside q … Q, so whatever state it leaves cannot move its footer.
    save, restore = writer._add_object(_stream(b"q\n")), writer._add_object(_stream(b"\nQ\n"))
    for number, (page, (form, bottom)) in enumerate(zip(writer.pages, forms)):
        name = f"/SFFooter{number}"  # pages may share one resource dictionary
        if overlay.band_pt is None:
            place = f"q {name} Do Q"
        else:
            width = float(page.mediabox.width)
            place = f"q 0 0 {width:.2f} {overlay.band_pt:.2f} re W n 1 0 0 1 0 {-bottom:.4f} cm {name} Do Q"
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        page[NameObject("/Resources")] = resources
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
        xobjects[NameObject(name)] = form
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else ArrayObject()
        own = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
        page[NameObject("/Contents")] = ArrayObject([save, *own, restore,
                                                     writer._add_object(_stream(place.encode("ascii")))])
    # Parts that print the same glyphs carry the same font subsets (and every band shares its sheet's
    # resources): keep each such object once, and leave out footer bands no page uses.
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

