"""HTTP: blueprints that parse, authorise, call a service and serialise. Nothing here touches storage."""
from __future__ import annotations

from werkzeug.middleware.proxy_fix import ProxyFix

from . import compression, errors, security
from .api import bp as api_bp
from .health import bp as health_bp
from .pwa import bp as pwa_bp
from .request_log import RequestLog


def register_web(app) -> None:
    security.init_app(app)
    errors.init_app(app)
    compression.init_app(app)
    # The route modules attach their routes to api_bp when imported.
    from . import (audit, cases, devices, forms, handovers, notifications, openapi, openapi_admin, pdf,  # noqa: F401
                   records, reports, session, socialmap, sync, users)
    app.register_blueprint(api_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(pwa_bp)
    app.wsgi_app = RequestLog(app.wsgi_app)
    if app.config["BEHIND_PROXY"]:
        # One proxy in front (SAFEFUTURE_BEHIND_PROXY): the last X-Forwarded-For, -Proto and -Host values are the
        # ones it set, the only ones to trust. Unset, werkzeug ignores those headers.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def waitress_options(app) -> dict:
    """What the WSGI server must know of the configuration. Waitress 3 drops X-Forwarded-* headers itself unless
    told which proxy to trust; behind the proxy ProxyFix (above) decides instead, so waitress must pass them on."""
    return {"clear_untrusted_proxy_headers": not app.config["BEHIND_PROXY"]}
