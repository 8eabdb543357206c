"""POST/DELETE /api/v1/session: log in and out."""
from __future__ import annotations

from flask import jsonify, make_response, request

from ..domain.errors import N_, Invalid
from ..services import auth
from .api import SESSION_COOKIE, bp, container, current_user, login_required, read_json
from .security import is_local


@bp.post("/session")
def login():
    body = read_json()
    if not isinstance(body, dict) or not isinstance(body.get("email"), str) or not isinstance(body.get("password"), str):
        raise Invalid(N_("Send e-mail and password."), [
            {"path": "/email", "message": N_("This field is required.")},
            {"path": "/password", "message": N_("This field is required.")}])
    token, user = auth.login(container(), body["email"], body["password"], request.remote_addr or "?")
    response = make_response(jsonify({"user": user.public()}))
    # Secure whenever the browser used https (behind a proxy: the forwarded scheme), and anywhere but localhost.
    secure = request.is_secure or not is_local(request.host)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=secure,
                        path="/", max_age=container().config["SESSION_IDLE_SECONDS"])
    return response


@bp.get("/session")
@login_required
def whoami():
    return jsonify({"user": current_user().public()})


@bp.delete("/session")
def logout():
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.logout(container(), token)
    response = make_response("", 204)
    response.delete_cookie(SESSION_COOKIE, path="/", samesite="Strict", httponly=True)
    return response
