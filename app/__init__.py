"""Safe Future server: the application factory. It only wires things together."""
from __future__ import annotations

from flask import Flask

from . import cli, config
from .i18n import setup as i18n_setup
from .services.container import build_container
from .web import register_web


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    config.load(app, test_config)
    i18n_setup.init_app(app)
    app.extensions["safefuture"] = build_container(app.config)
    register_web(app)
    cli.register(app)
    return app
