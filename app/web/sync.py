"""POST /api/v1/sync: a batch of changes up, the change feed down, in one round trip."""
from __future__ import annotations

from flask import jsonify

from ..services import sync as sync_service
from .api import bp, container, current_scope, current_user, login_required, read_json
from .errors import said, translate_errors


@bp.post("/sync")
@login_required
def sync():
    out = sync_service.sync(container(), current_user(), current_scope(), read_json())
    for result in out["case_results"] + out["results"]:
        if "message" in result:
            result.update(said(result["message"]))
            result["errors"] = translate_errors(result["errors"])
    return jsonify(out)
