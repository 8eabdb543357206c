// The service worker: keeps the app shell, every instrument version and every catalog (self.PRECACHE, written
// in front of this file by the server) so the app opens and works in airplane mode. Case data never passes
// through here into a cache: API responses other than the instruments go to the network untouched.
/* global self, caches, fetch, Response, URL */
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

// Revalidate rather than bypass the HTTP cache: what the page has just loaded comes back as 304 Not Modified.
async function download(url, revision) {
  const response = await fetch(url, { cache: 'no-cache', credentials: 'same-origin' });
  if (!response.ok) throw new Error(`precache ${url}: ${response.status}`);
  const headers = new Headers(response.headers);
  headers.set(REVISION, revision);
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

async function precache() {
  const cache = await caches.open(CACHE);
  for (const { url, revision } of self.PRECACHE.entries) {
    const kept = await cache.match(url);
    if (kept && kept.headers.get(REVISION) === revision) continue;
    await cache.put(url, (await unchanged(url, revision)) || (await download(url, revision)));
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The page decides when a waiting update takes over (after saving what is open).
self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') self.skipWaiting();
});

async function fromCache(key, request) {
  const cached = await (await caches.open(CACHE)).match(key);
  return cached || fetch(request);
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
