// Filling in an instrument: a new record or an existing one, saved on the device as a draft (never blocked)
// or finalised (only when the answers are complete and valid). A final record opens read-only first.
import { h, toast, announce } from '../dom.js';
import { t, tn, formatDateTime, said } from '../i18n.js';
import { outboxKey } from '../outbox.js';
import { currentSchema, schemaOf, formTitle } from '../forms.js';
import { prepare } from '../schema-validate.js';
import { renderForm } from '../form-renderer.js';
import { formNav } from '../form-nav.js';
import { sameJSON } from '../json.js';
import { recordBadges, openConflicts } from './case.js';
import { badge, caseLabel } from './common.js';
import { deviceMap } from '../socialmap.js';
import { pdfPanel } from './pdf.js';
import { drawingContext } from './drawing.js';
import { upgradeBanner } from './upgrade.js';

// The server reports paths from the change's root, where the answers live under /data.
function answerErrors(errors) {
  // The form says each in the language chosen now (from the msgid, when the server sent it).
  return (errors || []).filter((e) => e.path.startsWith('/data'))
    .map((e) => ({ ...e, path: e.path.slice(5), message: e.msgid || e.message }));
}

// For `x-refersTo` answers (Overzicht 2's factors): the referred instrument's latest final answers in this case.
async function referencedAnswers(app, schema, caseId) {
  const referred = new Set();
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (node['x-refersTo']) referred.add(node['x-refersTo']);
    Object.values(node.properties || {}).forEach(walk);
    walk(node.items);
  };
  walk(schema);
  if (!referred.size) return {};
  const records = await app.store.recordsOfCase(caseId);
  const out = {};
  for (const formId of referred) {
    const latest = records.filter((r) => r.form_id === formId && r.status === 'final')
      .sort((a, b) => (b.saved_at || '').localeCompare(a.saved_at || ''))[0];
    if (latest) out[formId] = { data: latest.data, schema: await schemaOf(latest.form_id, latest.form_version) };
  }
  return out;
}

// Answers that are allowed but unlikely, said without blocking: a 6-month monitoring report long before six
// months after the return.
const DAY_MS = 24 * 60 * 60 * 1000;
const EARLIEST_DAYS = { 6: 150, 12: 330 };
function plausibility(formId, data) {
  if (formId !== 'monitoring-report' || !data.period || !data.returned_on || !data.reported_on) return [];
  const days = Math.round((Date.parse(data.reported_on) - Date.parse(data.returned_on)) / DAY_MS);
  if (Number.isNaN(days)) return [];
  if (days < 0) return [t('The report is dated before the return. Check both dates.')];
  if (days < EARLIEST_DAYS[data.period]) {
    return [t('A %(period)s-month report only %(days)s days after the return: check the period and the dates.', { period: data.period, days })];
  }
  return [];
}

