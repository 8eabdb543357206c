"""/api/v1/records/<id>: save a change (with revision and conflict rules) and read a record."""
from __future__ import annotations

from flask import jsonify

from ..services import records as record_service
from ..services.savers import Savers
from .api import bp, container, current_scope, current_user, login_required, read_json
from .errors import said


@bp.put("/records/<record_id>")
@login_required
def put_record(record_id: str):
    result = record_service.save_record(container(), current_user(), current_scope(), record_id, read_json())
    body = result.body()
    if result.status == "conflict":
        body.update(said(body["message"]))
        Savers(container(), current_user()).name(body["current"])
        return jsonify(body), 409
    return jsonify(body), 201 if result.created else 200


@bp.get("/records/<record_id>")
@login_required
def get_record(record_id: str):
    c, user, scope = container(), current_user(), current_scope()
    return jsonify(Savers(c, user).name(record_service.record_view(scope, record_service.get_record(c, user, scope, record_id))))
