// Users (coordinators: their organisation's; admins: everyone's). Adding a user or issuing a new set-up link
// shows a one-time link to pass on; no password is ever shown.
import { h, toast } from '../dom.js';
import { t, tn, formatDateTime, language } from '../i18n.js';
import { api } from '../api.js';
import { errorBox, showError, busy, badge } from './common.js';
import { field, showApiError } from './account.js';

export function roleName(role) {
  return { counsellor: t('Counsellor'), coordinator: t('Coordinator'), partner: t('Partner'), admin: t('Admin') }[role] || role;
}

// A set-up link to copy and pass on.
export function setupLinkBox(email, url) {
  const input = h('input', { id: 'setup-url', type: 'text', readonly: true, value: url, class: 'setup-url' });
  const copy = h('button', { type: 'button', class: 'secondary' }, t('Copy the link'));
  copy.addEventListener('click', async () => {
    input.select();
    try {
      await navigator.clipboard.writeText(url);
      toast(t('Copied.'));
    } catch {
      toast(t('Select the link and copy it.'), 'warn');
    }
  });
  const box = h('div', { class: 'notice setup-link', role: 'status' },
    h('p', {}, t('Pass this link on to %(email)s by any channel. It works once, for 7 days; there they choose their password.', { email })),
    field(t('Set-up link'), input), h('div', { class: 'actions' }, copy));
  setTimeout(() => input.focus(), 0);
  return box;
}

// What the search box holds stays while the screen is redrawn (after a change of role, a new user).
let query = '';

// The name of a user's organisation: from the organisations the screen has, else as the server named it.
function orgNameOf(orgs, user) {
  return (orgs.find((o) => o.id === user.org_id) || {}).name || user.org_name || user.org_id;
}

function rolesFor(kind) {
  return kind === 'partner' ? ['partner'] : ['counsellor', 'coordinator'];
}

function userItem(app, user, orgName, orgs, redraw, linkSlot) {
  const error = errorBox();
  const own = user.id === app.store.account.user_id;
  const org = orgs.find((o) => o.id === user.org_id);
  const roles = rolesFor(org ? org.kind : (user.role === 'partner' ? 'partner' : 'counselling'));
  const roleSelect = h('select', { id: `role-${user.id}`, disabled: own || user.role === 'admin' || roles.length < 2 },
    (user.role === 'admin' ? ['admin'] : roles).map((r) => h('option', { value: r, selected: r === user.role }, roleName(r))));
  roleSelect.addEventListener('change', async () => {
    showError(error, '');
    try {
      await api('PATCH', `/users/${user.id}`, { role: roleSelect.value });
      toast(t('Role changed.'));
      await redraw();
    } catch (e) {
      showApiError(error, e);
    }
  });
  const toggle = h('button', { type: 'button', class: user.active ? 'danger' : 'secondary', hidden: own || user.role === 'admin' },
    user.active ? t('Deactivate') : t('Reactivate'));
  toggle.addEventListener('click', async () => {
    showError(error, '');
    busy(toggle, true, t('Please wait…'));
    try {
      await api('PATCH', `/users/${user.id}`, { active: !user.active });
      toast(user.active ? t('Deactivated: %(email)s can no longer log in.', { email: user.email })
        : t('Reactivated: %(email)s can log in again.', { email: user.email }));
      await redraw();
    } catch (e) {
      busy(toggle, false);
      showApiError(error, e);
    }
  });
  const link = h('button', { type: 'button', class: 'secondary', hidden: own || user.role === 'admin' }, t('New set-up link'));
  link.addEventListener('click', async () => {
    showError(error, '');
    busy(link, true, t('Please wait…'));
    try {
      const { setup_url: url } = await api('POST', `/users/${user.id}/setup-link`);
      await redraw();
      linkSlot.replaceChildren(setupLinkBox(user.email, url));
    } catch (e) {
      busy(link, false);
      showApiError(error, e);
    }
  });
  const state = !user.active ? badge('pending', t('Deactivated'))
    : !user.has_password ? badge('draft', user.setup_link_expires
      ? t('Waiting for set-up until %(time)s', { time: formatDateTime(user.setup_link_expires) }) : t('No password'))
      : badge('final', t('Active'));
  return h('li', { class: 'admin-item' },
    h('p', { class: 'card-title' }, user.email, own ? ` (${t('you')})` : ''),
    h('p', { class: 'card-meta' }, orgName, ' · ', state),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: roleSelect.id }, t('Role')), roleSelect),
    h('div', { class: 'actions' }, link, toggle), error);
}

