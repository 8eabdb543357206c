// The bar above every screen: where am I, what has not been sent, sync and lock.
import { h } from '../dom.js';
import { t, tn, formatWhen } from '../i18n.js';
import { mayReport } from './reports.js';

let parts = null;

// The top bar's height, for what sticks below it and for scroll padding (app.css, wide screens).
const barHeight = new ResizeObserver(([entry]) => {
  document.documentElement.style.setProperty('--topbar-height', `${Math.ceil(entry.target.getBoundingClientRect().height)}px`);
});
barHeight.observe(document.getElementById('topbar'));

export function renderTopbar(app) {
  const bar = document.getElementById('topbar');
  const brand = h('a', { class: 'brand', href: app.store ? '#/cases' : '#/' },
    h('img', { src: '/icons/icon.svg', alt: '', width: '32', height: '32' }), h('span', { class: 'brand-name' }, 'Safe Future'));
  const update = h('div', { class: 'banner update', hidden: true },
    h('span', {}, t('A new version of the app is ready.')),
    h('button', { type: 'button', onclick: () => app.applyUpdate() }, t('Use it now')));
  if (!app.store) {
    parts = { update };
    bar.replaceChildren(h('div', { class: 'bar' }, brand), update);
    return;
  }
  const lock = h('button', { type: 'button', id: 'lock-button', class: 'secondary', onclick: () => app.lock('button') },
    t('Lock'));
  const network = h('span', { class: 'badge offline' }, t('Offline'));
  const unsent = h('span', { id: 'unsent', class: 'unsent' });
  const last = h('span', { id: 'last-sync', class: 'last-sync' });
  // On a phone the button shows its arrow only; its name stays for screen readers.
  const syncButton = h('button', { type: 'button', id: 'sync-button', onclick: () => app.sync() },
    h('span', { class: 'sync-icon', 'aria-hidden': 'true' }, '⟳'), h('span', { class: 'sync-text' }, t('Sync now')));
  const login = h('div', { class: 'banner login', hidden: true },
    h('span', {}, t('Your session on the server has ended: log in again to send your changes. Nothing is lost.')),
    h('a', { href: '#/login', class: 'button' }, t('Log in')));
  const outboxCount = h('span', { class: 'count' });
  const unreadCount = h('span', { class: 'count', id: 'unread-count' });
  // The link's name is what it shows ("Inbox 3") and says what the number counts.
  const unreadWord = h('span', { class: 'sr-only' });
  const inbox = h('a', { href: '#/inbox', class: 'inbox-link', id: 'inbox-link', 'data-section': 'inbox' },
    h('img', { src: '/icons/inbox.svg', alt: '', width: '24', height: '24' }), h('span', { class: 'inbox-text' }, t('Inbox')),
    ' ', unreadCount, unreadWord);
  const nav = h('nav', { 'aria-label': t('Main') },
    h('a', { href: '#/cases', 'data-section': 'case' }, t('Cases')),
    h('a', { href: '#/map', 'data-section': 'map' }, t('Map')),
    h('a', { href: '#/outbox', 'data-section': 'outbox' }, t('Outbox'), outboxCount),
    mayReport(app.store.account.role) ? h('a', { href: '#/reports', 'data-section': 'reports' }, t('Reports')) : null,
    h('a', { href: '#/settings', 'data-section': 'settings' }, t('Settings')));
  // A note about a setting (the browser's storage), in the flow of the page so it covers nothing, until closed.
  const storageText = h('span', { class: 'storage-text' });
  const storage = h('div', { class: 'storage-note', id: 'storage-note', hidden: true },
    h('span', { class: 'storage-icon', 'aria-hidden': 'true' }, 'ℹ'), storageText,
    h('button', { type: 'button', id: 'storage-note-close', onclick: () => {
      app.storageNote = null;
      updateStatus(app);
      syncButton.focus();
    } }, t('Close note')));
  parts = { update, network, unsent, last, syncButton, login, nav, outboxCount, unreadCount, unreadWord, inbox,
    storage, storageText };
  bar.replaceChildren(
    h('div', { class: 'bar' }, brand, h('div', { class: 'bar-tools' }, inbox, lock)),
    h('div', { class: 'status' }, h('div', { class: 'status-text', role: 'status' }, network, unsent, last), syncButton),
    h('div', { role: 'status' }, storage),
    login, update, nav,
  );
  updateStatus(app);
}

export function updateStatus(app) {
  if (!parts) return;
  parts.update.hidden = !app.updateReady;
  if (!parts.unsent) return;
  parts.network.hidden = navigator.onLine;
  const { total, rejected } = app.outbox;
  if (app.progress && app.progress.phase === 'sending' && app.progress.total) {
    parts.unsent.textContent = t('Sending %(done)s of %(total)s', app.progress);
  } else if (app.progress) {
    parts.unsent.textContent = t('Receiving changes…');
  } else if (total) {
    parts.unsent.textContent = tn('%(count)s change not sent yet', '%(count)s changes not sent yet', total)
      + (rejected ? ` (${tn('%(count)s refused', '%(count)s refused', rejected)})` : '');
  } else {
    parts.unsent.textContent = t('All changes sent');
  }
  parts.unsent.classList.toggle('pending', total > 0);
  parts.last.textContent = app.lastSync ? t('Last sync: %(time)s', { time: formatWhen(app.lastSync) })
    : t('Not synced yet');
  parts.syncButton.disabled = Boolean(app.progress) || !navigator.onLine;
  parts.login.hidden = !app.loginNeeded;
  parts.storage.hidden = !app.storageNote?.shown;
  // Told in the language of the moment (the user may switch while the note shows).
  const storageText = !app.storageNote ? ''
    : app.storageNote.granted ? t('Storage: the browser keeps this app\'s data on this device.')
      : t('Storage: the browser may clear this app\'s data when space runs low; what is sent is safe on the server.');
  if (parts.storageText.textContent !== storageText) parts.storageText.textContent = storageText;
  parts.outboxCount.textContent = total ? String(total) : '';
  parts.unreadCount.textContent = app.unread ? String(app.unread) : '';
  parts.unreadWord.textContent = app.unread ? ` ${t('unread')}` : '';
  const first = location.hash.split('/')[1] || '';
  const section = ['cases', 'case', 'record'].includes(first) ? 'case' : first;
  for (const link of [...parts.nav.querySelectorAll('a'), parts.inbox]) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}
