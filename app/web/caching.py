"""Revalidation for responses that change only with a deployment: a client that holds the same body gets
304 Not Modified instead of the body again (the service worker's update checks, over mobile data)."""
from __future__ import annotations

from flask import request


def revalidatable(response):
    response.add_etag()
    return response.make_conditional(request)
