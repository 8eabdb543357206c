// One case: its records on this device and the instruments to fill in.
import { h } from '../dom.js';
import { t, countryName, formatDateTime } from '../i18n.js';
import { outboxKey } from '../outbox.js';
import { currentForms, currentSchema, schemaOf, shortTitle } from '../forms.js';
import { badge } from './common.js';

export function openConflicts(record, entry) {
  const resolving = new Set((entry && entry.change.resolves) || []);
  return (record.conflicts || []).filter((c) => !resolving.has(c.rev));
}

export function recordBadges(record, entry) {
  return [
    badge(record.status === 'final' ? 'final' : 'draft', record.status === 'final' ? t('Final') : t('Draft')),
    entry && entry.state === 'rejected' ? badge('rejected', t('Refused by the server')) : null,
    entry && entry.state !== 'rejected' ? badge('pending', t('Not sent yet')) : null,
    openConflicts(record, entry).length ? badge('conflict', t('Conflict')) : null,
  ];
}

export async function render(app, caseId) {
  const value = await app.store.getCase(caseId);
  if (!value) {
    return h('div', { class: 'panel' }, h('h1', {}, t('Case not found on this device.')),
      h('p', {}, h('a', { href: '#/cases' }, t('Back to the cases'))));
  }
  const [records, entries, forms] = await Promise.all([app.store.recordsOfCase(caseId), app.store.listOutbox(), currentForms()]);
  const byKey = new Map(entries.map((e) => [e.key, e]));
  records.sort((a, b) => (b.saved_at || '').localeCompare(a.saved_at || ''));
  const recordItems = await Promise.all(records.map(async (r) => {
    const entry = byKey.get(outboxKey('record', r.id));
    let title = r.form_id;
    try { title = shortTitle(await schemaOf(r.form_id, r.form_version)); } catch { /* an instrument this app version lacks */ }
    return h('li', {}, h('a', { class: 'card', href: `#/record/${r.id}` },
      h('span', { class: 'card-title' }, title),
      h('span', { class: 'card-meta' }, r.saved_at ? t('Saved %(time)s', { time: formatDateTime(r.saved_at) }) : ''),
      h('span', { class: 'badges' }, recordBadges(r, entry))));
  }));
  const schemas = await Promise.all(forms.map((f) => currentSchema(f.id)));
  const instrumentLink = (form, schema) => h('li', {}, h('a', { class: 'card instrument', href: `#/case/${caseId}/new/${form.id}` },
    h('span', { class: 'card-title' }, shortTitle(schema)),
    h('span', { class: 'card-meta' }, (form.steps || []).join(', '))));
  const forStep = forms.map((f, i) => [f, schemas[i]]).filter(([f]) => (f.steps || []).includes(value.step));
  const others = forms.map((f, i) => [f, schemas[i]]).filter(([f]) => !(f.steps || []).includes(value.step));
  return h('div', { class: 'panel' },
    h('p', {}, h('a', { href: '#/cases' }, `← ${t('Cases')}`)),
    h('h1', {}, t('Case %(code)s', { code: value.client_code })),
    h('p', { class: 'card-meta' }, `${countryName(value.country_of_origin)} · ${t('Step %(step)s', { step: value.step })}`,
      byKey.has(outboxKey('case', caseId)) ? [' ', badge('pending', t('Not sent yet'))] : null),
    h('h2', {}, t('Records')),
    records.length ? h('ul', { class: 'cards', id: 'record-list' }, recordItems) : h('p', { class: 'empty' }, t('No records yet.')),
    h('h2', {}, t('Fill in an instrument')),
    forStep.length ? [h('h3', {}, t('For step %(step)s', { step: value.step })),
      h('ul', { class: 'cards instruments' }, forStep.map(([f, s]) => instrumentLink(f, s)))] : null,
    others.length ? [forStep.length ? h('h3', {}, t('Other instruments')) : null,
      h('ul', { class: 'cards instruments' }, others.map(([f, s]) => instrumentLink(f, s)))] : null);
}
