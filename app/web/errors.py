"""Every error leaves as JSON {"error", "message", ...} in the user's language; never an HTML page or a 500
for bad input."""
from __future__ import annotations

import logging
import traceback

from flask import jsonify, request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from ..domain.errors import N_, DomainError
from ..services import health
from ..storage.base import StoreFull

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: N_("The request is not valid."),
    401: N_("Please log in."),
    403: N_("You may not do this."),
    404: N_("Not found."),
    405: N_("This method is not allowed here."),
    413: N_("The request is too large: at most 4 MB."),
    415: N_("Send JSON."),
    429: N_("Too many requests. Wait a little and try again."),
}
OUT_OF_SPACE = N_("The server is out of storage space and could not save your change. It stays on this device "
                  "and is sent again later.")
WRITES = ("POST", "PUT", "PATCH", "DELETE")
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
              413: "too_large", 415: "unsupported_media_type", 429: "too_many_requests"}


def said(message: str, params: dict | None = None) -> dict:
    """A message in the user's language, with its msgid and params: a device that keeps it (a refused change in
    its outbox) shows it again in the language its user has chosen since."""
    return {"message": gettext(message, **(params or {})), "msgid": message, "params": params or {}}


def translate_errors(errors: list[dict]) -> list[dict]:
    return [{"path": e["path"], **said(e["message"], e.get("params"))} for e in errors]


def domain_error_body(e: DomainError) -> dict:
    body = {"error": e.code, **said(e.message, e.details.get("params"))}
    if getattr(e, "errors", None):
        body["errors"] = translate_errors(e.errors)
    # Details name the field and, where it helps, the allowed values ("allowed": [...]).
    body.update({k: v for k, v in e.details.items() if k != "params"})
    return body


def init_app(app) -> None:
    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        return jsonify(domain_error_body(e)), e.status

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        status = e.code or 500
        return jsonify({"error": HTTP_CODES.get(status, "error"),
                        **said(HTTP_MESSAGES.get(status, N_("The request failed.")))}), status

    @app.errorhandler(StoreFull)
    def store_full(e: StoreFull):
        # Nothing was stored (or what was is settled whole): the device keeps the change and sends it again.
        health.out_of_space(app.extensions["safefuture"])
        return jsonify({"error": "out_of_space", **said(OUT_OF_SPACE)}), 507

    @app.after_request
    def note_space_back(response):
        if request.method in WRITES and response.status_code < 300:
            health.space_ok(app.extensions["safefuture"])
        return response

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        # A bug, not bad input: log the type and place only (no request data: it may be personal).
        log.error("unhandled %s at %s %s\n%s", type(e).__name__, request.method, request.url_rule,
                  "".join(traceback.format_tb(e.__traceback__)))
        return jsonify({"error": "internal", **said(N_("Something went wrong on the server."))}), 500
