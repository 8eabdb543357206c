// The social map: browse and search the device's copy (offline too) by country, service and free text; one
// organisation with what it offers and its contacts; coordinators correct and add entries, take them off the
// map and put them back (online).
import { h, toast } from '../dom.js';
import { t, tn, countryName, formatDateTime } from '../i18n.js';
import { api, ApiError, Unreachable } from '../api.js';
import { SERVICES, serviceName, deviceMap, searchMap, mapCountries, catchUpMap, contactBlock,
  organisationMeta } from '../socialmap.js';
import { errorBox, showError, busy, countrySelect } from './common.js';

export const EDITORS = ['coordinator', 'admin'];
const filters = { country: '', service: '', q: '' };

function notOnDevice() {
  return h('div', { class: 'panel' }, h('h1', {}, t('Social map')),
    h('p', { class: 'notice' }, t('The social map is not on this device yet. It comes with the next sync.')));
}

export async function render(app) {
  const kept = await deviceMap(app.store);
  if (!kept) return notOnDevice();
  const countries = mapCountries(kept.organisations);
  const country = h('select', { id: 'map-country' }, h('option', { value: '' }, t('All countries')),
    countries.map((c) => h('option', { value: c.code, selected: c.code === filters.country }, c.name)));
  const service = h('select', { id: 'map-service' }, h('option', { value: '' }, t('All services')),
    SERVICES.map(([key]) => h('option', { value: key, selected: key === filters.service }, serviceName(key))));
  const q = h('input', { id: 'map-q', type: 'search', value: filters.q, autocomplete: 'off' });
  const count = h('p', { class: 'card-meta', id: 'map-count', role: 'status' });
  const list = h('ul', { class: 'cards', id: 'map-list' });
  const draw = () => {
    Object.assign(filters, { country: country.value, service: service.value, q: q.value });
    const found = searchMap(kept.organisations, filters);
    count.textContent = tn('%(count)s organisation', '%(count)s organisations', found.length);
    list.replaceChildren(...found.map((o) => h('li', {}, h('a', { class: 'card', href: `#/map/${o.id}` },
      h('span', { class: 'card-title' }, o.name), h('span', { class: 'card-meta' }, organisationMeta(o))))));
    if (!found.length) list.append(h('li', { class: 'empty' }, t('No organisation matches.')));
  };
  country.addEventListener('change', draw);
  service.addEventListener('change', draw);
  q.addEventListener('input', draw);
  draw();
  return h('div', { class: 'panel socialmap' },
    h('div', { class: 'title-row' }, h('h1', {}, t('Social map')),
      EDITORS.includes(app.store.account.role) ? h('a', { class: 'button', href: '#/map/new' }, t('Add an organisation')) : null),
    EDITORS.includes(app.store.account.role)
      ? h('p', {}, h('a', { href: '#/map/retired', id: 'map-retired-link' }, t('Organisations taken off the map'))) : null,
    h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'map-country' }, t('Country')), country),
      h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'map-service' }, t('Service')), service),
      h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'map-q' }, t('Search the map')), q)),
    count, list);
}

async function history(orgId) {
  try {
    return (await api('GET', `/socialmap/organisations/${encodeURIComponent(orgId)}`)).history;
  } catch (error) {
    if (error instanceof Unreachable) return null;
    throw error;
  }
}

