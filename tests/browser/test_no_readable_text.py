"""IndexedDB holds no readable case text: a marker typed into a form appears nowhere in the browser's storage
(IndexedDB, localStorage, sessionStorage, Cache Storage, and so any service-worker queue kept there)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

MARKER = "ZEBRA-QUOKKA-4711"

# Everything the origin keeps, as text: every value of every object store of every IndexedDB database
# (binary data read byte by byte, so UTF-8 plaintext would show), the web storages, every cached response.
DUMP_STORAGE = """async () => {
  const text = (value) => {
    if (value instanceof ArrayBuffer) value = new Uint8Array(value);
    if (ArrayBuffer.isView(value)) {
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      let out = '';
      for (const b of bytes) out += String.fromCharCode(b);
      return out;
    }
    if (Array.isArray(value)) return value.map(text).join(' ');
    if (value && typeof value === 'object') return Object.entries(value).map(([k, v]) => k + ' ' + text(v)).join(' ');
    return String(value);
  };
  const parts = {};
  for (const info of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open(info.name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    for (const name of db.objectStoreNames) {
      const rows = await new Promise((resolve, reject) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const keys = await new Promise((resolve) => {
        const request = db.transaction(name).objectStore(name).getAllKeys();
        request.onsuccess = () => resolve(request.result);
      });
      parts[`idb:${info.name}/${name}`] = { count: rows.length, text: text(rows) + ' ' + text(keys) };
    }
    db.close();
  }
  for (const [label, storage] of [['localStorage', localStorage], ['sessionStorage', sessionStorage]]) {
    const entries = [];
    for (let i = 0; i < storage.length; i += 1) entries.push(storage.key(i) + '=' + storage.getItem(storage.key(i)));
    parts[label] = { count: entries.length, text: entries.join('\\n') };
  }
  for (const cacheName of await caches.keys()) {
    const cache = await caches.open(cacheName);
    const entries = [];
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      entries.push(request.url + '\\n' + await response.clone().text());
    }
    parts[`cache:${cacheName}`] = { count: entries.length, text: entries.join('\\n') };
  }
  return parts;
}"""


def readable(parts: dict, marker: str) -> list[str]:
    return [name for name, part in parts.items() if marker in part["text"]]


def test_marker_typed_into_a_form_is_nowhere_in_browser_storage(device):
    app, page = device, device.page
    app.first_login("dana")
    page.context.set_offline(True)  # so the marker stays in the outbox too, not only in the records
    app.new_case(f"C-{MARKER}")
    app.start_instrument()
    page.get_by_label("B8/3", exact=True).check()
    app.score("/coo/f3", "--")
    app.write_note("/coo/f3", f"The client said: {MARKER}")
    app.save_draft()
    page.locator("#finalise").click()
    expect(page.locator(".record .badge.final")).to_be_visible()
    expect(page.locator(".record")).to_contain_text(MARKER)  # the app itself can read it, unlocked

    parts = page.evaluate(DUMP_STORAGE)
    [outbox] = [part for name, part in parts.items() if name.endswith("/outbox")]
    assert outbox["count"] == 2  # the case and the record wait, encrypted
    assert any(name.startswith("cache:") and part["count"] > 10 for name, part in parts.items())
    assert readable(parts, MARKER) == []

    # The check can fail: plaintext written by a careless script is found.
    page.evaluate(f"""() => new Promise((resolve) => {{
      const request = indexedDB.open('careless', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('notes');
      request.onsuccess = () => {{
        const tx = request.result.transaction('notes', 'readwrite');
        tx.objectStore('notes').put(new TextEncoder().encode('{MARKER}'), 1);
        tx.oncomplete = () => {{ request.result.close(); resolve(); }};
      }};
    }})""")
    assert readable(page.evaluate(DUMP_STORAGE), MARKER) == ["idb:careless/notes"]
