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
        # Behind one reverse proxy (Caddy, deploy/): trust its X-Forwarded-For, -Proto and -Host. Unset, those
        # headers are ignored, so nobody can claim another address or scheme.
        BEHIND_PROXY=os.environ.get("SAFEFUTURE_BEHIND_PROXY", "").strip().lower() in ("1", "true", "yes", "on"),
        FORMS_DIR=PROJECT_ROOT / "forms",
        PWA_DIR=PROJECT_ROOT / "pwa",
        TRANSLATIONS_DIR=PROJECT_ROOT / "translations",
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        LANGUAGES=LANGUAGES,
        SESSION_IDLE_SECONDS=14 * 24 * 3600,
        SESSION_MAX_SECONDS=30 * 24 * 3600,  # however busy: a stolen cookie does not live for ever
        SETUP_LINK_SECONDS=7 * 24 * 3600,
        LOGIN_MAX_FAILURES=5,  # per account
        # Per client address: well above what an office behind one NAT address produces.
        LOGIN_MAX_FAILURES_PER_ADDRESS=100,
        LOGIN_WINDOW_SECONDS=15 * 60,
        # A render that overruns is killed and the request gets a 503 (a 100-page dossier takes ~15 s in WeasyPrint).
        PDF_TIMEOUT_SECONDS=float(os.environ.get("SAFEFUTURE_PDF_TIMEOUT_SECONDS") or 60),
        # "wkhtmltopdf" or "weasyprint"; unset: wkhtmltopdf where installed, else WeasyPrint.
        PDF_ENGINE=os.environ.get("SAFEFUTURE_PDF_ENGINE") or None,
        # Rendered records kept in memory (never on disk) so a dossier printed again renders only what changed.
        PDF_CACHE_MB=float(os.environ.get("SAFEFUTURE_PDF_CACHE_MB") or 64),
        # How many of a dossier's records render at once, each in its own process (default: one per core).
        PDF_PROCESSES=int(os.environ.get("SAFEFUTURE_PDF_PROCESSES") or os.cpu_count() or 1),
        # Web push: the VAPID contact the push services see (a role address, never a person's), how long a
        # push service keeps an undelivered signal, how long one delivery may take, and the sending threads.
        PUSH_CONTACT=os.environ.get("SAFEFUTURE_PUSH_CONTACT", "mailto:safefuture@example.org"),
        PUSH_TTL_SECONDS=12 * 3600,
        PUSH_TIMEOUT_SECONDS=10,
        PUSH_WORKERS=4,
        # The server POSTs to subscription endpoints, so only these push services are accepted (and their
        # subdomains). Plain http to loopback is for tests only: anywhere else it would be an SSRF hole.
        PUSH_SERVICE_HOSTS=("fcm.googleapis.com", "android.googleapis.com", "push.services.mozilla.com",
                            "push.apple.com", "notify.windows.com"),
        PUSH_ALLOW_HTTP_LOOPBACK=False,
    )
    if test_config:
        app.config.update(test_config)
    app.config["DATA_DIR"] = Path(app.config["DATA_DIR"])
    app.config["KEY_FILE"] = Path(app.config["KEY_FILE"] or app.config["DATA_DIR"] / "keys" / "data.key")
