"""POST/DELETE /api/v1/session: log in and out."""
from __future__ import annotations

from flask import jsonify, make_response, request

from ..domain.errors import N_, Invalid
from ..services import auth
from ..domain.validation import string_error
from .api import SESSION_COOKIE, bp, container, current_session_id, current_user, login_required, read_json
from .devices import device_id
from .security import is_local


@bp.post("/session")
def login():
    body = read_json()
    if not isinstance(body, dict) or not isinstance(body.get("email"), str) or not isinstance(body.get("password"), str):
        raise Invalid(N_("Send e-mail and password."), [
            {"path": "/email", "message": N_("This field is required.")},
            {"path": "/password", "message": N_("This field is required.")}])
    lockable = body.get("lockable", False)
    if not isinstance(lockable, bool):
        raise Invalid(N_("The login cannot be read."), [{"path": "/lockable", "message": N_("Wrong type: expected %(type)s."),
                                                          "params": {"type": "boolean"}}])
    token, user, key = auth.login(container(), body["email"], body["password"], request.remote_addr or "?",
                                  device_id=device_id(), lockable=lockable)
    response = make_response(jsonify({"user": user.public(), **({"session_key": key} if key else {})}))
    # Secure whenever the browser used https (behind a proxy: the forwarded scheme), and anywhere but localhost.
    secure = request.is_secure or not is_local(request.host)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=secure,
                        path="/", max_age=container().config["SESSION_IDLE_SECONDS"])
    return response


@bp.get("/session")
@login_required
def whoami():
    return jsonify({"user": current_user().public()})


@bp.put("/session/password")
@login_required
def change_password():
    body = read_json()
    errors = [e for e in (string_error(body.get("current") if isinstance(body, dict) else None, "/current", 1000),
                          string_error(body.get("new") if isinstance(body, dict) else None, "/new", 1000)) if e]
    if errors:
        raise Invalid(N_("The password cannot be changed."), errors)
    auth.change_password(container(), current_user(), current_session_id(), body["current"], body["new"],
                         request.remote_addr or "?")
    return "", 204


@bp.delete("/session")
def logout():
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        auth.logout(container(), token)
    response = make_response("", 204)
    response.delete_cookie(SESSION_COOKIE, path="/", samesite="Strict", httponly=True)
    return response
