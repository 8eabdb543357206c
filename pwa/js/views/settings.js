// Settings: language, this device's storage, the account, lock and log out.
import { h } from '../dom.js';
import { t, tn, formatDateTime, formatSize } from '../i18n.js';
import { languagePicker, errorBox, showError, busy } from './common.js';
import { pushState, enablePush, disablePush } from '../push.js';
import { ApiError, Unreachable } from '../api.js';
import { passwordSection, deviceNameField, adminLinks } from './account.js';

// Web push where the browser has it; the inbox serves everyone (and iOS outside an installed app).
async function notificationsSection() {
  const state = h('p', { id: 'push-state' });
  const button = h('button', { type: 'button', class: 'secondary', id: 'push-toggle' });
  const error = errorBox();
  const draw = (current) => {
    state.textContent = {
      unsupported: t('This browser cannot show notifications (on an iPhone or iPad: add the app to the home screen first). New events appear in the inbox.'),
      denied: t('Notifications are blocked in the browser\'s settings. New events appear in the inbox.'),
      on: t('Notifications are on for this device. They never show names or case details.'),
      off: t('Notifications are off. New events appear in the inbox.'),
    }[current];
    button.hidden = current === 'unsupported' || current === 'denied';
    button.textContent = current === 'on' ? t('Turn notifications off') : t('Allow notifications');
    button.dataset.state = current;
  };
  button.addEventListener('click', async () => {
    showError(error, '');
    busy(button, true, t('Please wait…'));
    try {
      if (button.dataset.state === 'on') await disablePush();
      else await enablePush();
    } catch (e) {
      showError(error, e instanceof Unreachable ? t('You are offline.') : e instanceof ApiError ? e.message
        : t('The browser could not set up notifications.'));
    } finally {
      busy(button, false);
    }
    draw(await pushState());
  });
  draw(await pushState());
  return h('section', { class: 'group', id: 'notifications' }, h('h2', {}, t('Notifications')), state,
    h('div', { class: 'actions' }, button), error);
}

async function storageFacts() {
  const facts = { persisted: null, usage: null, quota: null };
  if (navigator.storage && navigator.storage.persisted) facts.persisted = await navigator.storage.persisted();
  if (navigator.storage && navigator.storage.estimate) Object.assign(facts, await navigator.storage.estimate());
  return facts;
}

export async function render(app) {
  const facts = await storageFacts();
  const offlineReady = Boolean(navigator.serviceWorker && navigator.serviceWorker.controller);
  const account = app.store.account;
  const error = errorBox();
  const logoutButton = h('button', { type: 'button', class: 'danger', id: 'logout' }, t('Log out'));
  logoutButton.addEventListener('click', async () => {
    showError(error, '');
    const result = await app.logout();
    if (result.refused === 'unsent') {
      showError(error, tn('You cannot log out yet: %(count)s change has not reached the server. Logging out removes your data from this device, so sync first (or fix what the server refused).',
        'You cannot log out yet: %(count)s changes have not reached the server. Logging out removes your data from this device, so sync first (or fix what the server refused).', result.count));
    } else if (result.refused === 'offline') {
      showError(error, t('Logging out needs a connection, so the server can end your session. Lock the app instead.'));
    }
  });
  return h('div', { class: 'panel' },
    h('h1', {}, t('Settings')),
    h('section', { class: 'group' }, languagePicker(app, 'settings-language')),
    await notificationsSection(),
    h('section', { class: 'group' }, h('h2', {}, t('This device')),
      h('dl', { class: 'facts' },
        h('dt', {}, t('Works without a connection')),
        h('dd', { id: 'offline-ready' }, offlineReady ? t('Yes') : t('Not yet: keep the app open while online.')),
        h('dt', {}, t('Persistent storage')),
        h('dd', { id: 'persistent' }, facts.persisted === null ? t('Unknown') : facts.persisted
          ? t('Granted: the browser will not clear this app\'s data.') : t('Not granted: the browser may clear data when space runs low. Sync often.')),
        facts.usage !== null ? [h('dt', {}, t('Space used')),
          h('dd', { id: 'space-used' }, t('%(used)s of %(quota)s', { used: formatSize(facts.usage), quota: formatSize(facts.quota) }))] : null,
        h('dt', {}, t('Last sync')),
        h('dd', {}, app.lastSync ? formatDateTime(app.lastSync) : t('Not synced yet'))),
      deviceNameField()),
    passwordSection(),
    adminLinks(app),
    h('section', { class: 'group' }, h('h2', {}, t('Account')),
      h('p', {}, t('Logged in as %(email)s', { email: account.email })),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', onclick: () => app.lock('button') }, t('Lock now')),
        logoutButton),
      h('p', { class: 'hint' }, t('The app locks itself after 5 minutes without use. Logging out ends your session and removes your data from this device.')),
      error));
}
