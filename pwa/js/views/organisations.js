// Organisations (admins): create one with its first coordinator, deactivate and reactivate.
import { h, toast } from '../dom.js';
import { t, countryName } from '../i18n.js';
import { api } from '../api.js';
import { errorBox, showError, busy, badge, countrySelect } from './common.js';
import { field, showApiError } from './account.js';
import { setupLinkBox } from './users.js';

function kindName(kind) {
  return kind === 'partner' ? t('Partner organisation (abroad)') : t('Counselling organisation');
}

function orgItem(app, org, redraw) {
  const error = errorBox();
  const own = org.id === app.store.account.org_id;
  const toggle = h('button', { type: 'button', class: org.active ? 'danger' : 'secondary', hidden: own },
    org.active ? t('Deactivate') : t('Reactivate'));
  toggle.addEventListener('click', async () => {
    showError(error, '');
    busy(toggle, true, t('Please wait…'));
    try {
      await api('PATCH', `/organisations/${encodeURIComponent(org.id)}`, { active: !org.active });
      toast(org.active ? t('Deactivated: nobody of %(name)s can log in now.', { name: org.name })
        : t('Reactivated: %(name)s can work again.', { name: org.name }));
      await redraw();
    } catch (e) {
      busy(toggle, false);
      showApiError(error, e);
    }
  });
  return h('li', { class: 'admin-item' },
    h('p', { class: 'card-title' }, org.name),
    h('p', { class: 'card-meta' }, `${org.id} · ${countryName(org.country)} · ${kindName(org.kind)} · `,
      org.active ? badge('final', t('Active')) : badge('pending', t('Deactivated'))),
    h('div', { class: 'actions' }, toggle), error);
}

function addForm(redraw, slot) {
  const id = h('input', { id: 'org-id', type: 'text', autocomplete: 'off', maxlength: '63' });
  const name = h('input', { id: 'org-name', type: 'text', autocomplete: 'off', maxlength: '200' });
  const country = countrySelect('org-country');
  const kind = h('select', { id: 'org-kind' }, ['counselling', 'partner'].map((k) => h('option', { value: k }, kindName(k))));
  const coordinator = h('input', { id: 'org-first-user', type: 'email', autocomplete: 'off' });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('Create the organisation'));
  const form = h('form', { class: 'group', id: 'add-organisation', noValidate: true },
    h('h2', {}, t('New organisation')),
    field(t('Short id'), id, t('Lower-case letters, digits and hyphens, e.g. shelter-sofia.')),
    field(t('Name'), name),
    field(t('Country'), country),
    field(t('Kind'), kind),
    field(t('E-mail address of the first coordinator'), coordinator,
      t('In a partner organisation this is its first user. You can add more later under Users.')),
    error, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, '');
    busy(submit, true, t('Please wait…'));
    const fields = { '/id': id, '/name': name, '/country': country, '/kind': kind };
    try {
      const org = await api('POST', '/organisations', { id: id.value.trim(), name: name.value,
        country: country.value, kind: kind.value });
      let link = null;
      if (coordinator.value.trim()) {
        try {
          const role = org.kind === 'partner' ? 'partner' : 'coordinator';
          const made = await api('POST', '/users', { email: coordinator.value.trim(), role, org_id: org.id });
          link = setupLinkBox(coordinator.value.trim(), made.setup_url);
        } catch (e) {
          toast(t('The organisation was created, but not its first user: add them under Users.'), 'warn');
        }
      }
      await redraw();
      if (link) slot.replaceChildren(link);
      toast(t('Organisation created.'));
    } catch (e) {
      busy(submit, false);
      showApiError(error, e, fields);
    }
  });
  return form;
}

export async function render(app) {
  if (app.store.account.role !== 'admin') {
    return h('div', { class: 'panel' }, h('h1', {}, t('Organisations')), h('p', {}, t('Only admins manage organisations.')));
  }
  const panel = h('div', { class: 'panel' });
  const slot = h('div', { id: 'setup-link-slot' });
  const redraw = async () => {
    const { organisations } = await api('GET', '/organisations');
    panel.replaceChildren(h('h1', {}, t('Organisations')), slot, addForm(redraw, slot),
      h('section', { class: 'group' }, h('h2', {}, t('All organisations')),
        h('ul', { class: 'admin-list', id: 'organisation-list' }, organisations.map((o) => orgItem(app, o, redraw)))));
  };
  await redraw();
  return panel;
}
