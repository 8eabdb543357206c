"""GET /healthz for monitoring tools, and the one log line per request."""
from __future__ import annotations

import logging
import shutil

from app.services import health
from app.storage.base import StoreFull
from tests.conftest import HEADERS, PASSWORD


def test_healthz_answers_200_without_a_session_and_without_data(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json == {"status": "ok"}
    assert r.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in r.headers


def test_healthz_answers_503_when_the_store_is_gone(app, client):
    assert client.get("/healthz").status_code == 200  # the store is open
    shutil.rmtree(app.config["DATA_DIR"] / "store")
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json == {"status": "store_unavailable"}


def test_healthz_answers_503_when_the_key_does_not_open_the_store(app, client, tmp_path):
    from app import create_app

    other = create_app({"TESTING": True, "DATA_DIR": tmp_path / "other", "STORE": "tinydb"})
    other.extensions["safefuture"].store.close()
    assert client.get("/healthz").status_code == 200  # the store is open
    shutil.copy(tmp_path / "other" / "store" / "store.json", app.config["DATA_DIR"] / "store" / "store.json")
    r = client.get("/healthz")
    assert r.status_code == 503 and r.json == {"status": "store_unavailable"}


def test_healthz_answers_503_while_the_store_has_no_room_and_200_once_its_probe_finds_room(app, client,
                                                                                          monkeypatch):
    c = app.extensions["safefuture"]
    probes = []

    def still_full():
        probes.append(1)
        raise StoreFull("no space left on device")

    monkeypatch.setattr(c.store, "probe_space", still_full)
    health.out_of_space(c)  # a write was refused for lack of space
    for _ in range(2):
        r = client.get("/healthz")
        assert r.status_code == 503 and r.json == {"status": "out_of_space"}
    assert len(probes) == 2
    monkeypatch.undo()  # the real probe: this disk has room
    assert client.get("/healthz").status_code == 200
    assert not health.store_health(c).out_of_space


def test_one_log_line_per_request_without_query_cookies_or_body(client, make_user, caplog):
    make_user("anna@shelter-a.nl")
    caplog.set_level(logging.INFO, logger="safefuture.requests")
    r = client.post("/api/v1/session", json={"email": "anna@shelter-a.nl", "password": PASSWORD}, headers=HEADERS)
    assert r.status_code == 200
    client.get("/api/v1/socialmap?q=Secret+Name&country=NG")
    client.get("/api/v1/nothing%0Aforged here")
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "safefuture.requests"]
    assert len(lines) == 3, lines
    method, path, status, duration = lines[0].split(" ")
    assert (method, path, status) == ("POST", "/api/v1/session", "200")
    assert duration.endswith("ms") and float(duration[:-2]) >= 0
    assert lines[1].startswith("GET /api/v1/socialmap 200 ")
    assert lines[2].startswith("GET /api/v1/nothing\\nforged here 404 ")
    text = "\n".join(lines)
    for secret in ("anna", PASSWORD, "Secret", "sf_session", r.headers["Set-Cookie"].split(";")[0].split("=")[1]):
        assert secret not in text
