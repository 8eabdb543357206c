// The user's own account: the password (Settings), this device's name (Settings), the links to the
// administration screens (Settings), and the page of a set-up link where a new user chooses a password.
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';
import { api, ApiError, Unreachable } from '../api.js';
import { deviceId, deviceName, setDeviceName } from '../device.js';
import { errorBox, showError, busy } from './common.js';

// Field errors of a 422 next to their fields ({path: input}); the message in `box`.
export function showApiError(box, error, fields = {}) {
  for (const input of Object.values(fields)) {
    input.removeAttribute('aria-invalid');
    const note = document.getElementById(`${input.id}-error`);
    if (note) note.remove();
  }
  if (error instanceof Unreachable) return showError(box, t('You are offline.'));
  if (!(error instanceof ApiError)) throw error;
  showError(box, error.message);
  for (const item of error.body.errors || []) {
    const input = fields[item.path];
    if (!input) continue;
    input.setAttribute('aria-invalid', 'true');
    const note = h('p', { class: 'field-error', id: `${input.id}-error` }, item.message);
    input.setAttribute('aria-describedby', [note.id, document.getElementById(`${input.id}-hint`) && `${input.id}-hint`]
      .filter(Boolean).join(' '));
    input.before(note);
  }
  return undefined;
}

export function field(label, input, hint) {
  const hintNode = hint ? h('p', { class: 'hint', id: `${input.id}-hint` }, hint) : null;
  if (hintNode) input.setAttribute('aria-describedby', hintNode.id);
  return h('div', { class: 'field' }, h('label', { class: 'field-label', for: input.id }, label), hintNode, input);
}

export function passwordSection() {
  const current = h('input', { id: 'current-password', type: 'password', autocomplete: 'current-password' });
  const fresh = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password' });
  const repeat = h('input', { id: 'new-password-repeat', type: 'password', autocomplete: 'new-password' });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'secondary' }, t('Change password'));
  const form = h('form', { class: 'group', id: 'password-section', noValidate: true },
    h('h2', {}, t('Password')),
    field(t('Current password'), current),
    field(t('New password'), fresh, t('At least 12 characters; a few unusual words work well. Common passwords and sequences such as 123456 are refused.')),
    field(t('Repeat the new password'), repeat),
    error, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    if (fresh.value !== repeat.value) return showError(error, t('The two new passwords differ.'));
    busy(submit, true, t('Please wait…'));
    try {
      await api('PUT', '/session/password', { current: current.value, new: fresh.value });
      for (const input of [current, fresh, repeat]) input.value = '';
      toast(t('Password changed. Your sessions on other devices have ended.'));
    } catch (e) {
      showApiError(error, e, { '/current': current, '/new': fresh });
    } finally {
      busy(submit, false);
    }
    return undefined;
  });
  return form;
}

export function deviceNameField() {
  const input = h('input', { id: 'device-name', type: 'text', maxlength: '80', value: deviceName(),
    placeholder: t('For example: Tablet 2, Lagos office') });
  const error = errorBox();
  const save = h('button', { type: 'button', class: 'secondary', id: 'save-device-name' }, t('Save the name'));
  save.addEventListener('click', async () => {
    showError(error, '');
    busy(save, true, t('Please wait…'));
    try {
      await api('PATCH', `/devices/${deviceId()}`, { name: input.value });
      setDeviceName(input.value.trim());
      toast(t('Saved.'));
    } catch (e) {
      showApiError(error, e, { '/name': input });
    } finally {
      busy(save, false);
    }
  });
  return h('div', {}, field(t('Name of this device'), input,
    t('Your coordinator sees this name in the list of devices, for example to wipe a lost one.')),
  error, h('div', { class: 'actions' }, save));
}

export function adminLinks(app) {
  const role = app.store.account.role;
  const links = [];
  if (role === 'coordinator' || role === 'admin') links.push(h('li', {}, h('a', { href: '#/users' }, t('Users'))));
  if (role === 'admin') links.push(h('li', {}, h('a', { href: '#/organisations' }, t('Organisations'))));
  links.push(h('li', {}, h('a', { href: '#/devices' }, role === 'coordinator' || role === 'admin'
    ? t('Devices') : t('Your devices'))));
  return h('section', { class: 'group', id: 'administration' }, h('h2', {}, t('Administration')),
    h('ul', {}, links));
}

// The page a set-up link opens: the new user (or one who forgot the password) chooses a password.
export async function renderSetup(app, token) {
  const password = h('input', { id: 'setup-password', type: 'password', autocomplete: 'new-password' });
  const repeat = h('input', { id: 'setup-password-repeat', type: 'password', autocomplete: 'new-password' });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('Save the password'));
  const form = h('form', { class: 'panel narrow', noValidate: true },
    h('h1', {}, t('Choose your password')),
    h('p', {}, t('Your coordinator made this link for you. It works once, for 7 days.')),
    field(t('New password'), password, t('At least 12 characters; a few unusual words work well. Common passwords and sequences such as 123456 are refused.')),
    field(t('Repeat the new password'), repeat),
    error, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    if (password.value !== repeat.value) return showError(error, t('The two new passwords differ.'));
    busy(submit, true, t('Please wait…'));
    try {
      const { email } = await api('POST', '/account-setup', { token, password: password.value });
      toast(t('Your password is set. Log in with it.'));
      sessionStorage.setItem('safefuture-login-email', email);
      app.go('#/login');
    } catch (e) {
      showApiError(error, e, { '/password': password });
    } finally {
      busy(submit, false);
    }
    return undefined;
  });
  return form;
}
