// The cases on this device, and a new case.
import { h } from '../dom.js';
import { t, tn, countryName, formatDate } from '../i18n.js';
import { outboxKey } from '../outbox.js';
import { errorBox, showError, badge, caseLabel, caseNumber, countrySelect } from './common.js';

const CREATES_CASES = ['counsellor', 'coordinator'];
let query = '';

export async function render(app) {
  const [cases, records, entries] = await Promise.all([app.store.listCases(), app.store.listRecords(), app.store.listOutbox()]);
  const pending = new Set(entries.map((e) => e.key));
  const perCase = new Map();
  for (const record of records) perCase.set(record.case_id, [...(perCase.get(record.case_id) || []), record]);
  cases.sort((a, b) => (b.updated_at || b.created_at || '').localeCompare(a.updated_at || a.created_at || ''));

  const list = h('ul', { class: 'cards', id: 'case-list' });
  const draw = () => {
    const q = query.trim().toLowerCase();
    // By the case number (both organisations know it) or, where the user may know it, the client code.
    const matches = (c) => !q || caseNumber(c).toLowerCase().includes(q) || (c.client_code || '').toLowerCase().includes(q);
    list.replaceChildren(...cases.filter(matches).map((c) => {
      if (c.ended) return endedCase(c);
      const own = perCase.get(c.id) || [];
      const conflicts = own.filter((r) => (r.conflicts || []).length).length;
      return h('li', {}, h('a', { class: 'card', href: `#/case/${c.id}` },
        h('span', { class: 'card-title' }, c.client_code || caseLabel(c)),
        c.client_code ? h('span', { class: 'card-meta case-number' }, t('Case number %(number)s', { number: caseNumber(c) })) : null,
        h('span', { class: 'card-meta' }, `${countryName(c.country_of_origin)} · ${t('Step %(step)s', { step: c.step })} · `
          + tn('%(count)s record', '%(count)s records', own.length)),
        c.handover ? h('span', { class: 'card-meta' }, t('Handed over by %(org)s', { org: c.handover.from_org_name })) : null,
        h('span', { class: 'badges' },
          pending.has(outboxKey('case', c.id)) ? badge('pending', t('Not sent yet')) : null,
          conflicts ? badge('conflict', t('Conflict')) : null)));
    }));
    if (!list.children.length) list.append(h('li', { class: 'empty' }, cases.length ? t('No case matches.') : t('No cases on this device yet.')));
  };
  const search = h('input', { id: 'case-search', type: 'search', value: query });
  search.addEventListener('input', () => { query = search.value; draw(); });
  draw();
  return h('div', { class: 'panel' },
    h('div', { class: 'title-row' }, h('h1', {}, t('Cases')),
      CREATES_CASES.includes(app.store.account.role) ? h('a', { class: 'button primary', href: '#/cases/new' }, t('New case')) : null),
    cases.length ? h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'case-search' },
      CREATES_CASES.includes(app.store.account.role) ? t('Find a case number or client code') : t('Find a case number')), search) : null,
    list);
}

// A case whose handover ended: its data left the device; what is left says so.
function endedCase(c) {
  const why = { withdrawn: t('Consent withdrawn'), expired: t('Consent expired') }[c.ended] || t('Access ended');
  return h('li', {}, h('div', { class: 'card ended', 'data-case': c.id },
    h('span', { class: 'card-title' }, caseLabel(c)),
    h('span', { class: 'badges' }, badge('rejected', why)),
    h('span', { class: 'card-meta' }, c.from_org_name ? t('Handed over by %(org)s', { org: c.from_org_name }) : '',
      c.ended_on ? ` · ${formatDate(c.ended_on.slice(0, 10))}` : ''),
    h('span', { class: 'card-meta' }, t('The case and its records were removed from this device.'))));
}

export async function renderNew(app) {
  const code = h('input', { id: 'client-code', type: 'text', maxlength: '64', required: true, autocomplete: 'off',
    'aria-describedby': 'client-code-hint' });
  const country = countrySelect('country', { returns: true });
  country.required = true;
  const error = errorBox();
  const form = h('form', { class: 'panel narrow', noValidate: true },
    h('p', {}, h('a', { href: '#/cases' }, `← ${t('Cases')}`)),
    h('h1', {}, t('New case')),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'client-code' }, t('Client code')),
      h('p', { class: 'hint', id: 'client-code-hint' }, t('A code your organisation uses for this client. Never the name.')), code),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'country' }, t('Country of origin')), country),
    error, h('button', { type: 'submit', class: 'primary' }, t('Create case')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!code.value.trim()) return showError(error, t('Fill in a client code.'));
    if (!country.value) return showError(error, t('Choose the country of origin.'));
    const now = new Date().toISOString();
    const value = { id: crypto.randomUUID(), client_code: code.value.trim(), country_of_origin: country.value,
      step: 'NL-1', org_id: app.store.account.org_id, created_at: now, updated_at: now };
    await app.saveCase(value);
    app.go(`#/case/${value.id}`);
    return undefined;
  });
  return form;
}
