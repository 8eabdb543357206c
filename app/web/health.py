"""GET /healthz, outside /api/v1 for monitoring tools: 200 when the store is reachable and the key opens it,
503 otherwise. No session needed, and no data in the answer (services/health.py)."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ..services import health
from .api import container

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    result = health.check(container())
    response = jsonify({"status": result.reason})
    response.status_code = 200 if result.ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response
