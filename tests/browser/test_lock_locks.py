"""A lock that locks (issue 14, pwa/README.md "The lock"): while the app is locked its server session reads and
writes nothing: a request with the cookie alone gets 401. Unlocking with the device passphrase resumes work
without the account password."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

COOKIE_ALONE = "fetch('/api/v1/cases', {credentials: 'same-origin', cache: 'no-store'}).then((r) => r.status)"


def test_after_lock_the_cookie_alone_reads_nothing_and_unlocking_resumes_without_the_password(device, api_as):
    lena = device
    lena.first_login("lena")
    lena.new_case("LOCK-1")
    lena.sync_now()
    lena.expect_all_sent()

    lena.page.get_by_role("button", name="Lock").click()
    expect(lena.page.get_by_role("heading", name="Unlock Safe Future")).to_be_visible()
    cookies = {c["name"] for c in lena.page.context.cookies()}
    assert "sf_session" in cookies  # the session still exists on the server: it is suspended, not ended
    assert lena.page.evaluate(COOKIE_ALONE) == 401  # what the browser's address bar would get
    assert lena.page.context.request.get("/api/v1/cases").status == 401
    assert lena.page.context.request.get("/api/v1/session").status == 401

    lena.unlock()
    expect(lena.page.get_by_role("heading", name="Case LOCK-1")).to_be_visible()  # where she was
    lena.page.get_by_role("link", name="Cases", exact=True).click()
    lena.new_case("LOCK-2")
    lena.sync_now()
    lena.expect_all_sent()
    expect(lena.page.locator(".banner.login")).to_be_hidden()
    codes = {c["client_code"] for c in api_as("lena").get("/cases")["cases"]}
    assert {"LOCK-1", "LOCK-2"} <= codes
    assert lena.page.evaluate(COOKIE_ALONE) == 401  # unlocked too: only the app, holding the key, reads
