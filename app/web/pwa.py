"""The app shell: the PWA's files from `pwa/`, the service worker with its precache list, and the translation
catalogs the device keeps offline."""
from __future__ import annotations

import json
import mimetypes

from flask import Blueprint, abort, current_app, jsonify, send_from_directory

from ..i18n.catalogs import catalog_json
from ..services.offline_bundle import SERVICE_WORKER, precache_manifest
from .api import container
from .caching import revalidatable

bp = Blueprint("pwa", __name__)
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".js")


@bp.get("/")
def index():
    return _send("index.html")


@bp.get("/sw.js")
def service_worker():
    """The worker with its precache list written in front, so a new deployment changes its bytes."""
    config = current_app.config
    manifest = precache_manifest(config["PWA_DIR"], config["TRANSLATIONS_DIR"], config["LANGUAGES"], container().forms)
    source = (config["PWA_DIR"] / SERVICE_WORKER).read_text(encoding="utf-8")
    body = f"self.PRECACHE = {json.dumps(manifest, separators=(',', ':'))};\n{source}"
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return revalidatable(response)


@bp.get("/i18n/<lang>.json")
def catalog(lang: str):
    if lang not in current_app.config["LANGUAGES"]:
        abort(404)
    response = jsonify(catalog_json(current_app.config["TRANSLATIONS_DIR"], lang))
    response.headers["Cache-Control"] = "no-cache"
    return revalidatable(response)


@bp.get("/<path:filename>")
def static_file(filename: str):
    return _send(filename)


def _send(filename: str):
    response = send_from_directory(current_app.config["PWA_DIR"], filename, max_age=0)
    # Revalidate every time: the service worker decides what is cached, and an update must reach it.
    response.headers["Cache-Control"] = "no-cache"
    return response
