"""/api/v1/cases: create, list and read cases."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

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


@bp.get("/cases/<case_id>/overview")
@login_required
def case_overview(case_id: str):
    scope = current_scope()
    case = case_service.get_case(container(), current_user(), scope, case_id)
    view = case_service.overview(container(), scope, case)
    # The device keeps the moves for use offline, where the user may since have chosen another language: each
    # carries its msgids too (the device's catalog holds them).
    view["moves"] = [{**move, "label_msgid": move["label"], "problem_msgid": move["problem"]} for move in view["moves"]]
    return jsonify(translated(view))


@bp.post("/cases/<case_id>/step")
@login_required
def change_step(case_id: str):
    scope = current_scope()
    case = case_service.change_step(container(), current_user(), scope, case_id, read_json())
    return jsonify(case_service.case_view(case, scope))


TRANSLATED_KEYS = ("title", "label", "problem", "block_title")


def translated(node):
    """Step titles, instrument titles, move labels and refusals are msgids: show them in the UI language."""
    if isinstance(node, dict):
        return {k: gettext(v) if k in TRANSLATED_KEYS and isinstance(v, str) else translated(v) for k, v in node.items()}
    if isinstance(node, list):
        return [translated(v) for v in node]
    return node
