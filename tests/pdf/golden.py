"""Golden page images: what the PDF export printed for three instruments before the speed work of issue 18, per
engine, so a later change to the templates, the CSS or the way a dossier is put together cannot lose a page,
a box or a line unnoticed. The documents are a dossier (cover, Overzicht 1, the Personal Return Action Plan
overzicht-3, the long synthetic action plan) in English and one Overzicht 1 in Dutch with Bulgarian, every
field that shows filled in. The instruments are frozen copies (fixtures/golden-forms/), so wording changes of
the real instruments do not move the goldens; the clock is fixed.

Goldens are small: one PNG per document and engine (tests/pdf/golden/<document>-<engine>.png), its pages at
40 dpi in 16 grey levels stacked top to bottom.
A page matches when its image, both slightly blurred, differs from the golden's in few pixels and holds about
as much ink (see `compare`): anti-aliasing and a font hinting change pass, a missing line or box does not.

    python -m tests.pdf.golden [--engine wkhtmltopdf|weasyprint]

rewrites the goldens from today's output: look at every page before committing them.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter
from PIL.PngImagePlugin import PngInfo

from tests.conftest import PASSWORD, Api, change

from .helpers import FIXTURES, Filler, fill_valid

GOLDEN_DIR = Path(__file__).parent / "golden"
FORMS = FIXTURES / "golden-forms"
DPI = 40
LEVELS = 16
NOW = "2025-06-02T09:30:00.000Z"
YORUBA = "Ọ̀yọ́ ẹ̀gbọ́n àárọ̀ Adéṣọlá ẹ ọ ṣ"
CYRILLIC = "Дългове към трафикантите; семейството е заплашено."


def golden_app(tmp: Path, engine: str):
    from app import create_app
    from app.services import accounts
    forms = tmp / "forms"
    shutil.copytree(FORMS, forms)
    translations = tmp / "translations"
    shutil.copytree(FIXTURES / "translations", translations)
    app = create_app({"TESTING": True, "DATA_DIR": tmp / "instance", "STORE": "memory", "PDF_ENGINE": engine,
                      "FORMS_DIR": forms, "TRANSLATIONS_DIR": translations})
    c = app.extensions["safefuture"]
    c.now = lambda: NOW
    accounts.create_org(c, "golden-org", "Golden Shelter", "NL", "counselling")
    accounts.create_user(c, "golden@example.org", "golden-org", "counsellor", PASSWORD)
    return app


def overzicht1_data(forms) -> dict:
    data = fill_valid(forms, forms.get("overzicht-1"), Filler(conditional=True))
    pattern = ["++", "+", "-", "--", None]
    for b, block in enumerate(("nl", "coo")):
        for n in range(1, 11):
            factor = data[block].setdefault(f"f{n}", {})
            factor["note"] = f"Note on factor {n} of {block}: the client talked about it at length. " * (n % 3 + 1)
            score = pattern[(n + b) % len(pattern)]
            if score:
                factor["score"] = score
            else:
                factor.pop("score", None)
    data["nl"]["f2"]["note"] = YORUBA
    data["coo"]["f3"]["note"] = CYRILLIC
    data.update(scored_on="2025-03-03", occasion="First talk about the future after the decision")
    data.pop("status_other")  # shows only with the status "other"
    return data


def long_plan_data() -> dict:
    from .test_export import long_plan
    data = long_plan()
    # Every field filled in: an empty answer is allowed to print shorter than it did.
    data["background"]["education"]["netherlands"] = "Dutch lessons"
    data["health"]["care_needed"] = "A doctor who speaks Yoruba"
    data["evaluation"] = "To be evaluated after three months."
    return data


@dataclass
class Document:
    pdf: bytes
    phrases: list[str]  # what the printout must hold: every answer's text


def documents(app) -> dict[str, Document]:
    """Every golden document of `app`'s engine by name."""
    c = app.extensions["safefuture"]
    api = Api(app, "golden@example.org")
    case_id = api.new_case(code="GOLD-1")

    def save(form_id: str, data: dict) -> str:
        record_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"golden/{form_id}"))
        form = c.forms.get(form_id)
        r = api.put(f"/api/v1/records/{record_id}", change(case_id, data, form_id=form_id, form_version=form.version))
        assert r.status_code == 201, r.json
        return record_id

    def pdf(url: str) -> bytes:
        r = api.get(url)
        assert r.status_code == 200, r.get_json()
        return r.data

    ov1_data = overzicht1_data(c.forms)
    ov3_data = fill_valid(c.forms, c.forms.get("overzicht-3"), Filler(conditional=True))
    plan_data = long_plan_data()
    ov1, ov3, plan = save("overzicht-1", ov1_data), save("overzicht-3", ov3_data), save("long-plan", plan_data)
    notes = [factor["note"] for block in ("nl", "coo") for factor in ov1_data[block].values()]
    ov1_phrases = [*notes, ov1_data["occasion"], "GOLD-1", "Golden Shelter", *tokens(ov1_data)]
    long_texts = (plan_data["housing"]["plan"], plan_data["safety"], plan_data["background"]["work"]["country_of_origin"])
    plan_phrases = [*(line for text in long_texts for line in text.split("\n")), plan_data["evaluation"],
                    *(action["what"] for action in plan_data["actions"]), "Фондация Шипка"]
    return {"dossier-en": Document(pdf(f"/api/v1/cases/{case_id}/pdf?lang=en&records={ov1},{ov3},{plan}"),
                                   [*ov1_phrases, *tokens(ov3_data), *plan_phrases]),
            "overzicht-1-nl-bg": Document(pdf(f"/api/v1/records/{ov1}/pdf?lang=nl&lang2=bg"), ov1_phrases)}


