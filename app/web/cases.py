"""/api/v1/cases: create, list and read cases."""
from __future__ import annotations

from flask import jsonify

from ..services import cases as case_service
from .api import bp, container, current_scope, current_user, login_required, read_json


@bp.post("/cases")
@login_required
def create_case():
    case, created = case_service.create_case(container(), current_user(), current_scope(), read_json())
    return jsonify(case_service.case_view(case)), 201 if created else 200


@bp.get("/cases")
@login_required
def list_cases():
    cases = case_service.list_cases(container(), current_scope())
    return jsonify({"cases": [case_service.case_view(c) for c in cases]})


@bp.get("/cases/<case_id>")
@login_required
def get_case(case_id: str):
    case = case_service.get_case(container(), current_user(), current_scope(), case_id)
    return jsonify({**case_service.case_view(case), "records": case_service.case_records(container(), case)})
