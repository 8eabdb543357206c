// The outbox: what this device has not sent yet, and what the server refused, with its reasons.
import { h } from '../dom.js';
import { t, tn, formatDateTime, said } from '../i18n.js';
import { schemaOf, shortTitle } from '../forms.js';
import { placeName, renderForm } from '../form-renderer.js';
import { badge, caseLabel } from './common.js';

async function describe(app, entry) {
  const caseValue = await app.store.getCase(entry.label.case_id);
  const code = caseValue ? caseValue.client_code : '?';
  if (entry.kind === 'case') return { title: t('New case %(code)s', { code }), href: `#/case/${entry.id}`, schema: null };
  const caseName = caseValue ? caseLabel(caseValue) : t('Case %(code)s', { code });
  let schema = null;
  try { schema = await schemaOf(entry.change.form_id, entry.change.form_version); } catch { /* not on this device */ }
  // A partner's change in a case whose handover ended: the record left the device, the typed answers did not.
  const gone = caseValue && caseValue.ended;
  return { title: `${schema ? shortTitle(schema) : entry.change.form_id} · ${caseName}`,
    href: gone ? null : `#/record/${entry.id}/edit`, schema, gone };
}

export async function render(app) {
  const entries = await app.store.listOutbox();
  const items = await Promise.all(entries.map(async (entry) => {
    const { title, href, schema, gone } = await describe(app, entry);
    const rejected = entry.state === 'rejected';
    const details = rejected ? h('div', { class: 'reason' },
      h('p', {}, said(entry.error)),
      entry.error.errors && entry.error.errors.length ? h('ul', {}, entry.error.errors.map((e) => {
        const place = schema && e.path.startsWith('/data/') ? placeName(schema, e.path.slice(5)) : e.path;
        return h('li', {}, place ? `${place}: ${said(e)}` : said(e));
      })) : null) : null;
    const resend = rejected ? h('button', { type: 'button', class: 'secondary', onclick: async () => {
      await app.retry(entry.key);
      await app.sync();
    } }, t('Send again')) : null;
    return h('li', { class: `outbox-entry ${rejected ? 'rejected' : ''}` },
      h('div', { class: 'title-row' }, h('span', { class: 'card-title' }, title),
        rejected ? badge('rejected', t('Refused by the server')) : badge('pending', t('Waiting to be sent'))),
      h('p', { class: 'card-meta' }, t('Saved %(time)s', { time: formatDateTime(entry.queued_at) })),
      details,
      gone ? [h('p', { class: 'notice' }, t('Access to this case ended; what you typed is kept here.')),
        schema ? h('details', { class: 'about' }, h('summary', {}, t('Show what you typed')),
          renderForm(schema, entry.change.data, { readOnly: true }).element) : null] : null,
      h('div', { class: 'actions' }, href ? h('a', { class: 'button', href }, rejected ? t('Open and fix') : t('Open record')) : null, resend));
  }));
  return h('div', { class: 'panel' },
    h('h1', {}, t('Outbox')),
    h('p', {}, entries.length
      ? tn('%(count)s change is kept on this device until the server confirms it.', '%(count)s changes are kept on this device until the server confirms them.', entries.length)
      : t('Everything saved on this device has reached the server.')),
    entries.length ? h('ul', { class: 'outbox', id: 'outbox-list' }, items) : null);
}
