// Handing a case over to a partner organisation abroad (online only: consent and handover are recorded on the
// server at once), the case's handovers with a withdrawal, and the monitoring schedule after return.
import { h, toast, announce, uid } from '../dom.js';
import { t, countryName, formatDate, formatDateTime, language } from '../i18n.js';
import { api, ApiError, Unreachable } from '../api.js';
import { schemaOf, shortTitle } from '../forms.js';
import { badge, caseLabel, errorBox, showError, busy, lastSaidNote } from './common.js';
import { FIRST, OTHERS, NAMES } from '../language-names.js';

const SENDERS = ['counsellor', 'coordinator'];
const MONITORING_REPORT = 'monitoring-report';

const today = () => new Date().toISOString().slice(0, 10);

// Languages consent is explained in, named by CLDR in the UI language (language-names.js); any other code
// a record holds is named by the browser.
function languageName(code) {
  const known = NAMES[language()] && NAMES[language()][code];
  if (known) return known;
  try {
    return new Intl.DisplayNames([language()], { type: 'language' }).of(code) || code;
  } catch {
    return code;
  }
}

export function statusBadge(status) {
  const text = { active: t('Active'), withdrawn: t('Consent withdrawn'), expired: t('Consent expired') }[status] || status;
  return badge(status === 'active' ? 'final' : 'rejected', text);
}

function itemName(item) {
  return { departed: t('Departure'), arrival_confirmed: t('Arrival confirmed'), first_contact: t('Contact after one month'),
    report_6: t('Report after 6 months'), report_12: t('Report after 12 months') }[item] || item;
}

function itemStatus(status) {
  const text = { done: t('Done'), overdue: t('Overdue'), due: t('Due'), upcoming: t('Upcoming'),
    awaiting_departure: t('Waits for the departure date'), cancelled: t('Cancelled') }[status] || status;
  const kind = { done: 'final', overdue: 'rejected', due: 'pending', cancelled: 'draft' }[status] || 'draft';
  return badge(kind, text);
}

function offlineNote() {
  return h('p', { class: 'notice' }, t('Handovers and monitoring are shown when the device is online.'));
}

// Record departure, confirmed arrival or the first contact, with its date.
function recordItem(app, handoverId, item, redraw) {
  const id = uid('monitoring-date');
  const date = h('input', { type: 'date', id, value: today(), max: today() });
  const button = h('button', { type: 'button', class: 'secondary', 'data-item': item }, t('Record the date'));
  const error = errorBox();
  button.addEventListener('click', async () => {
    busy(button, true, t('Saving…'));
    try {
      await api('POST', `/handovers/${handoverId}/monitoring`, { item, date: date.value });
      toast(t('Recorded.'));
      await redraw();
    } catch (e) {
      if (!(e instanceof ApiError || e instanceof Unreachable)) throw e;
      showError(error, e instanceof Unreachable ? t('You are offline.') : e.message);
      busy(button, false);
    }
  });
  return h('div', { class: 'record-item' }, h('label', { for: id, class: 'record-item-label' }, t('Date: %(item)s', { item: itemName(item) })),
    date, button, error);
}

