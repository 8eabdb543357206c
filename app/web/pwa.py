"""The app shell: the PWA's files from `pwa/`, and the translation catalogs the device keeps offline."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, send_from_directory

from ..i18n.catalogs import catalog_json

bp = Blueprint("pwa", __name__)


@bp.get("/")
def index():
    return _send("index.html")


@bp.get("/i18n/<lang>.json")
def catalog(lang: str):
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    response = jsonify(catalog_json(current_app.config["TRANSLATIONS_DIR"], lang))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<path:filename>")
def static_file(filename: str):
    return _send(filename)


def _send(filename: str):
    response = send_from_directory(current_app.config["PWA_DIR"], filename, max_age=0)
    # Revalidate every time: the service worker decides what is cached, and an update must reach it.
    response.headers["Cache-Control"] = "no-cache"
    if filename == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/"
    return response
