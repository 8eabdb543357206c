"""The drawings have one layout, written twice: pwa/js/drawings/ (the app, offline) and its port
app/domain/drawings/ (the PDF). On every fixture (tests/drawings/) the app's modules, run in Chromium, and the
server's must make the very same scene: every element, attribute and text."""
from __future__ import annotations

import json

import pytest

from app.domain import drawings
from tests.drawings.families import fixtures

from .conftest import PROJECT

pytestmark = pytest.mark.browser

SCHEMAS = {kind: json.loads((PROJECT / "forms" / f"{kind}.schema.json").read_text(encoding="utf-8"))
           for kind in ("genogram", "ecogram")}


@pytest.fixture(scope="module")
def js_scenes(browser, server):
    """The scenes of every fixture as the app's modules make them (with msgids for labels)."""
    context = browser.new_context(base_url=server.url)
    page = context.new_page()
    page.goto("/manifest.webmanifest")
    scenes = page.evaluate("""async ([fixtures, schemas]) => {
      const modules = { genogram: await import('/js/drawings/genogram.js'), ecogram: await import('/js/drawings/ecogram.js') };
      const out = {};
      for (const kind of Object.keys(fixtures)) {
        out[kind] = {};
        for (const [name, data] of Object.entries(fixtures[kind])) out[kind][name] = modules[kind].scene(data, (m) => m, schemas[kind]);
      }
      return out;
    }""", [{kind: fixtures(kind) for kind in SCHEMAS}, SCHEMAS])
    context.close()
    return scenes


@pytest.mark.parametrize("kind, name", [(kind, name) for kind in SCHEMAS for name in fixtures(kind)])
def test_app_and_server_draw_the_same(js_scenes, kind, name):
    server_scene = drawings.scene(kind, fixtures(kind)[name], lambda msgid: msgid, SCHEMAS[kind])
    assert js_scenes[kind][name] == json.loads(json.dumps(server_scene))


def _links_cases() -> list[tuple[str, dict]]:
    """The genogram example and each of its bad variants (tests/forms/examples/genogram.v2.json), as final and
    as draft, and a draft with every kind of bad link at once."""
    from tests.forms.test_example_records import _apply

    example = json.loads((PROJECT / "tests" / "forms" / "examples" / "genogram.v2.json").read_text(encoding="utf-8"))
    records = [example["valid"]] + [_apply(example["valid"], case) for case in example["invalid"]]
    messy = fixtures("genogram")["a draft with links to nobody, a circle and duplicate ids"]
    messy = {**messy, "partners": [p for p in messy["partners"] if p["status"] != "engaged"],
             "relations": [r for r in messy["relations"] if r["kind"] != "hugging"]}
    return [(status, r) for r in records for status in ("final", "draft")] + [("draft", messy)]


def test_app_and_server_refuse_the_same_links(device):
    from app.domain.errors import Invalid
    from app.domain.forms import FormRegistry

    forms = FormRegistry(PROJECT / "forms")
    form = forms.get("genogram", 2)
    cases = _links_cases()
    page = device.open().page
    results = page.evaluate("""async ([schema, cases]) => {
      const { prepare } = await import('/js/schema-validate.js');
      return cases.map(([status, data]) => prepare(schema, data, status).errors);
    }""", [form.schema, cases])
    refused = 0
    for (status, data), device_errors in zip(cases, results):
        try:
            forms.prepare(form, data, status)
            server_errors = []
        except Invalid as e:
            server_errors = e.errors
            refused += 1
        assert sorted((e["path"], e["message"]) for e in device_errors) == \
            sorted((e["path"], e["message"]) for e in server_errors), (status, data)
    assert refused >= 15
