"""A new deployment updates the app shell without losing drafts or the outbox, and a record made with an older
form version still opens with that version."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, PROJECT, FieldApp, Server

pytestmark = pytest.mark.browser

NEW_QUESTION = "Follow-up agreed with the client"


def deploy_new_version(pwa_dir, forms_dir):
    """What a deployment changes: a shell file, and Overzicht 1 gets version 2 (version 1 moves to the archive)."""
    css = pwa_dir / "css" / "app.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* deployment 2 */\n", encoding="utf-8")
    current = forms_dir / "overzicht-1.schema.json"
    schema = json.loads(current.read_text(encoding="utf-8"))
    (forms_dir / "archive").mkdir(exist_ok=True)
    shutil.move(current, forms_dir / "archive" / "overzicht-1@1.schema.json")
    schema["version"] = 2
    schema["properties"] = {"follow_up": {"title": NEW_QUESTION, "type": "string", "maxLength": 500},
                            **schema["properties"]}
    current.write_text(json.dumps(schema, ensure_ascii=False, indent=2), encoding="utf-8")


def test_new_deployment_keeps_drafts_and_outbox_and_old_records_open(browser, tmp_path):
    pwa_dir, forms_dir = tmp_path / "pwa", tmp_path / "forms"
    shutil.copytree(PROJECT / "pwa", pwa_dir)
    shutil.copytree(PROJECT / "forms", forms_dir)
    server = Server(tmp_path, ["update"], pwa_dir=pwa_dir, forms_dir=forms_dir)
    server.start()
    context = browser.new_context(base_url=server.url, viewport=PHONE)
    try:
        app = FieldApp(context.new_page())
        page = app.page
        app.first_login("gil")
        page.context.set_offline(True)
        app.new_case("NG-2020")
        app.start_instrument()
        app.score("/nl/f4", "--")
        page.get_by_label("Explain this factor here:").fill("Made with version 1")
        app.save_draft()
        expect(app.unsent()).to_have_text("2 changes not sent yet")
        old_shell = page.evaluate("caches.keys()")

        # The session ends before the deployment (the device, offline, does not know), so nothing can be sent
        # afterwards: the outbox has to survive the update on its own.
        ended = context.request.delete(f"{server.url}/api/v1/session", headers={"X-Requested-With": "safefuture"})
        assert ended.status == 204
        page.context.set_offline(False)
        server.stop()
        deploy_new_version(pwa_dir, forms_dir)
        server.start()

        page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
        expect(page.get_by_text("A new version of the app is ready.")).to_be_visible(timeout=30000)
        page.get_by_role("button", name="Use it now").click()
        expect(page.get_by_role("heading", name="Unlock Safe Future")).to_be_visible(timeout=30000)  # reloaded
        assert page.evaluate("caches.keys()") != old_shell
        assert "deployment 2" in page.evaluate("fetch('/css/app.css').then((r) => r.text())")

        app.unlock()
        expect(app.unsent()).to_have_text("2 changes not sent yet")
        expect(page).to_have_url(re.compile(r"/#/record/[0-9a-f-]+/edit$"))
        expect(page.locator(".record .card-meta")).to_contain_text("Version 1 of the instrument")
        expect(page.get_by_label("Explain this factor here:")).to_have_value("Made with version 1")
        expect(page.get_by_text(NEW_QUESTION)).to_have_count(0)

        page.get_by_role("link", name="Case NG-2020").click()
        app.start_instrument()  # a new record uses the new version
        expect(page.get_by_label(NEW_QUESTION)).to_be_visible()
        expect(page.locator(".record .card-meta")).to_contain_text("Version 2 of the instrument")
        app.assert_no_policy_violations()
    finally:
        context.close()
        server.stop()
