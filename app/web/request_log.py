"""One log line per request: method, path without the query string, status and duration.

Nothing else: no query string (a search may hold a name), no client address, no cookies, no headers, no body.
The line is written when the application has produced its answer (before the body is sent), on the logger
`safefuture.requests` at INFO; `flask --app app serve` writes it to standard error (the journal, under systemd).
"""
from __future__ import annotations

import logging
import time

log = logging.getLogger("safefuture.requests")


class RequestLog:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        status = []

        def start(code, headers, exc_info=None):
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, exc_info)

        try:
            # PATH_INFO never holds the query string.
            return self.wsgi_app(environ, start)
        finally:
            log.info("%s %s %s %.1fms", _printable(environ.get("REQUEST_METHOD", "-"), 16), _printable(
                environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), MAX_PATH), status[-1] if status else "-",
                (time.perf_counter() - started) * 1000)


MAX_PATH = 300


def _printable(text: str, limit: int) -> str:
    """Control characters and non-ASCII bytes escaped (a path cannot forge a log line), and cut at `limit`."""
    return text.encode("unicode_escape").decode("ascii")[:limit]
