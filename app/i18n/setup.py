"""flask-babel wiring: the request's language and the catalogs of every domain."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import Babel

from .catalogs import compile_catalogs, domains_present


def select_locale() -> str:
    """The UI language: ?ui_lang= or X-UI-Language (the device sends its chosen one), else Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("ui_lang") or request.headers.get("X-UI-Language")
    if asked in languages:
        return asked
    return request.accept_languages.best_match(languages) or "en"


def init_app(app) -> None:
    directory = app.config["TRANSLATIONS_DIR"]
    compile_catalogs(directory)
    domains = domains_present(directory) or ["messages"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join([str(directory)] * len(domains))
    app.config["BABEL_DOMAIN"] = ";".join(domains)
    Babel(app, locale_selector=select_locale, default_locale="en")
