"""GET /api/v1/forms: the instrument registry, and each instrument's JSON Schema."""
from __future__ import annotations

import json

from flask import current_app, jsonify, request
from flask_babel import gettext

from ..domain.errors import N_, BadRequest
from .api import bp, container


@bp.get("/forms")
def list_forms():
    forms = sorted(container().forms.current(), key=lambda f: f.id)
    return jsonify([{"id": f.id, "version": f.version, "title": gettext(f.title), "steps": f.schema.get("x-step", [])}
                    for f in forms])


@bp.get("/forms/<form_id>")
def get_form(form_id: str):
    version = request.args.get("version")
    if version is not None and not version.isdigit():
        raise BadRequest(N_("The version must be a whole number."))
    form = container().forms.get(form_id, int(version) if version else None)
    # Not jsonify: it sorts keys, and the order of `properties` is the order of the questions.
    return current_app.response_class(json.dumps(form.schema, ensure_ascii=False), mimetype="application/json")
