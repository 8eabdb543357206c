"""The form registry: loading instruments, draft/final validation, computed fields and error paths."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from app.domain.errors import Invalid, NotFound
from app.domain.forms import FormRegistry

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"


@pytest.fixture(scope="module")
def registry() -> FormRegistry:
    return FormRegistry(FORMS_DIR)


@pytest.fixture(scope="module")
def overzicht(registry):
    return registry.get("overzicht-1")


def errors_of(registry, form, data, status) -> list[tuple[str, str]]:
    with pytest.raises(Invalid) as exc:
        registry.prepare(form, data, status)
    return [(e["path"], e["message"]) for e in exc.value.errors]


def test_the_registry_serves_overzicht_1_by_id_and_version(registry, overzicht):
    assert "overzicht-1" in [f.id for f in registry.current()]
    assert (overzicht.id, overzicht.version) == ("overzicht-1", 1)
    assert registry.get("overzicht-1", 1) is overzicht
    with pytest.raises(NotFound):
        registry.get("overzicht-1", 99)
    with pytest.raises(NotFound):
        registry.get("no-such-form")


def test_totals_are_computed_from_the_scores(registry, overzicht):
    data = {"nl": {"f1": {"score": "--"}, "f2": {"score": "+", "note": "safe shelter"}, "f3": {"note": "no score"}},
            "coo": {"f1": {"score": "++"}, "f3": {"score": "-"}, "f4": {"score": "++"}}}
    prepared = registry.prepare(overzicht, data, "draft")
    assert prepared["totals"] == {"nl_minus": 2, "nl_plus": 1, "coo_minus": 1, "coo_plus": 4,
                                  "total_minus": 3, "total_plus": 5, "scored_count": 5}
    assert prepared["nl"] == data["nl"]


def test_totals_sent_by_the_client_are_ignored(registry, overzicht):
    data = {"status": "b8_3", "nl": {"f1": {"score": "-"}},
            "totals": {"nl_minus": 99, "total_plus": "lots", "scored_count": -1}}
    original = copy.deepcopy(data)
    prepared = registry.prepare(overzicht, data, "final")
    assert prepared["totals"] == {"nl_minus": 1, "nl_plus": 0, "coo_minus": 0, "coo_plus": 0,
                                  "total_minus": 1, "total_plus": 0, "scored_count": 1}
    assert data == original  # the caller's data is not changed


def test_a_draft_may_be_incomplete_but_a_final_record_may_not(registry, overzicht):
    incomplete = {"occasion": "first future conversation"}
    assert registry.prepare(overzicht, incomplete, "draft")["occasion"] == "first future conversation"
    assert errors_of(registry, overzicht, incomplete, "final") == [("/status", "This field is required.")]
    other = {"status": "other"}
    registry.prepare(overzicht, other, "draft")
    assert errors_of(registry, overzicht, other, "final") == [("/status_other", "This field is required.")]
    assert registry.prepare(overzicht, {"status": "other", "status_other": "asylum"}, "final")["status"] == "other"


def test_a_draft_still_checks_types_options_and_formats(registry, overzicht):
    bad = {"status": "tourist", "occasion": 5, "scored_on": "31-12-2024", "nl": {"f1": {"score": "+++"}}}
    assert errors_of(registry, overzicht, bad, "draft") == [
        ("/nl/f1/score", "Choose one of the allowed options."), ("/occasion", "Wrong type: expected %(type)s."),
        ("/scored_on", "Not a valid %(format)s value."), ("/status", "Choose one of the allowed options.")]


def test_an_empty_record_is_never_final(registry, overzicht):
    assert registry.prepare(overzicht, {}, "draft")["totals"]["scored_count"] == 0
    assert errors_of(registry, overzicht, {}, "final") == [("", "An empty record cannot be final."),
                                                           ("/status", "This field is required.")]
    blank = {"status": "b8_3", "occasion": "   "}
    registry.prepare(overzicht, blank, "final")  # a real answer plus a blank one is not empty
    assert ("", "An empty record cannot be final.") in errors_of(registry, overzicht, {"occasion": "  "}, "final")


def test_error_paths_are_json_pointers(registry, overzicht):
    data = {"nl": {"f1": {"score": "+", "extra": 1}}, "a/b~c": True, "status_note": "x" * 20001}
    errors = errors_of(registry, overzicht, data, "draft")
    assert errors == [("/a~1b~0c", "Unknown field."), ("/nl/f1/extra", "Unknown field."),
                      ("/status_note", "Too long: at most %(limit)s characters.")]
    assert errors_of(registry, overzicht, ["not", "an", "object"], "draft") == [
        ("", "Wrong type: expected %(type)s.")]


def write_schema(directory: Path, name: str, form_id: str, version: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "$id": form_id, "version": version,
              "title": form_id, "type": "object", "properties": {}}
    (directory / name).write_text(json.dumps(schema))


def test_archived_versions_stay_available(tmp_path):
    write_schema(tmp_path, "demo.schema.json", "demo", 2)
    write_schema(tmp_path / "archive", "demo@1.schema.json", "demo", 1)
    registry = FormRegistry(tmp_path)
    assert [(f.id, f.version) for f in registry.current()] == [("demo", 2)]
    assert registry.get("demo", 1).version == 1


@pytest.mark.parametrize("files, message", [
    ([("", "demo.schema.json", "demo", 1), ("archive", "demo@1.schema.json", "demo", 1)], "defined twice"),
    ([("", "other-name.schema.json", "demo", 1)], "does not match the file name")])
def test_inconsistent_schema_files_are_refused(tmp_path, files, message):
    for sub, name, form_id, version in files:
        write_schema(tmp_path / sub if sub else tmp_path, name, form_id, version)
    with pytest.raises(ValueError, match=message):
        FormRegistry(tmp_path)
