"""HTTP: blueprints that parse, authorise, call a service and serialise. Nothing here touches storage."""
from __future__ import annotations

from . import compression, errors, security
from .api import bp as api_bp
from .pwa import bp as pwa_bp


def register_web(app) -> None:
    security.init_app(app)
    errors.init_app(app)
    compression.init_app(app)
    from . import cases, forms, records, session, sync, openapi  # noqa: F401  (routes attach to api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(pwa_bp)