function monitoringBlock(app, value, m, redraw, offline) {
  const active = m.status === 'active';
  const online = active && !offline; // recording a date is done on the server
  const anchor = m.anchor.source === 'departed' ? t('Departed on %(date)s', { date: formatDate(m.anchor.date) })
    : m.anchor.source === 'planned' ? t('Departure planned for %(date)s', { date: formatDate(m.anchor.date) })
      : t('No departure date yet.');
  const rows = m.items.map((item) => {
    const recordable = online && item.status !== 'done' && ['arrival_confirmed', 'first_contact'].includes(item.item);
    const isReport = item.item.startsWith('report_');
    return h('li', { class: `monitoring-item status-${item.status}`, 'data-item': item.item },
      h('div', { class: 'title-row' }, h('span', { class: 'card-title' }, itemName(item.item)), itemStatus(item.status)),
      h('p', { class: 'card-meta' }, item.status === 'done'
        ? t('Done on %(date)s', { date: formatDate(item.done_on) })
        : item.due ? t('Due on %(date)s', { date: formatDate(item.due) }) : ''),
      item.record_id ? h('a', { href: `#/record/${item.record_id}` }, t('Open the report')) : null,
      recordable && item.item === 'arrival_confirmed' && m.anchor.source !== 'departed'
        ? h('p', { class: 'banner no-departure' }, t('No departure is recorded yet: an arrival before the departure is unlikely. Record the departure first.'))
        : null,
      recordable ? recordItem(app, m.handover_id, item.item, redraw) : null,
      isReport && active && item.status !== 'done' && app.store.account.role === 'partner'
        ? h('a', { class: 'button', href: `#/case/${value.id}/new/${MONITORING_REPORT}`,
          // The new report starts with what the case already knows: period, organisation, return date.
          onclick: () => {
            app.prefill = { form_id: MONITORING_REPORT, data: { period: Number(item.item.split('_')[1]) || undefined,
              reported_on: today(), reporting_organisation: m.to_org_name || undefined,
              returned_on: m.anchor.source === 'departed' ? m.anchor.date : undefined } };
          } }, t('File the report')) : null);
  });
  return h('section', { class: 'monitoring', 'data-handover': m.handover_id },
    h('div', { class: 'title-row' }, h('h3', {}, t('Monitoring: %(org)s', { org: m.to_org_name || m.to_org })), statusBadge(m.status)),
    h('p', {}, anchor),
    online && m.anchor.source !== 'departed' ? recordItem(app, m.handover_id, 'departed', redraw) : null,
    h('ul', { class: 'monitoring-items' }, rows));
}

// The part of the case view about partner organisations: the way to a handover, and the monitoring schedule
// (from the server, so online only).
// `pending`: the case has not reached the server yet, so there is nothing to ask it about.
export function partnerSection(app, value, { pending = false } = {}) {
  const body = h('div', {});
  const section = h('section', { class: 'partners', id: 'partner-section' },
    h('h2', {}, t('Return and monitoring')),
    SENDERS.includes(app.store.account.role)
      ? h('p', {}, h('a', { class: 'button', href: `#/case/${value.id}/handover` }, t('Hand over to a partner organisation'))) : null,
    body);
  const show = (found, offline) => body.replaceChildren(offline ? lastSaidNote(found.fetched_at) : '',
    ...(found.handovers.length ? found.handovers.map((m) => monitoringBlock(app, value, m, draw, offline))
      : [h('p', { class: 'empty' }, t('Not handed over.'))]));
  // Offline, what the server last said (sealed on the device), without the actions that need the server.
  const showKept = async () => {
    const kept = await app.store.getSealed(`monitoring:${value.id}`);
    if (kept) show(kept, true);
    else body.replaceChildren(offlineNote());
  };
  const draw = async () => {
    if (pending) { body.replaceChildren(h('p', { class: 'empty' }, t('Not handed over.'))); return; }
    if (!navigator.onLine) { await showKept(); return; }
    try {
      const found = { ...await api('GET', `/cases/${value.id}/monitoring`), fetched_at: new Date().toISOString() };
      await app.store.putSealed(`monitoring:${value.id}`, found);
      show(found, false);
    } catch (e) {
      if (e instanceof Unreachable) await showKept();
      else if (e instanceof ApiError && e.status === 404) body.replaceChildren(h('p', { class: 'empty' }, t('Not handed over.')));
      else throw e;
    }
  };
  draw().catch((e) => console.error(e));
  return section;
}

function handoverItem(app, item, redraw) {
  const consent = item.consent || {};
  const who = consent.given_by === 'client' ? t('client') : t('legal representative');
  const withdraw = h('button', { type: 'button', class: 'danger withdraw' }, t('Withdraw consent'));
  withdraw.addEventListener('click', async () => {
    if (withdraw.dataset.confirm !== 'yes') {
      withdraw.dataset.confirm = 'yes';
      withdraw.textContent = t('Really withdraw? The partner then sees nothing of the case.');
      return;
    }
    busy(withdraw, true, t('Saving…'));
    try {
      await api('POST', `/handovers/${item.id}/withdrawal`);
      toast(t('Consent withdrawn. The partner organisation no longer sees the case.'));
      await redraw();
    } catch (e) {
      if (!(e instanceof ApiError || e instanceof Unreachable)) throw e;
      toast(e instanceof Unreachable ? t('You are offline.') : e.message, 'warn');
      busy(withdraw, false);
    }
  });
  return h('li', { class: 'outbox-entry handover', 'data-handover': item.id },
    h('div', { class: 'title-row' }, h('span', { class: 'card-title' }, item.to_org_name || item.to_org), statusBadge(item.status)),
    h('p', { class: 'card-meta' }, t('Handed over %(time)s', { time: formatDateTime(item.created_at) })),
    consent.given_by ? h('p', {}, t('Consent of the %(who)s on %(date)s, explained in %(language)s.', {
      who, date: formatDate(consent.date),
      language: languageName(consent.language) }), consent.expires ? ` ${t('Valid until %(date)s.', { date: formatDate(consent.expires) })}` : '') : null,
    consent.withdrawn_at ? h('p', {}, t('Withdrawn %(time)s', { time: formatDateTime(consent.withdrawn_at) })) : null,
    consent.purpose ? h('p', { class: 'value' }, consent.purpose) : null,
    item.status === 'active' ? h('div', { class: 'actions' }, withdraw) : null);
}

