"""gzip for the public, static responses: the app shell, the catalogs and the instrument schemas. The field
app downloads them over slow, expensive mobile data, and they shrink to a fifth or less.

Responses that carry case data are left alone: they mix what users typed with session-bound content, the
precondition of compression side channels such as BREACH."""
from __future__ import annotations

import gzip

from flask import request

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "application/manifest+json", "image/svg+xml"}
PUBLIC_API_ENDPOINTS = {"api.list_forms", "api.get_form"}
MIN_BYTES = 512  # below this the gzip header costs more than it saves


def compress(response):
    if (response.status_code != 200 or "Content-Encoding" in response.headers
            or not (request.blueprint == "pwa" or request.endpoint in PUBLIC_API_ENDPOINTS)
            or response.mimetype not in COMPRESSIBLE):
        return response
    response.vary.add("Accept-Encoding")
    if "gzip" not in request.accept_encodings:
        return response
    response.direct_passthrough = False
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(data, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, _ = response.get_etag()
    if etag:  # the same content in another encoding: equal for revalidation, not byte for byte
        response.set_etag(etag, weak=True)
    return response


def init_app(app) -> None:
    app.after_request(compress)