export async function render(app, { recordId, caseId, formId, edit = false }) {
  let record = recordId ? await app.store.getRecord(recordId) : null;
  let schema;
  if (record) {
    schema = await schemaOf(record.form_id, record.form_version);
  } else if (caseId && formId) {
    schema = await currentSchema(formId);
    record = { id: crypto.randomUUID(), case_id: caseId, form_id: formId, form_version: schema.version,
      status: 'draft', data: {}, rev: null, conflicts: [] };
    // An instrument used at several steps says which one this record is for: the case's step, if it is one.
    // What the screen that opened this form already knew (a monitoring report's period, organisation, return).
    if (app.prefill && app.prefill.form_id === formId) {
      for (const [key, v] of Object.entries(app.prefill.data)) if (v !== undefined && schema.properties[key]) record.data[key] = v;
    }
    app.prefill = null;
    const field = schema['x-stepField'];
    const caseNow = await app.store.getCase(caseId);
    if (field && caseNow && (schema.properties[field].enum || []).includes(caseNow.step)) record.data[field] = caseNow.step;
  } else {
    return h('div', { class: 'panel' }, h('h1', {}, t('Record not found on this device.')),
      h('p', {}, h('a', { href: '#/cases' }, t('Back to the cases'))));
  }
  const isNew = !recordId;
  const caseValue = await app.store.getCase(record.case_id);
  const entry = await app.store.getOutbox(outboxKey('record', record.id));
  // Another organisation's record (a partner's monitoring report, a handed-over plan) is read, never edited.
  const othersRecord = !isNew && Boolean(record.read_only);
  const readOnly = othersRecord || (!isNew && record.status === 'final' && !edit);
  let dirty = false;
  let saved = !isNew;

  // What the device knows of this record's way to the server: not sent yet, refused, or sent.
  const badgesOf = (stored, pending) => [...recordBadges(stored, pending),
    !pending && stored.rev && !isNew ? badge('sent', t('Sent')) : null].filter(Boolean);
  const badges = h('span', { class: 'badges', id: 'record-badges' }, badgesOf(record, entry));
  const meta = h('p', { class: 'card-meta' },
    caseValue ? caseLabel(caseValue) : '',
    ` · ${t('Version %(version)s of the instrument', { version: record.form_version })}`,
    record.saved_at ? ` · ${t('Saved %(time)s', { time: formatDateTime(record.saved_at) })}` : '');
  const banners = h('div', { class: 'banners' });
  const conflictBanner = () => h('div', { class: 'banner conflict', role: 'alert' },
    h('span', {}, t('Someone else saved another version of this record. Both are kept until you choose.')),
    h('a', { class: 'button', href: `#/record/${record.id}/conflict` }, t('Compare and choose')));
  if (openConflicts(record, entry).length) banners.append(conflictBanner());
  // A sync while the form is open: the badges follow (sent), and a conflict shows its banner; the answers
  // being typed stay as they are.
  app.viewSynced = async () => {
    const stored = await app.store.getRecord(record.id);
    if (!stored) return;
    const pending = await app.store.getOutbox(outboxKey('record', record.id));
    badges.replaceChildren(...badgesOf(stored, pending));
    if (openConflicts(stored, pending).length && !banners.querySelector('.banner.conflict')) banners.prepend(conflictBanner());
  };
  if (entry && entry.state === 'rejected') {
    banners.append(h('div', { class: 'banner rejected', role: 'alert' },
      h('strong', {}, t('The server did not accept the last version:')), ' ', said(entry.error),
      h('p', {}, t('Fix the answers marked below and save again: the change is sent anew.'))));
  }

  const upgrade = isNew ? null : await upgradeBanner(app, record);
  if (upgrade) banners.append(upgrade);

  const map = await deviceMap(app.store);
  const references = await referencedAnswers(app, schema, record.case_id);
  const warnings = h('div', { class: 'plausibility', 'aria-live': 'polite' });
  const checkPlausible = () => warnings.replaceChildren(...plausibility(record.form_id, form ? form.data() : record.data)
    .map((text) => h('p', { class: 'banner' }, text)));
  let form = null;
  form = renderForm(schema, record.data, { readOnly, references, onChange: () => { dirty = true; checkPlausible(); },
    ...await drawingContext(app, schema, record.case_id),
    socialmap: { organisations: map ? map.organisations : null, country: caseValue ? caseValue.country_of_origin : null } });
  if (entry && entry.state === 'rejected') form.setErrors(answerErrors(entry.error.errors));
  checkPlausible();
  const nav = formNav(schema, form);
  const placeKey = `place:${record.id}`;

  async function save(status, { quiet = false, navigating = false } = {}) {
    const { errors, data } = prepare(schema, form.data(), status);
    if (status === 'final' && errors.length) {
      const count = form.setErrors(errors);
      form.focusErrors();
      announce(tn('Not finalised: %(count)s answer to check.', 'Not finalised: %(count)s answers to check.', count));
      return false;
    }
    // The change is based on the server revision this form's answers descend from. While the device's copy
    // still holds what this form saved last, its revision is that base (our own save, maybe confirmed by now);
    // if a sync replaced it with someone else's version, the base stays and the server keeps both.
    const stored = await app.store.getRecord(record.id);
    const base = stored && sameJSON(stored.data, record.data) ? stored.rev : record.rev;
    record = { ...record, rev: base, conflicts: stored ? stored.conflicts : [], data, status,
      saved_at: new Date().toISOString() };
    await app.saveRecord(record);
    dirty = false;
    if (!saved) {
      saved = true;
      // A new form's first save gives it its own address (a reload reopens the record), unless the user is
      // already on the way elsewhere: that address is theirs.
      if (!navigating) history.replaceState(null, '', `#/record/${record.id}${status === 'final' ? '' : '/edit'}`);
    }
    if (quiet) return true;
    form.setErrors(errors);
    badges.replaceChildren(...badgesOf(record, await app.store.getOutbox(outboxKey('record', record.id))));
    if (status === 'final') {
      toast(t('Finalised. Saved on this device.'));
      app.go(`#/record/${record.id}`);
    } else {
      toast(errors.length
        ? tn('Draft saved on this device. %(count)s answer to check before finalising.', 'Draft saved on this device. %(count)s answers to check before finalising.', errors.length)
        : t('Draft saved on this device.'));
    }
    return true;
  }

  // Nothing typed is dropped: leaving, locking or hiding the app saves what changed. A final record stays
  // final if the change keeps it complete; otherwise it becomes a draft.
  if (!readOnly) {
    app.leaveHook = async (mode) => {
      if (!app.store) return;
      // A draft reopens at the section the user was in.
      if (nav && (saved || dirty)) await app.store.setMeta(placeKey, nav.place());
      if (!dirty) return;
      const status = record.status === 'final' && !prepare(schema, form.data(), 'final').errors.length ? 'final' : 'draft';
      await save(status, { quiet: true, navigating: mode === 'navigating' });
    };
  }

  if (othersRecord) {
    banners.append(h('p', { class: 'notice read-only-note' }, t('This record belongs to another organisation: you can read it, not change it.')));
  }
  const actions = othersRecord ? null : readOnly
    ? h('div', { class: 'actions' }, h('a', { class: 'button primary', href: `#/record/${record.id}/edit` }, t('Edit')))
    : h('div', { class: 'actions sticky' },
      h('button', { type: 'button', class: 'secondary', id: 'save-draft', onclick: () => save('draft') }, t('Save draft')),
      h('button', { type: 'button', class: 'primary', id: 'finalise', onclick: () => save('final') }, t('Finalise')));

  // A draft can be thrown away, after a second tap. One the server has stays there as a discarded revision.
  let discard = null;
  if (!isNew && !readOnly && record.status === 'draft') {
    discard = h('button', { type: 'button', class: 'danger', id: 'discard-draft' }, t('Discard this draft'));
    discard.addEventListener('click', async () => {
      if (discard.dataset.confirm !== 'yes') {
        discard.dataset.confirm = 'yes';
        discard.textContent = record.rev
          ? t('Really discard this draft? The server keeps it as a discarded version.')
          : t('Really discard this draft? Its answers are deleted from this device.');
        return;
      }
      app.leaveHook = null;
      if (await app.discardDraft(record.id)) {
        toast(t('Draft discarded.'));
      } else {
        toast(t('The server has this draft already: it was kept.'), 'warn');
      }
      app.go(`#/case/${record.case_id}`);
    });
  }

  const view = h('div', { class: 'panel record' },
    h('p', {}, h('a', { href: `#/case/${record.case_id}` }, `← ${caseValue ? caseLabel(caseValue) : t('Cases')}`)),
    h('div', { class: 'title-row' }, h('h1', {}, formTitle(schema)), badges),
    meta,
    schema.description ? h('details', { class: 'about' }, h('summary', {}, t('About this instrument')), h('p', {}, t(schema.description))) : null,
    banners,
    readOnly ? null : h('p', { class: 'hint' }, t('Answers marked * are needed to finalise. A draft can be saved at any time.')),
    nav ? nav.element : null,
    warnings,
    form.element,
    actions,
    discard ? h('div', { class: 'actions discard' }, discard) : null,
    isNew ? null : pdfPanel(`/records/${record.id}/pdf`, { pending: Boolean(entry) }));
  const place = nav && !readOnly && !isNew ? await app.store.getMeta(placeKey) : null;
  if (place) view.placeAfterDraw = () => nav.show(place);
  return view;
}