// The form: partner organisation, records, and the client's consent. Without consent nothing is sent; the
// server checks the same and its answer is shown next to the fields it names.
export async function render(app, caseId) {
  const value = await app.store.getCase(caseId);
  if (!value || value.ended || !SENDERS.includes(app.store.account.role)) {
    return h('div', { class: 'panel' }, h('h1', {}, t('Case not found on this device.')),
      h('p', {}, h('a', { href: '#/cases' }, t('Back to the cases'))));
  }
  const back = h('p', {}, h('a', { href: `#/case/${caseId}` }, `← ${caseLabel(value)}`));
  let partners;
  let existing;
  try {
    [partners, existing] = await Promise.all([api('GET', '/partner-organisations'), api('GET', `/cases/${caseId}/handovers`)]);
  } catch (e) {
    if (!(e instanceof Unreachable)) throw e;
    return h('div', { class: 'panel' }, back, h('h1', {}, t('Hand over to a partner organisation')),
      h('p', { class: 'notice' }, t('A handover is recorded on the server at once: connect to the internet first.')));
  }
  const records = (await app.store.recordsOfCase(caseId)).filter((r) => r.rev);
  const titles = await Promise.all(records.map(async (r) => {
    try { return shortTitle(await schemaOf(r.form_id, r.form_version)); } catch { return r.form_id; }
  }));

  const fields = new Map(); // path -> error slot
  const field = (path, labelText, control, { group = false, hint } = {}) => {
    const slot = h('p', { class: 'field-error', hidden: true });
    fields.set(path, { slot, control });
    const heading = group ? h('legend', { class: 'field-label' }, labelText)
      : h('label', { class: 'field-label', for: control.id }, labelText);
    return h(group ? 'fieldset' : 'div', { class: 'field', 'data-path': path }, heading,
      hint ? h('p', { class: 'hint' }, hint) : null, slot, control);
  };
  const org = h('select', { id: 'handover-org' }, h('option', { value: '' }, t('(choose)')),
    // The organisations in the client's country of origin first.
    partners.organisations.slice().sort((a, b) => (b.country === value.country_of_origin) - (a.country === value.country_of_origin))
      .map((o) => h('option', { value: o.id }, `${o.name} · ${countryName(o.country)}`)));
  const recordBoxes = records.map((r, i) => h('input', { type: 'checkbox', value: r.id, id: `handover-record-${i}` }));
  const givenBy = ['client', 'legal_representative'].map((v) => h('input', { type: 'radio', name: 'given_by', value: v }));
  const date = h('input', { type: 'date', id: 'consent-date', value: today(), max: today() });
  const purpose = h('textarea', { id: 'consent-purpose', rows: '3' });
  const lang = h('select', { id: 'consent-language' }, h('option', { value: '' }, t('(choose)')),
    h('optgroup', { label: t('Languages of the return countries') }, FIRST.map((c) => h('option', { value: c }, languageName(c)))),
    h('optgroup', { label: t('Other languages') }, OTHERS.map((c) => [c, languageName(c)])
      .sort((a, b) => a[1].localeCompare(b[1], language())).map(([c, name]) => h('option', { value: c }, name))));
  const expires = h('input', { type: 'date', id: 'consent-expires', min: today() });
  const departure = h('input', { type: 'date', id: 'handover-departure' });
  const error = errorBox();
  const submit = h('button', { type: 'submit', class: 'primary', id: 'hand-over' }, t('Hand over'));
  const list = h('ul', { class: 'outbox', id: 'handover-list' });
  const drawList = (items) => {
    list.replaceChildren(...items.map((item) => handoverItem(app, item, redrawList)));
    if (!items.length) list.append(h('li', { class: 'empty' }, t('Not handed over.')));
  };
  async function redrawList() {
    drawList((await api('GET', `/cases/${caseId}/handovers`)).handovers);
  }
  drawList(existing.handovers);

  const form = h('form', { noValidate: true, id: 'handover-form' },
    field('/to_org', t('Partner organisation'), org),
    field('/record_ids', t('Records to hand over'), h('div', { class: 'options' }, recordBoxes.length
      ? recordBoxes.map((box, i) => h('label', { class: 'option' }, box, h('span', { class: 'option-text' },
        `${titles[i]} · ${records[i].status === 'final' ? t('Final') : t('Draft')}`)))
      : h('p', { class: 'empty' }, t('No record of this case has reached the server yet.'))), { group: true }),
    h('fieldset', { class: 'group consent' }, h('legend', {}, t('The client\'s consent')),
      h('p', { class: 'hint' }, t('Without recorded consent nothing is handed over.')),
      field('/consent/given_by', t('Consent given by'), h('div', { class: 'options' },
        h('label', { class: 'option' }, givenBy[0], h('span', { class: 'option-text' }, t('The client'))),
        h('label', { class: 'option' }, givenBy[1], h('span', { class: 'option-text' }, t('A legal representative')))), { group: true }),
      field('/consent/date', t('Date of consent'), date),
      field('/consent/purpose', t('For what purpose'), purpose),
      field('/consent/language', t('Language the consent was explained in'), lang),
      field('/consent/expires', t('Valid until (optional)'), expires)),
    field('/departure_date', t('Planned departure (optional)'), departure,
      { hint: t('The monitoring schedule counts from the departure.') }),
    error, h('div', { class: 'actions' }, submit));

  const showErrors = (errors) => {
    for (const { slot, control } of fields.values()) {
      slot.replaceChildren();
      slot.hidden = true;
      control.removeAttribute('aria-invalid');
    }
    const elsewhere = [];
    for (const e of errors) {
      // /record_ids/3 and /consent are shown at the nearest field.
      const path = [...fields.keys()].find((p) => e.path === p || e.path.startsWith(`${p}/`))
        || (e.path === '/consent' ? '/consent/given_by' : null);
      const text = t(e.message, e.params);
      if (!path) { elsewhere.push(text); continue; }
      const { slot, control } = fields.get(path);
      slot.append(h('span', {}, text));
      slot.hidden = false;
      control.setAttribute('aria-invalid', 'true');
    }
    return elsewhere;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosenGiver = givenBy.find((r) => r.checked);
    const body = { id: crypto.randomUUID(), to_org: org.value, record_ids: recordBoxes.filter((b) => b.checked).map((b) => b.value),
      consent: { given_by: chosenGiver ? chosenGiver.value : '', date: date.value, purpose: purpose.value.trim(),
        language: lang.value, expires: expires.value || null }, departure_date: departure.value || null };
    const required = t('This field is required.');
    const missing = [
      !body.to_org && '/to_org', !body.record_ids.length && '/record_ids', !body.consent.given_by && '/consent/given_by',
      !body.consent.date && '/consent/date', !body.consent.purpose && '/consent/purpose', !body.consent.language && '/consent/language',
    ].filter(Boolean).map((path) => ({ path, message: required }));
    if (missing.length) {
      showErrors(missing);
      const consentMissing = missing.some((m) => m.path.startsWith('/consent'));
      showError(error, consentMissing ? t('Record the client\'s consent before handing over.') : t('Fill in what is marked.'));
      announce(error.textContent);
      return;
    }
    busy(submit, true, t('Sending…'));
    try {
      await api('POST', `/cases/${caseId}/handovers`, body);
      showErrors([]);
      showError(error, '');
      toast(t('Handed over. The partner organisation sees the chosen records at its next sync.'));
      form.reset();
      date.value = today();
      await redrawList();
    } catch (e) {
      if (e instanceof Unreachable) showError(error, t('You are offline.'));
      else if (e instanceof ApiError) showError(error, [e.message, ...showErrors(e.body.errors || [])].join(' '));
      else throw e;
    } finally {
      busy(submit, false);
    }
  });

  return h('div', { class: 'panel handover' }, back,
    h('h1', {}, t('Hand over to a partner organisation')),
    h('h2', {}, t('Handovers of this case')), list,
    h('h2', {}, t('New handover')), form);
}
