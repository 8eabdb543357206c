// One case: the client's path through the methodology (worked out on the device, so it works offline), the
// moves to another step (online: the server decides), Overzicht 1 over time, the records and a PDF.
import { h, append, toast } from '../dom.js';
import { t, said, countryName, formatDateTime, language } from '../i18n.js';
import { api, ApiError, Unreachable } from '../api.js';
import { outboxKey } from '../outbox.js';
import { currentForms, currentSchema, schemaOf, shortTitle } from '../forms.js';
import { caseProgress, stateTitle, PHASES, STEPS, END_STATES } from '../workflow.js';
import { overzicht1History, finalScorings, OVERZICHT_1 } from '../scores.js';
import { badge, busy, caseLabel, caseNumber, errorBox, showError } from './common.js';
import { partnerSection } from './handover.js';
import { scoreCharts } from './score-chart.js';
import { pdfPanel } from './pdf.js';
import { displayValue } from '../form-renderer.js';

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

// "Step 7: Interim changes and evaluation", or the name of an end state.
export function stepName(state) {
  const found = STEPS.find((s) => s.id === state);
  return found ? t('Step %(number)s: %(title)s', { number: found.number, title: t(found.title) }) : t(stateTitle(state));
}

const STATUS_TEXT = {
  final: () => t('Final'), draft: () => t('Draft'), missing: () => t('Missing'), optional: () => t('Optional'),
};

// The first answers of a record, so that two drafts of one instrument can be told apart in a list.
const FIRST_ANSWERS = 2;
const FIRST_ANSWERS_CHARS = 90;
export function firstAnswers(schema, data) {
  const parts = [];
  for (const [key, node] of Object.entries(schema.properties || {})) {
    if (parts.length >= FIRST_ANSWERS) break;
    if (node['x-computed'] || node.properties || key === schema['x-stepField'] || (node.items && node.items.properties)) continue;
    const text = displayValue(node, (data || {})[key]);
    if (text) parts.push(text);
  }
  const joined = parts.join(' · ');
  return joined.length > FIRST_ANSWERS_CHARS ? `${joined.slice(0, FIRST_ANSWERS_CHARS - 1).trimEnd()}…` : joined;
}

// `readOnly`: the other organisation's part of the path, shown as a summary (no new records from here).
function instrumentItem(caseId, instrument, readOnly) {
  const { form_id: formId, schema, status, records } = instrument;
  const title = shortTitle(schema);
  const href = records.length ? `#/record/${records[0].id}` : readOnly ? null : `#/case/${caseId}/new/${formId}`;
  return h('li', { class: `path-instrument ${status}`, 'data-form': formId },
    href ? h('a', { href }, title) : h('span', {}, title), ' ', badge(status, STATUS_TEXT[status]()),
    records.length && !readOnly ? h('a', { class: 'path-new', href: `#/case/${caseId}/new/${formId}` },
      t('New'), h('span', { class: 'sr-only' }, `: ${title}`)) : null);
}

function pathStep(caseId, step, readOnly = false) {
  const done = step.instruments.filter((i) => i.status === 'final').length;
  const expected = step.instruments.filter((i) => i.status !== 'optional').length;
  const state = step.current ? 'current' : step.visited ? 'visited' : 'ahead';
  return h('li', { class: `path-step ${state}`, 'data-step': step.id, 'aria-current': step.current ? 'step' : null },
    h('details', { open: step.current },
      h('summary', {},
        h('span', { class: 'step-number', 'aria-hidden': 'true' }, String(step.number)),
        h('span', { class: 'step-title' }, stepName(step.id)),
        step.current ? badge('now', t('Now')) : null,
        !step.current && step.visited ? h('span', { class: 'sr-only' }, ` (${t('visited')})`) : null,
        step.instruments.length ? h('span', { class: 'step-count' }, t('%(done)s of %(total)s final', { done, total: expected || step.instruments.length })) : null),
      step.instruments.length
        ? h('ul', { class: 'path-instruments' }, step.instruments.map((i) => instrumentItem(caseId, i, readOnly)))
        : h('p', { class: 'hint' }, t('No instrument belongs to this step.'))));
}

// A partner organisation sees its own part first (re-integration, R-1…R-6) and the Dutch path as a closed,
// read-only summary.
function pathSection(caseId, progress, { partner = false } = {}) {
  const phases = partner ? [...PHASES].sort((a, b) => (a.id === 'nl') - (b.id === 'nl')) : PHASES;
  return h('section', { class: 'path', 'aria-labelledby': 'path-heading' },
    h('h2', { id: 'path-heading' }, t("The client's path")),
    phases.map((phase) => {
      const readOnly = partner && phase.id === 'nl';
      const steps = h('ol', { class: 'path-steps', 'data-phase': phase.id },
        progress.steps.filter((s) => s.phase === phase.id).map((s) => pathStep(caseId, s, readOnly)));
      return readOnly
        ? h('details', { class: 'path-summary', 'data-phase': phase.id },
          h('summary', {}, t(phase.title), ' ', h('span', { class: 'hint' }, t('(read only)'))), steps)
        : [h('h3', {}, t(phase.title)), steps];
    }));
}

