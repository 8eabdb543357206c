"""A handover round trip in two browser contexts: a counsellor working in Dutch hands records over (refused
without consent, in the UI and by the server), a partner working in Bulgarian gets the case by sync, records the
arrival and files a monitoring report that comes back to the counsellor's inbox and schedule; then consent is
withdrawn, a push (delivered through the DevTools protocol) makes the partner's device sync, and the case leaves
it. Selectors are ids and data attributes: the screens are in Dutch and Bulgarian."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSPHRASE, PASSWORD, PHONE, FieldApp, email

pytestmark = pytest.mark.browser

DEPARTED = (dt.date.today() - dt.timedelta(days=70)).isoformat()  # arrival and first contact are overdue


def device_in(browser, server, locale):
    context = browser.new_context(base_url=server.url, viewport=PHONE, locale=locale)
    return context, FieldApp(context.new_page())


def first_login(app, who):
    page = app.page
    page.goto("/")
    page.locator("#email").fill(email(who))
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.locator("#passphrase").fill(PASSPHRASE)
    page.locator("#passphrase-repeat").fill(PASSPHRASE)
    page.locator("form button[type=submit]").click()
    expect(page.locator("#sync-button")).to_be_visible()
    app.wait_until_offline_ready()


def sync_and_wait(app):
    """Sync now, and wait until the device has sent everything and the sync run has ended."""
    page = app.page
    expect(page.locator("#sync-button")).to_be_enabled(timeout=15000)
    page.locator("#sync-button").click()
    expect(page.locator("#unsent.pending")).to_have_count(0, timeout=15000)
    expect(page.locator("#sync-button")).to_be_enabled(timeout=15000)


def test_handover_round_trip_nl_to_bg_with_monitoring_withdrawal_and_push(browser, server):
    nl_context, nina = device_in(browser, server, "nl-NL")
    bg_context, petar = device_in(browser, server, "bg-BG")
    try:
        # The counsellor (Dutch) makes a case with a record and syncs it.
        first_login(nina, "nina")
        page = nina.page
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        page.locator('a[href="#/cases/new"]').click()
        page.locator("#client-code").fill("BG-2024-17")
        page.locator("#country").select_option("BG")
        page.locator("form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"#/case/[0-9a-f-]{36}$"))
        case_id = page.evaluate("location.hash").split("/")[2]
        page.locator("a.instrument").first.click()
        page.locator("#save-draft").click()
        expect(page.locator("#unsent.pending")).to_have_count(1)
        sync_and_wait(nina)

        # Handing over without consent is refused by the app itself.
        page.evaluate("h => { location.hash = h; }", f"#/case/{case_id}/handover")
        page.locator("#handover-org").select_option(label="Bgpartner · Bulgarije")
        page.locator('[data-path="/record_ids"] input[type=checkbox]').first.check()
        page.locator("#hand-over").click()
        expect(page.locator("#handover-form .form-error")).to_be_visible()
        expect(page.locator('[data-path="/consent/given_by"] .field-error')).to_be_visible()
        expect(page.locator("#handover-list .handover")).to_have_count(0)
        nina.screenshot("partners/01-handover-refused")

        # The server's refusal (consent expiring before it was given) is shown at the field it names.
        page.locator('input[name=given_by][value=client]').check()
        page.locator("#consent-purpose").fill("Opvang en begeleiding na terugkeer")
        # Consent languages named by CLDR in Dutch, those of the return countries first, Akan once.
        names = page.locator("#consent-language option").all_inner_texts()
        assert names[1:4] == ["Engels", "Nigeriaans Pidgin", "Bini"] and names.count("Akan") == 1, names
        page.locator("#consent-language").select_option("bg")
        page.locator("#consent-expires").fill("2001-01-01")
        page.locator("#handover-departure").fill(DEPARTED)
        page.locator("#hand-over").click()
        expect(page.locator('[data-path="/consent/expires"] .field-error')).to_be_visible()
        expect(page.locator("#handover-list .handover")).to_have_count(0)

        page.locator("#consent-expires").fill("")
        page.locator("#hand-over").click()
        expect(page.locator("#handover-list .handover")).to_have_count(1)
        expect(page.locator("#handover-list .handover .badge.final")).to_be_visible()
        nina.screenshot("partners/02-handover-made")

        # The partner (Bulgarian) gets exactly that case, named by its number, in Bulgarian.
        first_login(petar, "petar")
        bg = petar.page
        expect(bg.locator("html")).to_have_attribute("lang", "bg")
        cards = bg.locator("#case-list a.card")
        expect(cards).to_have_count(1)
        expect(cards).not_to_contain_text("BG-2024-17")
        petar.screenshot("partners/03-partner-cases")
        cards.click()
        expect(bg.locator("#record-list a")).to_have_count(1)
        # The handed-over record is read, not edited, on the partner's side.
        bg.locator("#record-list a").click()
        expect(bg.locator(".read-only-note")).to_be_visible()
        expect(bg.locator('a[href$="/edit"], #finalise, #save-draft')).to_have_count(0)
        bg.go_back()
        expect(bg.locator("#record-list a")).to_have_count(1)
        overdue = bg.locator(".monitoring-item.status-overdue")
        expect(overdue).to_have_count(2)  # arrival confirmed, contact after a month
        expect(bg.locator(".moves-section")).to_be_hidden()  # no empty "Change the step" for a partner
        # The partner's own view: return and monitoring, then the re-integration path; the Dutch path is a closed
        # summary without links to new records; the re-integration instruments come first.
        order = bg.evaluate("() => [...document.querySelectorAll('#partner-section, .path-steps, details.path-summary')]"
                            ".map((e) => e.id || e.dataset.phase)")
        assert order[:3] == ["partner-section", "abroad", "nl"], order
        expect(bg.locator("details.path-summary")).not_to_have_attribute("open", "")
        expect(bg.locator('details.path-summary a[href*="/new/"]')).to_have_count(0)
        steps = bg.locator(".step-instruments .card-meta").all_inner_texts()
        assert steps and all("R-" in s for s in steps), steps
        petar.screenshot("partners/04-partner-monitoring")
        arrival = bg.locator('.monitoring-item[data-item="arrival_confirmed"]')
        expect(arrival.locator(".no-departure")).to_be_visible()  # the departure is only planned
        bg.locator('.monitoring-item button[data-item="arrival_confirmed"]').click()
        expect(bg.locator('.monitoring-item.status-done[data-item="arrival_confirmed"]')).to_be_visible()

        # Offline for days: the schedule stays readable as the server last sent it, without what needs the server.
        bg_context.set_offline(True)
        bg.evaluate("location.hash = '#/cases'")
        bg.evaluate("h => { location.hash = h; }", f"#/case/{case_id}")
        expect(bg.locator("#partner-section .last-said")).to_be_visible()
        expect(bg.locator('.monitoring-item.status-done[data-item="arrival_confirmed"]')).to_be_visible()
        expect(bg.locator('.monitoring-item.status-overdue[data-item="first_contact"]')).to_be_visible()
        expect(bg.locator("#partner-section .record-item")).to_have_count(0)
        petar.screenshot("partners/04b-partner-monitoring-offline")
        bg_context.set_offline(False)

        # The partner files the six-month report.
        # "File the report" starts it with what the case knows; a report dated too early gets a warning.
        bg.locator('.monitoring-item[data-item="report_6"] a.button').click()
        expect(bg.locator('[data-pointer="/period"] input[type=radio]').first).to_be_checked()
        expect(bg.locator('[data-pointer="/reporting_organisation"] input')).to_have_value("Bgpartner")
        expect(bg.locator('[data-pointer="/reported_on"] input')).to_have_value(dt.date.today().isoformat())
        expect(bg.locator(".plausibility .banner")).to_have_count(0)
        bg.locator('[data-pointer="/returned_on"] input').fill(DEPARTED)
        expect(bg.locator(".plausibility .banner")).to_contain_text("70")
        bg.locator('[data-pointer="/returned_on"] input').fill("")
        bg.locator('[data-pointer="/wellbeing"] textarea').fill("Живее при сестра си, чувства се в безопасност.")
        bg.locator('[data-pointer="/reintegration_result"] textarea').fill("Започна курс за шивачки.")
        bg.locator("#finalise").click()
        expect(bg.locator(".record .badge.final")).to_be_visible()
        sync_and_wait(petar)

        # Back at the Dutch organisation: the report is in the inbox and done in the schedule.
        sync_and_wait(nina)
        expect(page.locator("#unread-count")).not_to_have_text("")
        # The link's name holds the number it shows, and says what it counts.
        shown = page.locator("#unread-count").text_content()
        expect(page.locator("#inbox-link")).to_have_accessible_name(f"Berichten {shown} ongelezen")  # her app speaks Dutch
        page.locator("#inbox-link").click()
        report_note = page.locator('#inbox-list .inbox-entry.unread[data-kind="monitoring_report"]')
        expect(report_note).to_have_count(1)
        nina.screenshot("partners/05-inbox")
        report_note.locator("button.mark-read").click()
        expect(page.locator('#inbox-list .inbox-entry.unread[data-kind="monitoring_report"]')).to_have_count(0)
        # Offline, the inbox shows what the server last sent, and nothing can be marked read.
        nl_context.set_offline(True)
        page.evaluate("location.hash = '#/cases'")
        page.locator("#inbox-link").click()
        expect(page.locator(".last-said")).to_be_visible()
        expect(page.locator('#inbox-list .inbox-entry[data-kind="monitoring_report"]')).to_have_count(1)
        expect(page.locator("#inbox-list button.mark-read")).to_have_count(0)
        nl_context.set_offline(False)
        page.evaluate("h => { location.hash = h; }", f"#/case/{case_id}")
        expect(page.locator('.monitoring-item.status-done[data-item="report_6"]')).to_be_visible()
        expect(page.locator('.monitoring-item.status-done[data-item="arrival_confirmed"]')).to_be_visible()
        nina.screenshot("partners/06-case-monitoring")
        # She reads the partner's report; it is the partner's, so nothing on it can be changed, not even by its
        # edit address (the server refuses such a change too: tests/api/test_handover.py).
        page.locator('.monitoring-item[data-item="report_6"] a[href^="#/record/"]').click()
        expect(page.locator('[data-pointer="/wellbeing"]')).to_contain_text("Живее при сестра си")
        expect(page.locator(".read-only-note")).to_be_visible()
        for address in (page.evaluate("location.hash"), page.evaluate("location.hash") + "/edit"):
            page.evaluate("h => { location.hash = h; }", address)
            expect(page.locator(".read-only-note")).to_be_visible()
            expect(page.locator('a[href$="/edit"], #finalise, #save-draft, #discard-draft')).to_have_count(0)
            expect(page.locator(".form-fields").locator("input, textarea, select")).to_have_count(0)
        nina.screenshot("partners/06b-partners-report-read-only")

        # Consent withdrawn: a push makes the partner's open app sync, and the case leaves the device.
        page.evaluate("h => { location.hash = h; }", f"#/case/{case_id}/handover")
        page.locator("#handover-list button.withdraw").click()
        page.locator("#handover-list button.withdraw").click()  # confirmed
        expect(page.locator("#handover-list .handover .badge.rejected")).to_be_visible()

        bg.evaluate("location.hash = '#/cases'")
        bg_context.grant_permissions(["notifications"])
        cdp = bg_context.new_cdp_session(bg)
        registrations = []
        cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
        cdp.send("ServiceWorker.enable")
        deadline = dt.datetime.now() + dt.timedelta(seconds=10)
        while not registrations and dt.datetime.now() < deadline:
            bg.wait_for_timeout(100)
        cdp.send("ServiceWorker.deliverPushMessage", {"origin": server.url, "registrationId":
                                                      registrations[0]["registrationId"], "data": ""})
        ended = bg.locator("#case-list .card.ended")
        expect(ended).to_have_count(1, timeout=15000)
        expect(bg.locator("#case-list a.card")).to_have_count(0)
        # The worker shows the notification and wakes the page in either order: wait for both, and read the
        # notification while it is shown (the browser may take it away again).
        notes = bg.wait_for_function("navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((ns) => "
                                     "ns.length ? ns.map((n) => ({title: n.title, body: n.body, lang: n.lang})) : null)",
                                     timeout=15000).json_value()
        assert len(notes) == 1 and notes[0]["lang"] == "bg", notes
        assert "BG-2024-17" not in notes[0]["body"] and "Something needs" not in notes[0]["body"]  # generic, in Bulgarian
        petar.screenshot("partners/07-partner-withdrawn")
        bg.evaluate("h => { location.hash = h; }", f"#/case/{case_id}")
        expect(bg.locator("#record-list")).to_have_count(0)
        # What the server last said about the case left the device with it.
        kept = bg.evaluate("""async (caseId) => {
          const names = (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith('safefuture-'));
          const keys = [];
          for (const name of names) {
            const db = await new Promise((ok, fail) => {
              const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); r.onerror = () => fail(r.error); });
            keys.push(...await new Promise((ok) => {
              const r = db.transaction('meta').objectStore('meta').getAllKeys(); r.onsuccess = () => ok(r.result); }));
            db.close();
          }
          return keys.filter((k) => String(k).endsWith(caseId));
        }""", case_id)
        assert kept == [], kept
        nina.assert_no_policy_violations()
        petar.assert_no_policy_violations()
    finally:
        nl_context.close()
        bg_context.close()
