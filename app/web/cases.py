"""/api/v1/cases: create, list and read cases."""
from __future__ import annotations

from flask import jsonify

from ..services import cases as case_service
from .api import bp, container, current_scope, current_user, login_required, read_json


@bp.post("/cases")
@login_required
def create_case():
    scope = current_scope()
    case, created = case_service.create_case(container(), current_user(), scope, read_json())
    return jsonify(case_service.case_view(case, scope)), 201 if created else 200


@bp.get("/cases")
@login_required
def list_cases():
    scope = current_scope()
    cases = case_service.list_cases(container(), scope)
    return jsonify({"cases": [case_service.case_view(c, scope) for c in cases]})


@bp.get("/cases/<case_id>")
@login_required
def get_case(case_id: str):
    scope = current_scope()
    case = case_service.get_case(container(), current_user(), scope, case_id)
    records = case_service.case_records(container(), scope, case)
    return jsonify({**case_service.case_view(case, scope), "records": records})
