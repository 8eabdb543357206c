// The service worker: keeps the app shell, every instrument version and every catalog (self.PRECACHE, written
// in front of this file by the server) so the app opens and works in airplane mode. It installs with the UI
// language's catalog, in parallel, and fetches the other catalogs once active. Case data never passes
// through here into a cache: API responses other than the instruments go to the network untouched.
/* global self, caches, fetch, Response, URL, Headers, crypto */
const PREFIX = 'safefuture-shell-';
const CACHE = PREFIX + self.PRECACHE.version;
const PRECACHED = new Set(self.PRECACHE.entries.map((e) => e.url));
const REVISION = 'X-Safefuture-Revision';

// Copy an entry from an older cache when its revision did not change, so an update downloads only what did.
async function unchanged(url, revision) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const hit = await (await caches.open(name)).match(url);
    if (hit && hit.headers.get(REVISION) === revision) return hit;
  }
  return null;
}

function kept(response, body, revision) {
  const headers = new Headers(response.headers);
  headers.set(REVISION, revision);
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

// The first 16 hex digits of the SHA-256 of a body: the revision of an entry marked `bytes` (offline_bundle.py).
async function digest(body) {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', await body.arrayBuffer()));
  return Array.from(hash.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}

// What the page has just loaded is in the browser's HTTP cache: an entry whose revision is its bytes' hash is
// taken from there when the hash matches, without a round trip. Anything else is revalidated (304 Not Modified
// when unchanged) or downloaded.
async function download(url, revision, bytes) {
  if (bytes) {
    const cached = await fetch(url, { cache: 'force-cache', credentials: 'same-origin' }).catch(() => null);
    if (cached && cached.ok) {
      const body = await cached.blob();
      if ((await digest(body)) === revision) return kept(cached, body, revision);
    }
  }
  const response = await fetch(url, { cache: 'no-cache', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`precache ${url}: ${response.status}`);
  return kept(response, await response.blob(), revision);
}

// Several downloads at once: on a slow mobile link the round trips, not the bytes, would otherwise add up.
const PARALLEL = 6;
const PREFS = 'safefuture-prefs';

// The UI language: what the page left in the prefs cache (js/push.js), else the browser's first language we have.
async function uiLanguage() {
  const noted = await (await caches.open(PREFS)).match('/sf-notification.json');
  const languages = new Set(self.PRECACHE.entries.filter((e) => e.lang).map((e) => e.lang));
  const chosen = noted ? (await noted.json()).lang : null;
  if (languages.has(chosen)) return chosen;
  const browser = (self.navigator.languages || []).map((tag) => tag.slice(0, 2).toLowerCase());
  return browser.find((code) => languages.has(code)) || 'en';
}

async function precache(entries) {
  const cache = await caches.open(CACHE);
  const queue = [...entries];
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const { url, revision, bytes } = entry;
      const have = await cache.match(url);
      if (have && have.headers.get(REVISION) === revision) continue;
      await cache.put(url, (await unchanged(url, revision)) || (await download(url, revision, bytes)));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

// Install with what the app needs to work offline in the UI language; the other languages' catalogs follow once
// the worker is active (and one the page asks for sooner is fetched then: see fromCache).
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const lang = await uiLanguage();
    await precache(self.PRECACHE.entries.filter((e) => !e.lang || e.lang === lang));
  })());
});

// After an update, the other catalogs that did not change come from the old cache before it goes.
async function carryOver(entries) {
  const cache = await caches.open(CACHE);
  for (const { url, revision } of entries) {
    const hit = (await cache.match(url)) ? null : await unchanged(url, revision);
    if (hit) await cache.put(url, hit);
  }
}

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const later = self.PRECACHE.entries.filter((e) => e.lang);
    await carryOver(later);
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
    await precache(later).catch(() => {}); // offline now: fetched when the page asks for one (fromCache)
  })());
});

// The page decides when a waiting update takes over (after saving what is open).
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

// A precached entry not in the cache yet (a catalog still to come) is fetched and kept on the way.
async function fromCache(key, request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  if (cached) return cached;
  const entry = self.PRECACHE.entries.find((e) => e.url === key);
  if (!entry) return fetch(request);
  const response = await download(key, entry.revision, entry.bytes);
  await cache.put(key, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && !url.pathname.startsWith('/api/')) {
    event.respondWith(fromCache('/', request));
  } else if (PRECACHED.has(url.pathname + url.search)) {
    event.respondWith(fromCache(url.pathname + url.search, request));
  }
});

// Background Sync, where the browser has it: wake the app's open pages, which hold the key and do the work.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'sf-outbox') return;
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((pages) => {
    pages.forEach((page) => page.postMessage({ type: 'sync' }));
  }));
});

// Web push: the payload says nothing (services/push.py). Show the generic text the page left in the UI language
// (js/push.js) and let open pages sync, which brings the details over the session.
async function notificationText() {
  const kept = await (await caches.open('safefuture-prefs')).match('/sf-notification.json');
  const fallback = { lang: 'en', title: 'Safe Future', body: 'Something needs your attention. Open the app to see it.' };
  return kept ? { ...fallback, ...(await kept.json()) } : fallback;
}

self.addEventListener('push', (event) => {
  event.waitUntil((async () => {
    const pages = await self.clients.matchAll({ type: 'window' });
    pages.forEach((page) => page.postMessage({ type: 'sync' }));
    const text = await notificationText();
    await self.registration.showNotification(text.title, { body: text.body, lang: text.lang, tag: 'safefuture',
      renotify: true, icon: '/icons/icon-192.png' });
  })());
});

// A tap on the notification opens the inbox: in an open page of the app, else in a new one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil((async () => {
    const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: false });
    if (pages.length) {
      pages[0].postMessage({ type: 'inbox' });
      await pages[0].focus();
    } else {
      await self.clients.openWindow('/#/inbox');
    }
  })());
});
