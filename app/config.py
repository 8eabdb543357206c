"""Configuration: defaults, then environment (SAFEFUTURE_*), then a test mapping. Secrets live in files."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("nl", "en", "bg")
# Largest request body accepted (bytes). Records are JSON text only: no attachments yet.
MAX_BODY_BYTES = 4 * 1024 * 1024


def load(app, test_config: dict | None) -> None:
    data_dir = Path(os.environ.get("SAFEFUTURE_DATA_DIR", "instance")).resolve()
    app.config.from_mapping(
        DATA_DIR=data_dir,
        STORE=os.environ.get("SAFEFUTURE_STORE", "tinydb"),
        KEY_FILE=os.environ.get("SAFEFUTURE_KEY_FILE"),
        FORMS_DIR=PROJECT_ROOT / "forms",
        PWA_DIR=PROJECT_ROOT / "pwa",
        TRANSLATIONS_DIR=PROJECT_ROOT / "translations",
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        LANGUAGES=LANGUAGES,
        SESSION_IDLE_SECONDS=14 * 24 * 3600,
        LOGIN_MAX_FAILURES=5,
        LOGIN_WINDOW_SECONDS=15 * 60,
        # A render that overruns is killed and the request gets a 503 (a 100-page dossier takes ~15 s in WeasyPrint).
        PDF_TIMEOUT_SECONDS=float(os.environ.get("SAFEFUTURE_PDF_TIMEOUT_SECONDS") or 60),
        # "wkhtmltopdf" or "weasyprint"; unset: wkhtmltopdf where installed, else WeasyPrint.
        PDF_ENGINE=os.environ.get("SAFEFUTURE_PDF_ENGINE") or None,
    )
    if test_config:
        app.config.update(test_config)
    app.config["DATA_DIR"] = Path(app.config["DATA_DIR"])
    app.config["KEY_FILE"] = Path(app.config["KEY_FILE"] or app.config["DATA_DIR"] / "keys" / "data.key")
