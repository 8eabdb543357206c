// Logging in (online only, the first time on a device) and choosing the device passphrase.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { api, ApiError, Unreachable } from '../api.js';
import { createAccount } from '../store.js';
import { clearWiped, wipedAt } from '../device.js';
import { languagePicker, errorBox, showError, busy } from './common.js';

const MIN_PASSPHRASE = 10;

export async function render(app, accounts) {
  const known = app.store ? app.store.account.email : '';
  const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true,
    value: known || sessionStorage.getItem('safefuture-login-email') || '' });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('Log in'));
  const form = h('form', { class: 'panel narrow', noValidate: true },
    h('h1', {}, t('Log in')),
    wipedAt() ? h('p', { class: 'notice', id: 'wiped-notice', role: 'alert' },
      t('This device was wiped on the order of your organisation: everything the app kept here has been erased. Log in to start afresh.')) : null,
    app.store ? h('p', {}, t('Log in again to send your changes to the server.')) : null,
    languagePicker(app),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'email' }, t('E-mail address')), email),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'password' }, t('Password')), password),
    error, submit,
    accounts.length && !app.store ? h('p', {}, h('a', { href: '#/unlock' }, t('Unlock an account already on this device'))) : null,
    h('p', { class: 'hint' }, t('The first login on a device needs a connection. After that the app opens without one.')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    if (!email.value.trim() || !password.value) {
      showError(error, t('Fill in your e-mail address and password.'));
      return;
    }
    busy(submit, true, t('Logging in…'));
    try {
      const { user, session_key: key } = await api('POST', '/session',
        { email: email.value.trim(), password: password.value, lockable: true });
      clearWiped();
      sessionStorage.removeItem('safefuture-login-email');
      await app.afterLogin(user, password.value, key);
    } catch (e) {
      if (e instanceof Unreachable) showError(error, t('No connection. Logging in needs a connection; try again when you are online.'));
      else if (e instanceof ApiError) showError(error, e.message);
      else throw e;
    } finally {
      busy(submit, false);
    }
  });
  return form;
}

export async function renderPassphrase(app) {
  const { user, password } = app.pendingLogin;
  const first = h('input', { id: 'passphrase', type: 'password', autocomplete: 'new-password', required: true,
    'aria-describedby': 'passphrase-hint' });
  const second = h('input', { id: 'passphrase-repeat', type: 'password', autocomplete: 'new-password', required: true });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('Protect this device'));
  const form = h('form', { class: 'panel narrow', noValidate: true },
    h('h1', {}, t('Choose a device passphrase')),
    h('p', { id: 'passphrase-hint' },
      t('The passphrase unlocks Safe Future on this device, also without a connection. It encrypts everything the app keeps here. It never leaves this device and is not your password.'),
      ' ', t('Use at least %(count)s characters, for example a few words. If you forget it, changes not sent yet cannot be read any more.', { count: MIN_PASSPHRASE })),
    h('p', {}, t('Account: %(email)s', { email: user.email })),
    // Password managers and screen readers pair a password with the account it belongs to.
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: user.email, hidden: true, tabindex: '-1' }),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'passphrase' }, t('Device passphrase')), first),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'passphrase-repeat' }, t('Repeat the passphrase')), second),
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if ([...first.value].length < MIN_PASSPHRASE) return showError(error, t('The passphrase is too short: use at least %(count)s characters.', { count: MIN_PASSPHRASE }));
    if (first.value !== second.value) return showError(error, t('The two passphrases differ.'));
    if (first.value === password) return showError(error, t('Choose a passphrase that differs from your password.'));
    showError(error, '');
    busy(submit, true, t('Encrypting…'));
    try {
      const store = await createAccount(user, first.value, () => app.lock('update'));
      await app.unlocked(store);
    } finally {
      busy(submit, false);
    }
    return undefined;
  });
  return form;
}
