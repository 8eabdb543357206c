"""Handovers to partner organisations, consent withdrawal and monitoring after return."""
from __future__ import annotations

from flask import jsonify

from ..services import accounts, handovers, monitoring
from .api import bp, container, current_scope, current_user, login_required, read_json


@bp.get("/partner-organisations")
@login_required
def list_partner_organisations():
    orgs = accounts.partner_organisations(container(), current_user())
    return jsonify({"organisations": [{"id": o.id, "name": o.name, "country": o.country} for o in orgs]})


@bp.post("/cases/<case_id>/handovers")
@login_required
def create_handover(case_id: str):
    c, user = container(), current_user()
    handover, created = handovers.create(c, user, current_scope(), case_id, read_json())
    return jsonify(handovers.view(c, user, handover)), 201 if created else 200


@bp.get("/cases/<case_id>/handovers")
@login_required
def list_case_handovers(case_id: str):
    c, user = container(), current_user()
    found = handovers.list_for_case(c, user, current_scope(), case_id)
    return jsonify({"handovers": [handovers.view(c, user, h) for h in found]})


@bp.get("/handovers")
@login_required
def list_handovers():
    c, user = container(), current_user()
    return jsonify({"handovers": [handovers.view(c, user, h) for h in handovers.list_for_user(c, user)]})


@bp.post("/handovers/<handover_id>/withdrawal")
@login_required
def withdraw_consent(handover_id: str):
    c, user = container(), current_user()
    return jsonify(handovers.view(c, user, handovers.withdraw(c, user, handover_id)))


@bp.post("/handovers/<handover_id>/monitoring")
@login_required
def record_monitoring(handover_id: str):
    return jsonify(monitoring.record_event(container(), current_user(), current_scope(), handover_id, read_json()))


@bp.get("/cases/<case_id>/monitoring")
@login_required
def case_monitoring(case_id: str):
    return jsonify(monitoring.case_monitoring(container(), current_user(), current_scope(), case_id))
