"""/api/v1/cases: create, list and read cases."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

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


@bp.get("/cases/<case_id>/overview")
@login_required
def case_overview(case_id: str):
    case = case_service.get_case(container(), current_user(), current_scope(), case_id)
    return jsonify(translated(case_service.overview(container(), case)))


@bp.post("/cases/<case_id>/step")
@login_required
def change_step(case_id: str):
    case = case_service.change_step(container(), current_user(), current_scope(), case_id, read_json())
    return jsonify(case_service.case_view(case))


TRANSLATED_KEYS = ("title", "label", "problem", "block_title")


def translated(node):
    """Step titles, instrument titles, move labels and refusals are msgids: show them in the UI language."""
    if isinstance(node, dict):
        return {k: gettext(v) if k in TRANSLATED_KEYS and isinstance(v, str) else translated(v) for k, v in node.items()}
    if isinstance(node, list):
        return [translated(v) for v in node]
    return node