def tokens(data: dict) -> list[str]:
    """The Filler's tokens in `data` (qv1qv, qv2qv …)."""
    return re.findall(r"qv\d+qv", json.dumps(data))


def page_images(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    """Every page as a greyscale image."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(dpi), str(source), f"{tmp}/p"], check=True,
                       timeout=120)
        return [Image.open(path).convert("L") for path in sorted(Path(tmp).glob("p-*.png"),
                                                           key=lambda p: int(p.stem.split("-")[-1]))]


def quantized(image: Image.Image) -> Image.Image:
    step = 256 // LEVELS
    return image.point(lambda v: min(255, (v // step) * step + step // 2) if v < 256 - step else 255)


def golden_path(name: str, engine: str) -> Path:
    return GOLDEN_DIR / f"{name}-{engine}.png"


def golden_pages(name: str, engine: str) -> list[Image.Image]:
    """The golden's pages (the PNG's text chunk "pages" says how many are stacked in it)."""
    strip = Image.open(golden_path(name, engine))
    count = int(strip.text["pages"])
    height = strip.height // count
    return [strip.crop((0, n * height, strip.width, (n + 1) * height)).convert("L") for n in range(count)]


@dataclass
class PageDifference:
    page: int
    changed: float  # share of the page's pixels that differ clearly after blurring
    ink: float  # the page's ink relative to the golden's (1.0: the same)

    def acceptable(self) -> bool:
        return self.changed <= 0.004 and 0.98 <= self.ink <= 1.02


def ink(image: Image.Image) -> float:
    """How much is printed on a page: the sum of darkness."""
    histogram = image.histogram()
    return sum((255 - value) * count for value, count in enumerate(histogram[:256]))


def compare(page: Image.Image, golden: Image.Image, number: int) -> PageDifference:
    """A page against its golden: both quantized like the golden and blurred by about a text line's stroke,
    then the share of pixels that differ by more than a quarter of the grey scale, and the ratio of ink."""
    page = quantized(page.convert("L"))
    golden = golden.convert("L")
    if page.size != golden.size:
        page = page.resize(golden.size)
    blur = ImageFilter.GaussianBlur(1)
    difference = ImageChops.difference(page.filter(blur), golden.filter(blur))
    changed = sum(difference.histogram()[64:]) / (golden.width * golden.height)
    golden_ink = ink(golden)
    return PageDifference(number, changed, ink(page) / golden_ink if golden_ink else 1.0)


def write_goldens(engine: str) -> list[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        app = golden_app(Path(tmp), engine)
        try:
            made = documents(app)
        finally:
            app.extensions["safefuture"].store.close()
    GOLDEN_DIR.mkdir(exist_ok=True)
    written = []
    for name, document in made.items():
        pages = [quantized(image) for image in page_images(document.pdf)]
        strip = Image.new("L", (pages[0].width, pages[0].height * len(pages)), 255)
        for number, page in enumerate(pages):
            strip.paste(page, (0, number * page.height))
        info = PngInfo()
        info.add_text("pages", str(len(pages)))
        path = golden_path(name, engine)
        strip.convert("P", palette=Image.Palette.ADAPTIVE, colors=LEVELS).save(path, "PNG", optimize=True,
                                                                             pnginfo=info)
        written.append(path)
    return written


def main() -> None:
    from app.pdf import available_engines
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=available_engines(), action="append")
    args = parser.parse_args()
    for engine in args.engine or available_engines():
        paths = write_goldens(engine)
        print(json.dumps({"engine": engine, "bytes": sum(p.stat().st_size for p in paths)}))


if __name__ == "__main__":
    main()