export async function renderOrganisation(app, orgId) {
  const kept = await deviceMap(app.store);
  const org = kept && kept.organisations.find((o) => o.id === orgId);
  if (!org) {
    return h('div', { class: 'panel' }, h('h1', {}, t('This organisation is not on the map.')),
      h('p', {}, h('a', { href: '#/map' }, t('Back to the map'))));
  }
  const changes = h('section', { class: 'group', id: 'map-history' });
  history(orgId).then((items) => {
    if (!items || !items.length) return;
    changes.append(h('h2', {}, t('Changes')), h('ul', {}, items.map((e) => h('li', {},
      t('%(time)s: %(fields)s', { time: formatDateTime(e.at), fields: Object.keys(e.changes).join(', ') || e.kind }),
      e.reason ? ` — ${e.reason}` : ''))));
  }).catch(() => {});
  const served = (org.countries_served || []).filter((c) => c !== org.country);
  return h('div', { class: 'panel organisation' },
    h('p', {}, h('a', { href: '#/map' }, `← ${t('Social map')}`)),
    h('div', { class: 'title-row' }, h('h1', {}, org.name),
      EDITORS.includes(app.store.account.role) ? h('a', { class: 'button', href: `#/map/${org.id}/edit` }, t('Correct this entry')) : null),
    h('p', { class: 'card-meta' }, org.country ? countryName(org.country) : t('No country')),
    served.length ? h('p', {}, t('Supports return to: %(countries)s', { countries: served.map(countryName).join(', ') })) : null,
    h('h2', {}, t('Contact details')), contactBlock(org),
    h('h2', {}, t('What it offers')),
    (org.services || []).length ? h('ul', { class: 'services' }, org.services.map((key) => h('li', {}, serviceName(key),
      org.service_notes && org.service_notes[key] ? h('span', { class: 'hint' }, ` — ${org.service_notes[key]}`) : null)))
      : h('p', { class: 'empty' }, t('No services listed.')),
    org.other_services ? h('p', { class: 'value' }, org.other_services) : null,
    org.description ? [h('h2', {}, t('About the organisation')), h('p', { class: 'value' }, org.description)] : null,
    changes,
    EDITORS.includes(app.store.account.role) ? h('section', { class: 'group', id: 'map-retire' },
      h('h2', {}, t('Take off the map')),
      h('p', { class: 'hint' },
        t('For an organisation that closed or no longer helps returnees. It keeps its history and can be put back.')),
      retireForm(app, org, 'retire', () => app.go('#/map'))) : null);
}

// Taking an organisation off the map, or putting it back: online, with a reason that stays in its history.
function retireForm(app, org, kind, done) {
  const id = `${kind}-reason-${org.id}`;
  const reason = h('input', { id, type: 'text' });
  const error = errorBox();
  const button = h('button', { type: 'submit', class: kind === 'retire' ? 'danger' : 'secondary' },
    kind === 'retire' ? t('Take off the map') : t('Put back on the map'));
  const form = h('form', { class: `map-${kind}`, noValidate: true },
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, t('Why')), reason), error, button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!reason.value.trim()) {
      showError(error, t('Say why.'));
      reason.focus();
      return;
    }
    busy(button, true, t('Saving…'));
    try {
      await api('POST', '/socialmap/edits', { id: crypto.randomUUID(), org_id: org.id, kind, changes: {},
        reason: reason.value.trim() });
      await catchUpMap(app.store);
      toast(kind === 'retire' ? t('Taken off the map. Other devices follow at their next sync.')
        : t('Back on the map. Other devices follow at their next sync.'));
      done();
    } catch (e) {
      if (e instanceof Unreachable) showError(error, t('You are offline: the social map can only be changed online.'));
      else if (e instanceof ApiError) showError(error, e.message);
      else throw e;
    } finally {
      busy(button, false);
    }
  });
  return form;
}

// For coordinators: the organisations taken off the map (asked from the server), each with a way back.
export async function renderRetired(app) {
  const back = h('p', {}, h('a', { href: '#/map' }, `← ${t('Social map')}`));
  const title = h('h1', {}, t('Organisations taken off the map'));
  if (!EDITORS.includes(app.store.account.role)) {
    return h('div', { class: 'panel' }, h('h1', {}, t('This page could not be opened.')), back);
  }
  let found;
  try {
    found = (await api('GET', '/socialmap/retired')).organisations;
  } catch (e) {
    if (!(e instanceof Unreachable)) throw e;
    return h('div', { class: 'panel' }, back, title,
      h('p', { class: 'notice' }, t('You are offline: the social map can only be changed online.')));
  }
  return h('div', { class: 'panel' }, back, title,
    found.length ? h('ul', { class: 'outbox', id: 'retired-list' }, found.map((org) => h('li', { class: 'outbox-entry' },
      h('p', { class: 'card-title' }, org.name), h('p', { class: 'card-meta' }, organisationMeta(org)),
      retireForm(app, org, 'restore', () => app.go(`#/map/${org.id}`)))))
      : h('p', { class: 'empty' }, t('No organisation was taken off the map.')));
}

