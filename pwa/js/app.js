// The field app: start-up, routes, lock and unlock, and when to sync.
import { h, clear, toast, announce } from './dom.js';
import { t, loadLanguage, preferredLanguage } from './i18n.js';
import { api, Unreachable, whenWiped } from './api.js';
import { setUnsent } from './device.js';
import { loggedIn, resume, suspend } from './session-lock.js';
import { eraseAfterWipe } from './wipe.js';
import * as adminViews from './views/admin.js';
import { listAccounts, removeAccount, refreshAccount } from './store.js';
import * as outbox from './outbox.js';
import { syncNow } from './sync.js';
import { retryDelay } from './retry.js';
import { renderTopbar, updateStatus } from './views/shell.js';
import * as loginView from './views/login.js';
import * as unlockView from './views/unlock.js';
import * as casesView from './views/cases.js';
import * as caseView from './views/case.js';
import * as recordView from './views/record.js';
import * as conflictView from './views/conflict.js';
import * as outboxView from './views/outbox.js';
import * as settingsView from './views/settings.js';
import * as mapView from './views/socialmap.js';
import * as handoverView from './views/handover.js';
import * as inboxView from './views/inbox.js';
import * as reportsView from './views/reports.js';
import { storeWorkerText } from './push.js';
import * as insecureView from './views/insecure.js';

const LOCK_AFTER_MS = 5 * 60 * 1000;
const SYNC_EVERY_MS = 5 * 60 * 1000;