// A move's words in the language chosen now: the device may have kept it from before the user changed language.
function moveWords(move) {
  return { label: said({ message: move.label, msgid: move.label_msgid }),
    problem: said({ message: move.problem, msgid: move.problem_msgid }) };
}

async function changeStep(app, caseValue, move, button, error) {
  showError(error, '');
  if (move.target in END_STATES && button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = t('Really: %(move)s?', { move: moveWords(move).label });
    return;
  }
  busy(button, true, t('Changing the step…'));
  try {
    // The server decides on what it has: send what waits on this device first.
    if (app.outbox.total) await app.sync();
    const updated = await api('POST', `/cases/${caseValue.id}/step`, { step: move.target });
    await app.store.putCase({ ...caseValue, ...updated });
    toast(t('The case is now at: %(step)s', { step: stepName(updated.step) }));
    app.go(`#/case/${caseValue.id}`);
  } catch (e) {
    busy(button, false);
    if (e instanceof Unreachable) showError(error, t('No connection: the step did not change.'));
    else if (e instanceof ApiError) showError(error, (e.body.errors || []).map((x) => x.message).join(' ') || e.message);
    else throw e;
  }
}

function drawMoves(app, caseValue, box, overview, { fresh }) {
  const error = errorBox();
  const moves = overview ? overview.moves : [];
  const online = fresh && navigator.onLine;
  box.replaceChildren();
  // No move to offer: no heading over nothing.
  box.hidden = Boolean(overview) && !moves.length;
  if (box.hidden) return;
  append(box, [
    h('h2', { id: 'moves-heading' }, t('Change the step')),
    online ? null : h('p', { class: 'hint' }, overview
      ? t('Changing the step needs a connection. As the server last said:')
      : t('Changing the step needs a connection to the server.')),
    moves.length ? h('ul', { class: 'moves' }, moves.map((move) => {
      const { label, problem } = moveWords(move);
      const button = h('button', { type: 'button', class: 'secondary', disabled: !online || !move.allowed,
        'data-target': move.target }, label);
      button.addEventListener('click', () => changeStep(app, caseValue, move, button, error));
      return h('li', {}, button, h('span', { class: 'move-target' }, `→ ${stepName(move.target)}`),
        problem ? h('p', { class: 'hint move-problem' }, problem) : null);
    })) : null,
    error]);
}

// The moves come from the server (they depend on handovers the device does not hold); the last answer is kept
// sealed on the device for offline use.
async function loadMoves(app, caseValue, box, cached, pendingCase) {
  drawMoves(app, caseValue, box, cached, { fresh: false });
  if (!navigator.onLine || pendingCase) {
    if (pendingCase) box.append(h('p', { class: 'hint' }, t('The case is not on the server yet: it can change step after the next sync.')));
    return;
  }
  try {
    const overview = await api('GET', `/cases/${caseValue.id}/overview`);
    if (!app.store) return;
    const kept = { moves: overview.moves, visited: overview.progress.steps.filter((s) => s.visited).map((s) => s.id) };
    await app.store.putSealed(`overview:${caseValue.id}`, kept);
    drawMoves(app, caseValue, box, kept, { fresh: true });
  } catch (e) {
    if (!(e instanceof Unreachable || e instanceof ApiError)) throw e;
  }
}