function addForm(app, orgs, redraw, linkSlot) {
  const isAdmin = app.store.account.role === 'admin';
  const email = h('input', { id: 'new-user-email', type: 'email', autocomplete: 'off' });
  const orgSelect = h('select', { id: 'new-user-org' },
    orgs.filter((o) => o.active !== false).map((o) => h('option', { value: o.id, selected: o.id === app.store.account.org_id }, o.name)));
  const role = h('select', { id: 'new-user-role' });
  const fillRoles = () => {
    const org = orgs.find((o) => o.id === (isAdmin ? orgSelect.value : app.store.account.org_id));
    role.replaceChildren(...rolesFor(org ? org.kind : 'counselling').map((r) => h('option', { value: r }, roleName(r))));
  };
  orgSelect.addEventListener('change', fillRoles);
  fillRoles();
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('Add the user'));
  const form = h('form', { class: 'group', id: 'add-user', noValidate: true },
    h('h2', {}, t('Add a user')),
    field(t('E-mail address'), email),
    isAdmin ? field(t('Organisation'), orgSelect) : null,
    field(t('Role'), role),
    error, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    busy(submit, true, t('Please wait…'));
    try {
      const body = { email: email.value.trim(), role: role.value };
      if (isAdmin) body.org_id = orgSelect.value;
      const { setup_url: url } = await api('POST', '/users', body);
      const added = body.email;
      await redraw();
      linkSlot.replaceChildren(setupLinkBox(added, url));
    } catch (e) {
      busy(submit, false);
      showApiError(error, e, { '/email': email, '/role': role });
    }
  });
  return form;
}

// Every user, by organisation and e-mail address, with a search box (an admin sees every organisation's).
function userList(app, users, orgs, redraw, linkSlot) {
  const named = users.map((user) => ({ user, org: orgNameOf(orgs, user) }));
  named.sort((a, b) => a.org.localeCompare(b.org, language()) || a.user.email.localeCompare(b.user.email, language()));
  const items = named.map(({ user, org }) => ({ words: `${user.email} ${org}`.toLowerCase(),
    item: userItem(app, user, org, orgs, redraw, linkSlot) }));
  const none = h('li', { class: 'empty', hidden: true }, t('No user matches.'));
  const count = h('p', { class: 'card-meta', id: 'user-count', role: 'status' });
  const search = h('input', { id: 'user-search', type: 'search', autocomplete: 'off', value: query });
  // Hidden, not redrawn: a card keeps what is open on it (a role being chosen, an error) while the user searches.
  const draw = () => {
    const q = query.trim().toLowerCase();
    let shown = 0;
    for (const { words, item } of items) {
      item.hidden = Boolean(q) && !words.includes(q);
      if (!item.hidden) shown += 1;
    }
    none.hidden = shown > 0;
    count.textContent = tn('%(count)s user', '%(count)s users', shown);
  };
  search.addEventListener('input', () => { query = search.value; draw(); });
  draw();
  return h('section', { class: 'group' }, h('h2', {}, t('All users')),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'user-search' },
      t('Find a user by e-mail address or organisation')), search),
    count,
    h('ul', { class: 'admin-list', id: 'user-list' }, items.map(({ item }) => item), none));
}

export async function render(app) {
  const panel = h('div', { class: 'panel' });
  const linkSlot = h('div', { id: 'setup-link-slot' });
  const redraw = async () => {
    const isAdmin = app.store.account.role === 'admin';
    const [{ users }, all] = await Promise.all([api('GET', '/users'),
      isAdmin ? api('GET', '/organisations').then((r) => r.organisations) : null]);
    // A coordinator's own organisation, named as the server names its users' organisation.
    const own = app.store.account.org_id;
    const orgs = all || [{ id: own, name: (users.find((u) => u.org_id === own) || {}).org_name || own, kind: 'counselling' }];
    panel.replaceChildren(
      h('h1', {}, t('Users')),
      h('p', { class: 'hint' }, isAdmin ? t('Every organisation\'s users.') : t('The users of your organisation.')),
      linkSlot,
      addForm(app, orgs, redraw, linkSlot),
      userList(app, users, orgs, redraw, linkSlot));
  };
  if (!['coordinator', 'admin'].includes(app.store.account.role)) {
    return h('div', { class: 'panel' }, h('h1', {}, t('Users')), h('p', {}, t('Only coordinators and admins manage users.')));
  }
  await redraw();
  return panel;
}
