"""Security on every response and every state-changing request (ARCHITECTURE §6)."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import request

from ..domain.errors import N_, Forbidden

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; worker-src 'self'; manifest-src 'self'; font-src 'self'; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_HEADER = ("X-Requested-With", "safefuture")


def is_local(host: str) -> bool:
    return (host or "").split(":")[0] in ("localhost", "127.0.0.1", "[::1]")


def check_request() -> None:
    """Refuse cross-site state changes: a custom header (which a cross-site form or image cannot send without
    a CORS preflight we never allow), a same-origin Origin, and Fetch Metadata where the browser sends it.
    No expiring token, so changes queued offline still replay. The Origin is compared with the scheme and host
    the browser used: behind a reverse proxy, with SAFEFUTURE_BEHIND_PROXY set, the ones the proxy forwards."""
    if request.method not in UNSAFE_METHODS:
        return
    name, value = CSRF_HEADER
    if request.headers.get(name) != value:
        raise Forbidden(N_("The request lacks the header X-Requested-With: safefuture."))
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        o = urlsplit(origin)
        if f"{o.scheme}://{o.netloc}" != request.host_url.rstrip("/"):
            raise Forbidden(N_("Requests from another site are refused."))
    elif origin == "null":
        raise Forbidden(N_("Requests from another site are refused."))
    if request.headers.get("Sec-Fetch-Site") not in (None, "same-origin", "none"):
        raise Forbidden(N_("Requests from another site are refused."))


def add_headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h["X-Content-Type-Options"] = "nosniff"
    h["Referrer-Policy"] = "no-referrer"
    h["X-Frame-Options"] = "DENY"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.is_secure:  # the real scheme: behind a proxy, ProxyFix has set it from X-Forwarded-Proto
        h["Strict-Transport-Security"] = "max-age=31536000"
    if request.path.startswith("/api/"):
        h["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    app.before_request(check_request)
    app.after_request(add_headers)
