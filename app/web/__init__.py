"""HTTP: blueprints that parse, authorise, call a service and serialise. Nothing here touches storage."""
from __future__ import annotations

from . import compression, errors, security
from .api import bp as api_bp
from .pwa import bp as pwa_bp


def register_web(app) -> None:
    security.init_app(app)
    errors.init_app(app)
    compression.init_app(app)
    # The route modules attach their routes to api_bp when imported.
    from . import (audit, cases, forms, handovers, notifications, openapi, pdf, records, reports,  # noqa: F401
                   session, socialmap, sync)
    app.register_blueprint(api_bp)
    app.register_blueprint(pwa_bp)