const ROUTES = [
  [/^#\/cases\/new$/, () => casesView.renderNew(app)],
  [/^#\/cases$/, () => casesView.render(app)],
  [/^#\/case\/([\w-]+)\/new\/([\w-]+)$/, ([caseId, formId]) => recordView.render(app, { caseId, formId })],
  [/^#\/case\/([\w-]+)\/handover$/, ([caseId]) => handoverView.render(app, caseId)],
  [/^#\/case\/([\w-]+)$/, ([caseId]) => caseView.render(app, caseId)],
  [/^#\/record\/([\w-]+)\/edit$/, ([recordId]) => recordView.render(app, { recordId, edit: true })],
  [/^#\/record\/([\w-]+)\/conflict$/, ([recordId]) => conflictView.render(app, recordId)],
  [/^#\/record\/([\w-]+)$/, ([recordId]) => recordView.render(app, { recordId })],
  [/^#\/outbox$/, () => outboxView.render(app)],
  [/^#\/settings$/, () => settingsView.render(app)],
  [/^#\/map$/, () => mapView.render(app)],
  [/^#\/map\/new$/, () => mapView.renderEdit(app, null)],
  [/^#\/map\/retired$/, () => mapView.renderRetired(app)],
  [/^#\/map\/([\w-]+)\/edit$/, ([orgId]) => mapView.renderEdit(app, orgId)],
  [/^#\/map\/([\w-]+)$/, ([orgId]) => mapView.renderOrganisation(app, orgId)],
  [/^#\/inbox$/, () => inboxView.render(app)],
  [/^#\/reports$/, () => reportsView.render(app)],
  ...adminViews.routes(() => app),
];

export const app = {
  store: null, // the unlocked account's DeviceStore; null while locked
  lockReason: null,
  lastAccountId: null,
  loginNeeded: false,
  online: navigator.onLine,
  progress: null, // {phase, done, total} while a sync runs
  outbox: { total: 0, rejected: 0 },
  lastSync: null,
  unread: 0, // notifications in the inbox not read yet
  pendingLogin: null, // {user, password} between login and choosing a device passphrase
  updateReady: null, // a waiting service worker
  leaveHook: null, // the open form's "save what was typed"
  viewSynced: null, // the open form's "show what the sync changed" (it is not redrawn)
  prefill: null, // {form_id, data}: answers a new form starts with (set by the screen that opens it)
  storageNote: null, // {granted, shown}: what the browser said about keeping the data; shown from the next screen until closed

  go(hash) {
    if (location.hash === hash) route(); else location.hash = hash;
  },

  // Saving always writes to the device first; the outbox sends it when it can.
  async saveRecord(record, options) {
    await outbox.saveRecord(app.store, record, options);
    await afterSave();
  },

  async discardDraft(id) {
    const done = await outbox.discardDraft(app.store, id);
    if (done) await afterSave();
    else await app.refreshStatus();
    return done;
  },

  async saveCase(value) {
    await outbox.saveCase(app.store, value);
    await afterSave();
  },

  async retry(key) {
    await outbox.retry(app.store, key);
    await afterSave();
  },

  async unlocked(store) {
    await resume(store);
    app.store = store;
    app.lockReason = null;
    app.lastAccountId = store.account.user_id;
    app.pendingLogin = null;
    app.lastSync = await store.getMeta('last_sync');
    renderTopbar(app);
    await app.refreshStatus();
    if (['', '#/', '#/login', '#/unlock', '#/passphrase'].includes(location.hash)) app.go('#/cases');
    else await route();
    app.sync();
  },

  async lock(reason) {
    if (!app.store) return;
    await app.leave();
    suspend();
    app.store.close();
    app.store = null;
    app.lockReason = reason;
    app.progress = null;
    clear(document.getElementById('main'));
    renderTopbar(app);
    await route();
    announce(reason === 'idle' ? t('Locked after 5 minutes without use.') : t('Locked.'));
  },

  // Whatever the open view holds unsaved is saved as a draft before the view goes away. `mode` 'navigating':
  // the address already names where the user is going (the view must not send it back to itself).
  async leave(mode) {
    const hook = app.leaveHook;
    app.leaveHook = null;
    if (hook) await hook(mode);
  },

  async refreshStatus() {
    const status = await whileOpen(async (store) => ({ ...(await outbox.summary(store)),
      lastSync: await store.getMeta('last_sync') }));
    if (!status) return;
    app.outbox = { total: status.total, rejected: status.rejected };
    setUnsent(status.total);
    app.lastSync = status.lastSync;
    updateStatus(app);
  },

  async sync() {
    clearTimeout(retry.timer);
    if (!app.store || !navigator.onLine) return null;
    const store = app.store;
    const result = await syncNow(store, (progress) => {
      app.progress = progress;
      updateStatus(app);
    });
    app.progress = null;
    if (store !== app.store) return result; // locked meanwhile
    retryLater(result);
    app.loginNeeded = result.status === 'login';
    if (result.status === 'ok') {
      const unread = await inboxView.unreadCount();
      if (unread !== null) app.unread = unread;
      if (result.conflicts) toast(t('Someone else changed a record you changed: choose what to keep.'), 'warn');
      if (result.rejected) toast(t('The server did not accept a change. See the outbox.'), 'warn');
    } else if (result.status === 'error') {
      toast(t('Sync failed: %(reason)s', { reason: result.message }), 'warn');
    }
    await app.refreshStatus();
    // Redraw only when the sync changed something: a redraw closes what the user has open (a panel, a choice).
    const changed = result.status === 'ok' && (result.sent || result.conflicts || result.rejected || result.received);
    if (changed) await queueRender(location.hash, 'redraw');
    return result;
  },

  async afterLogin(user, password, sessionKey) {
    app.loginNeeded = false;
    loggedIn(user.id, sessionKey);
    const accounts = await listAccounts();
    const account = accounts.find((a) => a.user_id === user.id);
    if (app.store && app.store.account.user_id === user.id) {
      await resume(app.store);
      await refreshAccount(app.store.account, user);
      toast(t('Logged in.'));
      app.go('#/cases');
      app.sync();
      return;
    }
    if (app.store) await app.lock('switch');
    if (account) {
      await refreshAccount(account, user);
      app.lastAccountId = account.user_id;
      app.go('#/unlock');
    } else {
      app.pendingLogin = { user, password };
      app.go('#/passphrase');
    }
  },

  // Logging out ends the server session and removes this account's data from the device: so it is refused
  // while anything typed on this device has not reached the server.
  async logout() {
    const { total } = await outbox.summary(app.store);
    if (total) return { refused: 'unsent', count: total };
    try {
      await api('DELETE', '/session');
    } catch (error) {
      if (error instanceof Unreachable) return { refused: 'offline' };
      throw error;
    }
    const userId = app.store.account.user_id;
    suspend();
    app.leaveHook = null;
    app.store.close();
    app.store = null;
    await removeAccount(userId);
    app.lastAccountId = null;
    renderTopbar(app);
    app.go('#/login');
    return { done: true };
  },

  async applyUpdate() {
    await app.leave();
    reloadOnControllerChange = true;
    app.updateReady.postMessage({ type: 'SKIP_WAITING' });
  },
};

// A sync that found no connection or a failing server (5xx, 507 out of space) is tried again by itself.
const retry = { failures: 0, timer: null };
function retryLater(result) {
  if (result.status !== 'offline' && result.status !== 'error') {
    retry.failures = 0;
    return;
  }
  retry.failures += 1;
  clearTimeout(retry.timer);
  retry.timer = setTimeout(() => app.sync(), retryDelay(retry.failures));
}

async function afterSave() {
  await app.refreshStatus();
  askPersistentStorage();
  requestBackgroundSync();
  clearTimeout(afterSave.timer);
  afterSave.timer = setTimeout(() => app.sync(), 1500);
}

// `work(store)` on the open store, or null: when no store is open, or when a lock closed this one while the work
// ran (its reads then fail or come too late; the locked screen has nothing to show of them). Work started by a
// save or a sync is not awaited by anything that could catch its error, so this keeps a lock from throwing there.
async function whileOpen(work) {
  const store = app.store;
  if (!store) return null;
  try {
    const result = await work(store);
    return app.store === store ? result : null;
  } catch (error) {
    if (app.store !== store) return null;
    throw error;
  }
}

// After the first save the browser is asked not to evict the data (web.dev: ask on a meaningful action).
async function askPersistentStorage() {
  const granted = await whileOpen(async (store) => {
    if ((await store.getMeta('persist_asked')) || !navigator.storage?.persist) return null;
    await store.setMeta('persist_asked', true);
    const answer = await navigator.storage.persist();
    await store.setMeta('persist_granted', answer);
    return answer;
  });
  if (granted === null) return;
  // A setting, told calmly under the status line (in the page, over nothing) until read: the same facts stand
  // in Settings. It shows with the next screen: appearing in the open one would push it down under the finger
  // of a user about to tap (the answer comes just after the first save, when the next tap is near).
  app.storageNote = { granted, shown: false };
}

// Where the browser has Background Sync, it wakes the app's page when the connection returns. Nothing
// depends on it: the page syncs on start, on `online` and on "Sync now" as well.
async function requestBackgroundSync() {
  const registration = await navigator.serviceWorker?.getRegistration();
  if (registration && 'sync' in registration) registration.sync.register('sf-outbox').catch(() => {});
}

// Views that show what is stored are redrawn after a sync (until the user types on them: see watchTyping); the forms
// of new things and of records are left alone.
const REDRAWN_AFTER_SYNC = /^#\/(cases|case\/[\w-]+|record\/[\w-]+|outbox|settings|map|map\/[\w-]+|inbox)$/;

// Whether a sync's redraw, when its turn comes, draws the screen on display then. A form being filled in (it has a
// leave hook) is never drawn anew: it shows what the sync changed itself (viewSynced). Decided at its turn, not when
// the sync ended: a draft that was still opening then has its hook by now (and has placed the user at their section).
async function redrawWanted(hash) {
  if (app.leaveHook) { // (a saved new form has its record's address by now, without being drawn again)
    if (app.viewSynced) await app.viewSynced();
    return false;
  }
  if (drawn !== hash) return false; // not on screen (yet): nothing to bring up to date
  return REDRAWN_AFTER_SYNC.test(hash) && !typedSinceDrawn; // what the user typed or chose wins over fresher data
}

async function gate() {
  const hash = location.hash;
  if (hash === '#/passphrase' && app.pendingLogin) return loginView.renderPassphrase(app);
  if (adminViews.isSetup(hash)) return adminViews.renderSetup(app, hash);
  const accounts = await listAccounts();
  if (hash !== '#/login' && accounts.length) return unlockView.render(app, accounts);
  return loginView.render(app, accounts);
}

// Renders run one after another, each for the address it was queued for. One whose address the user has left
// (before it ran, or while it read the store) is dropped: the render queued by that move draws the new address.
// Without this, a sync's redraw queued on the case list ran on the "New case" form the user had just opened and
// drew it a second time, over what they were typing.
let routing = Promise.resolve();
function route() {
  return queueRender(location.hash, 'navigate');
}

function queueRender(hash, kind) {
  const run = () => renderRoute(hash, kind);
  routing = routing.then(run, run);
  return routing;
}

async function renderRoute(hash, kind) {
  if (hash !== location.hash) return;
  if (kind === 'redraw' && !(await redrawWanted(hash))) return;
  const main = document.getElementById('main');
  await app.leave('navigating');
  app.viewSynced = null;
  let view;
  try {
    if (!app.store) {
      view = await gate();
    } else if (hash === '#/login') {
      view = await loginView.render(app, await listAccounts());
    } else {
      const found = ROUTES.find(([pattern]) => pattern.test(hash));
      if (!found) {
        location.replace('#/cases');
        return;
      }
      view = await found[1](found[0].exec(hash).slice(1));
    }
    if (hash !== location.hash) return;
    // The user may have typed while the redraw read the store: the screen on display (with what they typed) stays.
    if (kind === 'redraw' && typedSinceDrawn) return;
  } catch (error) {
    console.error(error);
    view = h('div', { class: 'panel' }, h('h1', {}, t('This page could not be opened.')),
      h('p', {}, t('Check the connection, or go back to the cases.')),
      h('p', {}, h('a', { href: '#/cases' }, t('Back to the cases'))));
  }
  const redraw = drawn === hash;
  drawn = hash;
  if (!redraw && app.storageNote) app.storageNote.shown = true;
  const focused = document.activeElement;
  const kept = redraw ? { x: window.scrollX, y: window.scrollY, focus: focused?.id,
    heading: Boolean(focused && focused.matches('main h1')),
    // Where the focused element sat in the window, and what was typed in the boxes that only find (filters).
    top: main.contains(focused) ? focused.getBoundingClientRect().top : null, filters: searchesIn(main),
    anchor: anchorIn(main) } : null;
  main.replaceChildren(view);
  typedSinceDrawn = false;
  const heading = main.querySelector('h1');
  if (heading) {
    document.title = `${heading.textContent} · Safe Future`;
  }
  updateStatus(app);
  placeView(main, heading, kept, view);
}

// A new screen opens at its top with the keyboard (and a screen reader) on its heading; a redraw of the same
// screen (after a sync, a language change) keeps the user's place and focus.
let drawn = null;
function placeView(main, heading, kept, view) {
  if (!kept && view.placeAfterDraw) {
    view.placeAfterDraw(); // the view knows a better place (a draft reopens where the user left it)
    return;
  }
  if (kept) {
    refilter(main, kept.filters);
    window.scrollTo(kept.x, kept.y);
    const again = kept.heading ? heading : kept.focus && document.getElementById(kept.focus);
    if (again && main.contains(again)) {
      if (again === heading) heading.setAttribute('tabindex', '-1');
      again.focus({ preventScroll: true });
      // What changed above it (a colleague's new record) does not move the user's place.
      // (The heading has the focus a screen opens with, not one the user gave: what they look at is the anchor.)
      if (kept.top !== null && again !== heading) {
        window.scrollBy(0, again.getBoundingClientRect().top - kept.top);
        return;
      }
    }
    const anchor = kept.anchor && anchorFor(main, kept.anchor);
    if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - kept.anchor.top);
    return;
  }
  window.scrollTo(0, 0);
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

// Without a focused element, a redraw keeps the link or heading nearest the middle of the window where it was: what
// a sync adds or drops above it (the step change opening once the case is on the server) does not move the list
// the user is reading, or tapping. Elements are named by what they are: a link by its address, a heading by its
// text.
const ANCHORS = 'a[href], h2, h3';
const anchorKey = (el) => (el.matches('a') ? `a ${el.getAttribute('href')}` : `${el.tagName} ${el.textContent}`);

// Each anchor candidate with its name, and which of the elements of that name it is (a link can show twice).
function anchorsIn(main) {
  const seen = new Map();
  return [...main.querySelectorAll(ANCHORS)].filter((e) => e.getClientRects().length).map((el) => {
    const key = anchorKey(el);
    const nth = seen.get(key) || 0;
    seen.set(key, nth + 1);
    return { el, key, nth };
  });
}

function anchorIn(main) {
  const middle = window.innerHeight / 2;
  let best = null;
  for (const { el, key, nth } of anchorsIn(main)) {
    const { top } = el.getBoundingClientRect();
    if (top >= 0 && top < window.innerHeight && (!best || Math.abs(top - middle) < Math.abs(best.top - middle))) {
      best = { key, nth, top };
    }
  }
  return best;
}

function anchorFor(main, anchor) {
  return anchorsIn(main).find((a) => a.key === anchor.key && a.nth === anchor.nth)?.el;
}

// A sync's redraw would draw a screen anew over what the user typed or chose on it (a device name, a password, the
// PDF panel's choices): after any of that, the screen stays as it is until the user leaves it. Search boxes do not
// count: their text is carried through a redraw.
let typedSinceDrawn = false;
function watchTyping(main) {
  const typed = (event) => {
    if (event.target.matches?.('input, textarea, select') && event.target.type !== 'search') typedSinceDrawn = true;
  };
  main.addEventListener('input', typed, { capture: true });
  main.addEventListener('change', typed, { capture: true });
}

// What the user typed into a screen's search and filter boxes stays through a redraw of that screen.
function searchesIn(main) {
  return [...main.querySelectorAll('input[type=search][id]')].filter((input) => input.value)
    .map((input) => [input.id, input.value]);
}

function refilter(main, filters) {
  for (const [id, value] of filters) {
    const input = document.getElementById(id);
    if (!input || !main.contains(input) || input.value === value) continue;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

// Locks after LOCK_AFTER_MS without a touch, key or scroll; checked by the clock, so a sleeping tablet locks
// on waking too.
let lastActivity = Date.now();
function watchActivity() {
  for (const type of ['pointerdown', 'keydown', 'input', 'scroll', 'touchstart']) {
    document.addEventListener(type, () => { lastActivity = Date.now(); }, { capture: true, passive: true });
  }
  setInterval(() => {
    if (app.store && Date.now() - lastActivity >= LOCK_AFTER_MS) app.lock('idle');
  }, 5000);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && app.leaveHook) app.leaveHook('keep-open');
    if (document.visibilityState === 'visible' && app.store && Date.now() - lastActivity >= LOCK_AFTER_MS) app.lock('idle');
  });
}

let reloadOnControllerChange = false;
async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  // An update is a worker waiting behind another one in control. WebKit can fire the first worker's `installed`
  // after that worker already controls the page, with `registration.waiting` still naming it: no update then.
  const offer = () => {
    const { waiting } = registration;
    const { controller } = navigator.serviceWorker;
    if (waiting && controller && controller !== waiting) {
      app.updateReady = waiting;
      updateStatus(app);
    }
  };
  const watch = (worker) => worker && worker.addEventListener('statechange', offer);
  offer();
  watch(registration.installing);
  registration.addEventListener('updatefound', () => watch(registration.installing));
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloadOnControllerChange) location.reload();
  });
  navigator.serviceWorker.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'sync') app.sync();
    if (event.data && event.data.type === 'inbox' && app.store) app.go('#/inbox');
  });
  window.addEventListener('online', () => registration.update().catch(() => {}));
  setInterval(() => registration.update().catch(() => {}), 60 * 60 * 1000);
}

async function start() {
  try {
    await loadLanguage(preferredLanguage());
  } catch {
    // No catalog yet (a first visit that lost its connection): English msgids serve.
  }
  // Plain http on another host: no service worker, no Web Crypto. Say so instead of showing a login that fails.
  if (!window.isSecureContext) {
    insecureView.show();
    return;
  }
  // The worker installs with the catalog of the language noted here (sw.js).
  const workerText = storeWorkerText().catch(() => {});
  renderTopbar(app);
  window.addEventListener('hashchange', route);
  window.addEventListener('online', () => {
    app.online = true;
    updateStatus(app);
    app.sync();
  });
  window.addEventListener('offline', () => {
    app.online = false;
    updateStatus(app);
  });
  window.addEventListener('error', () => toast(t('Something went wrong in the app.'), 'warn'));
  whenWiped(() => eraseAfterWipe(app));
  watchActivity();
  watchTyping(document.getElementById('main'));
  setInterval(() => app.sync(), SYNC_EVERY_MS);
  workerText.then(registerServiceWorker).catch((error) => console.error('service worker', error));
  await route();
}

start();
