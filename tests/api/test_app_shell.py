"""The app shell as served: the service worker's precache list, compression, the instruments' question order."""
from __future__ import annotations

import gzip
import json

from app.i18n.catalogs import catalog_json


def precache_of(client) -> dict:
    body = client.get("/sw.js").get_data(as_text=True)
    first_line = body.split("\n", 1)[0]
    assert first_line.startswith("self.PRECACHE = ") and first_line.endswith(";")
    return json.loads(first_line[len("self.PRECACHE = "):-1])


def test_service_worker_lists_shell_every_form_version_and_every_catalog(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    urls = {e["url"] for e in precache_of(client)["entries"]}
    assert {"/", "/js/app.js", "/css/app.css", "/manifest.webmanifest", "/vendor/idb@8.0.4/index.js"} <= urls
    assert {"/sw.js", "/index.html"}.isdisjoint(urls)
    forms = app.extensions["safefuture"].forms
    assert {f"/api/v1/forms/{f.id}?version={f.version}" for f in forms.versions()} <= urls
    assert {"/api/v1/forms", "/i18n/nl.json", "/i18n/en.json", "/i18n/bg.json"} <= urls
    for url in urls:  # every listed URL is served
        assert client.get(url).status_code == 200, url


def test_a_changed_shell_file_changes_the_worker(app, client, tmp_path):
    pwa = tmp_path / "pwa"
    pwa.mkdir()
    (pwa / "sw.js").write_text("// worker\n")
    (pwa / "index.html").write_text("<!doctype html><title>v1</title>")
    app.config["PWA_DIR"] = pwa
    before = precache_of(client)
    (pwa / "index.html").write_text("<!doctype html><title>v2</title>")
    after = precache_of(client)
    assert before["version"] != after["version"]
    [old] = [e for e in before["entries"] if e["url"] == "/"]
    [new] = [e for e in after["entries"] if e["url"] == "/"]
    assert old["revision"] != new["revision"]
    assert [e for e in before["entries"] if e["url"] != "/"] == [e for e in after["entries"] if e["url"] != "/"]


def test_shell_catalogs_and_forms_are_gzipped_but_case_data_is_not(client, counsellor):
    for url in ("/js/form-renderer.js", "/css/app.css", "/i18n/bg.json", "/api/v1/forms/overzicht-1?version=1"):
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in response.headers["Vary"]
        assert gzip.decompress(response.get_data()) == client.get(url).get_data(), url
    counsellor.new_case()
    assert "Content-Encoding" not in counsellor.get("/api/v1/cases", headers={"Accept-Encoding": "gzip"}).headers


def test_a_form_keeps_the_order_of_its_questions(client):
    schema = json.loads(client.get("/api/v1/forms/overzicht-1").get_data(as_text=True))
    assert list(schema["properties"])[:3] == ["scored_on", "occasion", "status"]
    assert list(schema["properties"]["nl"]["properties"]["f1"]["properties"]) == ["score", "note"]


def test_catalog_has_the_plural_forms_of_the_field_app(app):
    catalog = catalog_json(app.config["TRANSLATIONS_DIR"], "bg")
    assert catalog["%(count)s change not sent yet"] == ["%(count)s промяна още не е изпратена",
                                                        "%(count)s промени още не са изпратени"]
    assert catalog["Sync now"] == "Синхронизирай сега"


def test_manifest_is_served_as_a_web_app_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data(as_text=True))
    purposes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
