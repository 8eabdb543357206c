"""GET /api/v1/cases/<id>/audit: a case's audit trail, for coordinators of the owning organisation."""
from __future__ import annotations

from flask import jsonify

from ..services import audit
from .api import bp, container, current_scope, current_user, login_required


@bp.get("/cases/<case_id>/audit")
@login_required
def case_audit(case_id: str):
    return jsonify({"events": audit.case_events(container(), current_user(), current_scope(), case_id)})