export async function render(app, caseId) {
  const value = await app.store.getCase(caseId);
  if (!value || value.ended) {
    return h('div', { class: 'panel' }, h('h1', {}, t('Case not found on this device.')),
      h('p', {}, h('a', { href: '#/cases' }, t('Back to the cases'))));
  }
  const [records, entries, forms, cached] = await Promise.all([app.store.recordsOfCase(caseId), app.store.listOutbox(),
    currentForms(), app.store.getSealed(`overview:${caseId}`)]);
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const schemas = await Promise.all(forms.map((f) => currentSchema(f.id)));
  const withSchemas = forms.map((f, i) => ({ id: f.id, schema: schemas[i] }));
  const progress = caseProgress(value.step, records, withSchemas, cached ? cached.visited : []);

  records.sort((a, b) => (b.saved_at || '').localeCompare(a.saved_at || ''));
  const recordSchemas = await Promise.all(records.map(async (r) => {
    try { return await schemaOf(r.form_id, r.form_version); } catch { return null; } // an instrument this app version lacks
  }));
  const titles = records.map((r, i) => (recordSchemas[i] ? shortTitle(recordSchemas[i]) : r.form_id));
  const recordItems = records.map((r, i) => h('li', {}, h('a', { class: 'card', href: `#/record/${r.id}` },
    h('span', { class: 'card-title' }, titles[i]),
    recordSchemas[i] ? h('span', { class: 'card-meta first-answers' }, firstAnswers(recordSchemas[i], r.data)) : null,
    h('span', { class: 'card-meta' }, r.saved_at ? t('Saved %(time)s', { time: formatDateTime(r.saved_at) }) : ''),
    h('span', { class: 'badges' }, recordBadges(r, byKey.get(outboxKey('record', r.id)))))));

  const instrumentLink = ({ id, schema }) => h('li', { 'data-title': shortTitle(schema).toLowerCase() },
    h('a', { class: 'card instrument', href: `#/case/${caseId}/new/${id}` },
      h('span', { class: 'card-title' }, shortTitle(schema)),
      h('span', { class: 'card-meta' }, (schema['x-step'] || []).join(', '))));
  const byName = (a, b) => shortTitle(a.schema).localeCompare(shortTitle(b.schema), language());
  // First the instruments of the current step; for a partner organisation, those of the re-integration path.
  const isPartner = app.store.account.role === 'partner';
  const first = (f) => (f.schema['x-step'] || []).some((step) => (isPartner ? step.startsWith('R-') : step === value.step));
  const forStep = withSchemas.filter(first).sort(byName);
  const others = withSchemas.filter((f) => !first(f));

  const overzicht1 = withSchemas.find((f) => f.id === OVERZICHT_1);
  const scored = overzicht1 && finalScorings(records).length;
  const pendingCase = byKey.has(outboxKey('case', caseId));
  const moves = h('section', { class: 'moves-section', 'aria-labelledby': 'moves-heading' });
  // A partner organisation follows the return path; the Dutch organisation changes the step.
  const changesSteps = !isPartner;
  if (changesSteps) loadMoves(app, value, moves, cached, pendingCase);
  else moves.hidden = true;

  const partner = !changesSteps;
  const path = pathSection(caseId, progress, { partner });
  const returnPart = partnerSection(app, value, { pending: pendingCase });
  return h('div', { class: 'panel case' },
    h('p', {}, h('a', { href: '#/cases' }, `← ${t('Cases')}`)),
    h('h1', {}, caseLabel(value)),
    value.client_code ? h('p', { class: 'case-number' }, t('Case number %(number)s', { number: caseNumber(value) })) : null,
    h('p', { class: 'card-meta' }, countryName(value.country_of_origin),
      pendingCase ? [' ', badge('pending', t('Not sent yet'))] : null),
    h('p', { class: 'current-step' }, h('strong', {}, t('Now:')), ' ', stepName(value.step)),
    forStep.length ? h('section', { class: 'step-instruments', 'aria-labelledby': 'step-instruments-heading' },
      h('h2', { id: 'step-instruments-heading' }, isPartner ? t(PHASES[1].title) : t('For the current step')),
      h('ul', { class: 'cards instruments' }, forStep.map(instrumentLink))) : null,
    partner ? [returnPart, path] : null,
    moves,
    partner ? null : path,
    h('section', { class: 'history', 'aria-labelledby': 'history-heading' },
      h('h2', { id: 'history-heading' }, t('Overview 1 over time')),
      scored ? scoreCharts(overzicht1History(records, overzicht1.schema), overzicht1.schema)
        : h('p', { class: 'empty' }, t('No final Overview 1 yet.'))),
    partner ? null : returnPart,
    h('h2', {}, t('Records')),
    records.length ? [h('ul', { class: 'cards', id: 'record-list' }, recordItems),
      pdfPanel(`/cases/${caseId}/pdf`, { pending: entries.some((e) => e.label && e.label.case_id === caseId),
        choices: records.map((r, i) => ({ id: r.id,
          label: `${titles[i]} · ${r.status === 'final' ? t('Final') : t('Draft')}${r.saved_at ? ` · ${formatDateTime(r.saved_at)}` : ''}` })) })]
      : h('p', { class: 'empty' }, t('No records yet.')),
    others.length ? otherInstruments(others, instrumentLink, byName) : null);
}

// Every other instrument, grouped by the first step it belongs to, by name within a step, with a filter box.
function otherInstruments(others, instrumentLink, byName) {
  const groups = [...STEPS.map((s) => s.id), null].map((stepId) => ({
    stepId, forms: others.filter((f) => ((f.schema['x-step'] || [])[0] || null) === stepId).sort(byName) }))
    .filter((g) => g.forms.length);
  const filter = h('input', { id: 'instrument-filter', type: 'search', autocomplete: 'off' });
  const blocks = groups.map((g) => h('div', { class: 'instrument-group' },
    h('h3', {}, g.stepId ? stepName(g.stepId) : t('Other instruments')),
    h('ul', { class: 'cards instruments' }, g.forms.map(instrumentLink))));
  const none = h('p', { class: 'empty', hidden: true }, t('No instrument matches.'));
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    let shown = 0;
    for (const block of blocks) {
      let inBlock = 0;
      for (const li of block.querySelectorAll('li')) {
        li.hidden = Boolean(q) && !li.dataset.title.includes(q);
        if (!li.hidden) inBlock += 1;
      }
      block.hidden = !inBlock;
      shown += inBlock;
    }
    none.hidden = shown > 0;
  });
  return h('section', { class: 'all-instruments', 'aria-labelledby': 'all-instruments-heading' },
    h('h2', { id: 'all-instruments-heading' }, t('Fill in an instrument')),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'instrument-filter' }, t('Find an instrument')), filter),
    blocks, none);
}
