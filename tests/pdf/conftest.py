"""PDF tests: every test that renders runs once per engine (`engine` fixture). An engine that is not installed
fails the test under CI=true (CI must test both) and when no engine is installed at all; elsewhere it is
skipped and says so. The PDFs and PNG renderings of their first pages go to the screenshot folder."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from app import create_app
from app.pdf import ENGINES, available_engines

from .helpers import FIXTURES, PROJECT


@pytest.fixture(params=list(ENGINES))
def engine(request):
    name = request.param
    installed = available_engines()
    if not installed:
        pytest.fail(f"no PDF engine is installed; install one of: {', '.join(ENGINES)}")
    if name not in installed:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed; CI must run every PDF test with every engine")
        pytest.skip(f"{name} is not installed here (CI runs it)")
    return name


@pytest.fixture
def forms_dir(tmp_path) -> Path:
    """The project's instruments plus the test instruments of fixtures/forms."""
    target = tmp_path / "forms"
    target.mkdir()
    for schema in [*(PROJECT / "forms").glob("*.schema.json"), *(FIXTURES / "forms").glob("*.schema.json")]:
        shutil.copy(schema, target / schema.name)
    shutil.copytree(PROJECT / "forms" / "archive", target / "archive")  # older versions, for records made with them
    return target


@pytest.fixture
def translations_dir(tmp_path) -> Path:
    """A few nl and bg strings of the forms and messages domains (a copy: the app compiles .mo files in it)."""
    target = tmp_path / "translations"
    shutil.copytree(FIXTURES / "translations", target)
    return target


@pytest.fixture
def app(tmp_path, request, forms_dir, translations_dir):
    config = {"TESTING": True, "DATA_DIR": tmp_path / "instance", "STORE": "memory", "FORMS_DIR": forms_dir,
              "TRANSLATIONS_DIR": translations_dir}
    if "engine" in request.fixturenames:
        config["PDF_ENGINE"] = request.getfixturevalue("engine")
    app = create_app(config)
    yield app
    app.extensions["safefuture"].store.close()
