"""The JSON API blueprint and the helpers every API route uses."""
from __future__ import annotations

import json
import math
import re
from functools import wraps

from flask import Blueprint, current_app, g, request

from ..domain.access import Scope
from ..domain.errors import N_, BadRequest, Unauthorized
from ..domain.model import User
from ..services import access, auth
from ..services.container import Container

bp = Blueprint("api", __name__, url_prefix="/api/v1")
SESSION_COOKIE = "sf_session"
SESSION_KEY_HEADER = "X-Session-Key"  # a lockable session's key (services.auth.login)


def container() -> Container:
    return current_app.extensions["safefuture"]


def read_json():
    """The request body as JSON, or a 400 that says where it broke."""
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
        body = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        raise BadRequest(N_("The request body is not UTF-8 text."))
    except json.JSONDecodeError as e:
        raise BadRequest(N_("The request body is not valid JSON (line %(line)s, column %(column)s)."),
                         params={"line": e.lineno, "column": e.colno})
    except (RecursionError, ValueError):
        raise BadRequest(N_("The request body is nested too deeply or holds a number out of range."))
    # JSON may escape half of a UTF-16 pair ("\ud800") that no text can hold: nothing could store it.
    if _SURROGATE_ESCAPE.search(text):
        where = _lone_surrogate_at(body)
        if where is not None:
            raise BadRequest(N_("The request body holds a broken character at %(path)s."), path=where,
                             params={"path": where or "/"})
    return body


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate_at(value, path: str = "") -> str | None:
    """The JSON pointer of the first key or text holding a lone surrogate (a valid pair is one character by
    now), or None."""
    if isinstance(value, str):
        return path if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        where = f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"
        if isinstance(key, str) and _SURROGATE.search(key):
            return where
        found = _lone_surrogate_at(item, where)
        if found is not None:
            return found
    return None


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value) or math.isnan(value):
        raise ValueError("number out of range")
    return value


def current_user() -> User | None:
    if "user" not in g:
        g.user = auth.user_for_token(container(), request.cookies.get(SESSION_COOKIE),
                                     request.headers.get(SESSION_KEY_HEADER))
    return g.user


def current_scope() -> Scope:
    """What the user may see, computed once per request (a partner's grants come from the store)."""
    if "scope" not in g:
        g.scope = access.scope_of(container(), current_user())
    return g.scope


def current_session_id() -> str:
    return auth.session_id(request.cookies.get(SESSION_COOKIE, ""))


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user() is None:
            raise Unauthorized(N_("Please log in."))
        return view(*args, **kwargs)
    return wrapper