const lines = (text) => text.split('\n').map((s) => s.trim()).filter(Boolean);

// Whether an edited value equals what the entry holds: notes in any key order, countries in any order.
function sameValue(a, b) {
  const norm = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v].sort()
    : v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

// A coordinator's correction or a new organisation. Only changed fields are sent, each with the value the
// coordinator saw: the server refuses the edit if someone changed that field meanwhile.
export async function renderEdit(app, orgId) {
  const kept = await deviceMap(app.store);
  const org = orgId ? kept && kept.organisations.find((o) => o.id === orgId) : null;
  if (!EDITORS.includes(app.store.account.role) || (orgId && !org)) {
    return h('div', { class: 'panel' }, h('h1', {}, t('This page could not be opened.')),
      h('p', {}, h('a', { href: '#/map' }, t('Back to the map'))));
  }
  const contact = (org && org.contact) || { persons: [], address: [], phones: [], emails: [], websites: [], other: [] };
  const person = contact.persons[0] || null;
  const field = (id, labelText, control, hint) => h('div', { class: 'field', 'data-path': id },
    h('label', { class: 'field-label', for: id }, labelText), hint ? h('p', { class: 'hint' }, hint) : null, control);
  const text = (id, value) => h('input', { id, type: 'text', value: value || '' });
  const area = (id, value) => {
    const el = h('textarea', { id, rows: '3' });
    el.value = value || '';
    return el;
  };
  const inputs = {
    name: text('org-name', org && org.name),
    country: countrySelect('org-country', { selected: org ? org.country : '' }),
    person: text('org-person', person && person.name),
    phones: area('org-phones', contact.phones.join('\n')),
    emails: area('org-emails', contact.emails.join('\n')),
    websites: area('org-websites', contact.websites.join('\n')),
    address: area('org-address', contact.address.join('\n')),
    description: area('org-description', org && org.description),
    reason: text('org-reason', ''),
  };
  const services = SERVICES.map(([key]) => h('input', { type: 'checkbox', value: key,
    checked: Boolean(org && org.services.includes(key)) }));
  // A note per offered service ("only when needed", "for women"), shown while the service is ticked.
  const notes = services.map((box) => text(`org-note-${box.value}`,
    org && org.service_notes && org.service_notes[box.value]));
  const noteFields = services.map((box, i) => {
    const wrapper = field(notes[i].id, t('Note on %(service)s (optional)', { service: serviceName(box.value) }), notes[i]);
    wrapper.classList.add('service-note');
    wrapper.hidden = !box.checked;
    box.addEventListener('change', () => { wrapper.hidden = !box.checked; });
    return wrapper;
  });
  const served = new Set((org && org.countries_served) || []);
  const countriesServed = mapCountries(kept ? kept.organisations : []).map((c) => h('input', { type: 'checkbox',
    value: c.code, checked: served.has(c.code) }));
  // The long list of countries stays folded; its summary names the ones chosen.
  const servedSummary = h('summary', { class: 'field-label' });
  const summarise = () => {
    const chosen = countriesServed.filter((b) => b.checked).map((b) => countryName(b.value));
    servedSummary.textContent = chosen.length
      ? t('Also supports return to: %(countries)s', { countries: chosen.join(', ') }) : t('Also supports return to');
  };
  countriesServed.forEach((box) => box.addEventListener('change', summarise));
  summarise();
  const servedPicker = h('details', { class: 'field countries-served', 'data-path': 'countries_served' }, servedSummary,
    h('fieldset', {}, h('legend', { class: 'sr-only' }, t('Also supports return to')),
      h('div', { class: 'options' }, countriesServed.map((box) => h('label', { class: 'option' }, box,
        h('span', { class: 'option-text' }, countryName(box.value)))))));
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary' }, org ? t('Save the correction') : t('Add to the map'));
  const onePerLine = t('One per line.');
  const form = h('form', { class: 'panel narrow', noValidate: true },
    h('p', {}, h('a', { href: org ? `#/map/${org.id}` : '#/map' }, `← ${org ? org.name : t('Social map')}`)),
    h('h1', {}, org ? t('Correct this entry') : t('Add an organisation')),
    h('p', { class: 'hint' }, t('Every change is kept with who made it and when. Devices get it at their next sync.')),
    field('org-name', t('Name'), inputs.name),
    field('org-country', t('Country'), inputs.country),
    field('org-person', t('Contact person'), inputs.person),
    field('org-phones', t('Phone numbers'), inputs.phones, onePerLine),
    field('org-emails', t('E-mail addresses'), inputs.emails, onePerLine),
    field('org-websites', t('Websites'), inputs.websites, onePerLine),
    field('org-address', t('Address'), inputs.address),
    h('fieldset', { class: 'field' }, h('legend', { class: 'field-label' }, t('Services')),
      h('div', { class: 'options' }, services.map((box, i) => [h('label', { class: 'option' }, box,
        h('span', { class: 'option-text' }, serviceName(box.value))), noteFields[i]]))),
    servedPicker,
    field('org-description', t('About the organisation'), inputs.description),
    field('org-reason', t('Why (optional)'), inputs.reason),
    error, submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = inputs.name.value.trim();
    if (!name) return showError(error, t('Fill in the name.'));
    const nextPersons = inputs.person.value.trim()
      ? [{ ...(person || { role: null, details: [], phones: [], emails: [], websites: [] }), name: inputs.person.value.trim() },
        ...contact.persons.slice(1)]
      : contact.persons.slice(person ? 1 : 0);
    const next = {
      name,
      country: inputs.country.value || null,
      description: inputs.description.value.trim() || null,
      services: services.filter((b) => b.checked).map((b) => b.value),
      service_notes: Object.fromEntries(services.map((b, i) => [b.value, notes[i].value.trim()])
        .filter(([key, note]) => note && services.find((b) => b.value === key).checked)),
      countries_served: countriesServed.filter((b) => b.checked).map((b) => b.value).sort(),
      contact: { ...contact, persons: nextPersons, phones: lines(inputs.phones.value), emails: lines(inputs.emails.value),
        websites: lines(inputs.websites.value), address: lines(inputs.address.value) },
    };
    const before = { service_notes: {}, countries_served: [],
      ...(org || { name: '', country: null, description: null, services: [], contact }) };
    const changes = {};
    for (const [key, value] of Object.entries(next)) {
      if (!sameValue(before[key], value)) changes[key] = { old: org ? before[key] : null, new: value };
    }
    if (!Object.keys(changes).length) return showError(error, t('Nothing was changed.'));
    const body = { id: crypto.randomUUID(), kind: org ? 'change' : 'add', changes, reason: inputs.reason.value.trim() || null };
    if (org) body.org_id = org.id;
    busy(submit, true, t('Saving…'));
    try {
      const edit = await api('POST', '/socialmap/edits', body);
      await catchUpMap(app.store);
      toast(t('Saved. Other devices get the change at their next sync.'));
      app.go(`#/map/${edit.org_id}`);
    } catch (e) {
      if (e instanceof Unreachable) showError(error, t('You are offline: the social map can only be changed online.'));
      else if (e instanceof ApiError) showError(error, [e.message, ...(e.body.errors || []).map((x) => `${x.path}: ${x.message}`)].join(' '));
      else throw e;
    } finally {
      busy(submit, false);
    }
    return undefined;
  });
  return form;
}
