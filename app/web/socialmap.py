"""/api/v1/socialmap: search the map, read an organisation, coordinators' edits, and the device's catch-up."""
from __future__ import annotations

from flask import jsonify, request
from flask_babel import get_locale

from ..domain.errors import N_, BadRequest
from ..services import socialmap as map_service
from .api import bp, container, current_user, login_required, read_json


def _lang() -> str:
    return str(get_locale())


@bp.get("/socialmap")
@login_required
def search_socialmap():
    args = request.args
    orgs = map_service.search(container(), args.get("country") or None, args.get("service") or None,
                              args.get("q") or None, _lang())
    return jsonify({"organisations": orgs, "cursor": container().store.last_socialmap_edit_seq()})


@bp.get("/socialmap/countries")
@login_required
def socialmap_countries():
    return jsonify({"countries": map_service.countries(container(), _lang())})


@bp.get("/socialmap/organisations/<org_id>")
@login_required
def socialmap_organisation(org_id: str):
    return jsonify(map_service.organisation(container(), org_id, _lang()))


@bp.get("/socialmap/retired")
@login_required
def socialmap_retired():
    return jsonify({"organisations": map_service.retired(container(), current_user(), _lang())})


@bp.post("/socialmap/edits")
@login_required
def socialmap_edit():
    return jsonify(map_service.edit(container(), current_user(), read_json())), 201


@bp.get("/socialmap/changes")
@login_required
def socialmap_changes():
    since = request.args.get("since", "0")
    if not since.isdigit():
        raise BadRequest(N_("The cursor is not valid."))
    return jsonify(map_service.changes_since(container(), int(since)))
