"""Users, organisations and account set-up (services.users): HTTP only."""
from __future__ import annotations

from flask import jsonify, request

from ..services import users
from .api import bp, container, current_user, login_required, read_json


def _setup_url(token: str) -> str:
    """The set-up page of the app. The token is in the fragment, so it never reaches a server log or a Referer."""
    return f"{request.host_url}#/setup/{token}"


@bp.get("/users")
@login_required
def list_users():
    return jsonify({"users": users.list_users(container(), current_user(), request.args.get("org_id"))})


@bp.post("/users")
@login_required
def add_user():
    user, token = users.add_user(container(), current_user(), read_json())
    return jsonify({"id": user.id, "user": users.view(container(), user), "setup_url": _setup_url(token)}), 201


@bp.patch("/users/<user_id>")
@login_required
def update_user(user_id: str):
    return jsonify(users.view(container(), users.update_user(container(), current_user(), user_id, read_json())))


@bp.post("/users/<user_id>/setup-link")
@login_required
def new_setup_link(user_id: str):
    return jsonify({"setup_url": _setup_url(users.new_setup_link(container(), current_user(), user_id))}), 201


@bp.post("/account-setup")
def complete_setup():
    user = users.complete_setup(container(), read_json())
    return jsonify({"email": user.email})


@bp.get("/organisations")
@login_required
def list_organisations():
    return jsonify({"organisations": users.list_organisations(container(), current_user())})


@bp.post("/organisations")
@login_required
def add_organisation():
    return jsonify(users.org_view(users.add_organisation(container(), current_user(), read_json()))), 201


@bp.patch("/organisations/<org_id>")
@login_required
def update_organisation(org_id: str):
    return jsonify(users.org_view(users.update_organisation(container(), current_user(), org_id, read_json())))
