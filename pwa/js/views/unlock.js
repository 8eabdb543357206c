// Unlocking the device store with the passphrase: works offline.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { unlockAccount } from '../store.js';
import { WrongPassphrase } from '../crypto.js';
import { languagePicker, errorBox, showError, busy } from './common.js';

export async function render(app, accounts) {
  const preferred = accounts.find((a) => a.user_id === app.lastAccountId) || accounts[0];
  const choice = h('select', { id: 'account' },
    accounts.map((a) => h('option', { value: a.user_id, selected: a === preferred }, a.email)));
  const passphrase = h('input', { id: 'unlock-passphrase', type: 'password', autocomplete: 'current-password', required: true });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('Unlock'));
  const reason = { idle: t('Locked after 5 minutes without use.'), button: t('Locked.'),
    update: t('Locked: a newer version of the app was opened in another tab.') }[app.lockReason];
  const form = h('form', { class: 'panel narrow', noValidate: true },
    h('h1', {}, t('Unlock Safe Future')),
    reason ? h('p', { class: 'notice' }, reason) : null,
    languagePicker(app),
    accounts.length > 1
      ? h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'account' }, t('Account')), choice)
      : [h('p', {}, t('Account: %(email)s', { email: preferred.email })),
        h('input', { type: 'text', name: 'username', autocomplete: 'username', value: preferred.email, hidden: true, tabindex: '-1' })],
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'unlock-passphrase' }, t('Device passphrase')), passphrase),
    error, submit,
    h('p', {}, h('a', { href: '#/login' }, t('Log in as someone else'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const account = accounts.find((a) => a.user_id === (accounts.length > 1 ? choice.value : preferred.user_id));
    busy(submit, true, t('Unlocking…'));
    try {
      const store = await unlockAccount(account, passphrase.value, () => app.lock('update'));
      passphrase.value = '';
      await app.unlocked(store);
    } catch (e) {
      if (!(e instanceof WrongPassphrase)) throw e;
      showError(error, t('Wrong passphrase. Try again.'));
      passphrase.select();
    } finally {
      busy(submit, false);
    }
  });
  setTimeout(() => passphrase.focus(), 0);
  return form;
}
