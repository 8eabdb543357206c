"""Runs the real server for the browser tests: `python -m tests.browser.serve_app CONFIG.json`.

The configuration names the port, the data directory, the store, optional copies of `pwa/` and `forms/` (a test
that "deploys" a new version edits those) and the organisations and users to create before serving. Users are
made through the services, as the CLI does, so this works for every store, the in-memory one included.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from waitress import serve

from app import create_app
from app.services import accounts
from app.web import waitress_options


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    overrides = {"DATA_DIR": config["data_dir"], "STORE": config["store"]}
    for key in ("PWA_DIR", "FORMS_DIR"):
        if config.get(key.lower()):
            overrides[key] = Path(config[key.lower()])
    app = create_app(overrides)
    container = app.extensions["safefuture"]
    for org in config.get("orgs", []):
        if container.store.get_org(org["id"]) is None:
            accounts.create_org(container, org["id"], org["name"], org["country"], org["kind"])
    for user in config.get("users", []):
        if container.store.find_user_by_email(user["email"]) is None:
            accounts.create_user(container, user["email"], user["org"], user["role"], user["password"])
    print("ready", flush=True)
    serve(app, host="127.0.0.1", port=config["port"], threads=8, ident="safefuture", **waitress_options(app))


if __name__ == "__main__":
    main(sys.argv[1])
