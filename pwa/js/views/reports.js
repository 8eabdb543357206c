// Reports for coordinators (a partner organisation: the cases handed over to it): counts over cases for a
// period, made by the server, never a client code or case number; a count from 1 to 4 comes as "< 5", and a
// count left out so that a "< 5" cannot be worked out from a total and the other counts as "x". Bars
// are SVG beside the numbers, which stay in the table; the Overzicht 1 chart has a table as its text
// alternative. Below: the report as XLSX or PDF, and one instrument's records as CSV or XLSX.
import { h, svg, uid } from '../dom.js';
import { t, language, LANGUAGES, countryName } from '../i18n.js';
import { api, ApiError, Unreachable, requestHeaders } from '../api.js';
import { currentForms, currentSchema, shortTitle } from '../forms.js';
import { errorBox, showError, busy } from './common.js';

const SMALL = '< 5';
const HIDDEN = 'x';
const BAR_WIDTH = 160;
const REPORT_ROLES = ['coordinator', 'partner'];

export function mayReport(role) {
  return REPORT_ROLES.includes(role);
}

function number(value) {
  const format = new Intl.NumberFormat(language(), { maximumFractionDigits: 1 });
  if (value === null || value === undefined) return '–';
  if (value === SMALL) return `< ${format.format(5)}`;
  if (value === HIDDEN) return HIDDEN;
  return format.format(value);
}

function share(value) {
  return value === null || value === undefined ? '–'
    : new Intl.NumberFormat(language(), { style: 'percent', maximumFractionDigits: 0 }).format(value);
}

function monthName(month) {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(language(), { month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, 1)));
}

function bar(value, top) {
  const width = typeof value === 'number' && top ? Math.max(2, Math.round((BAR_WIDTH * value) / top)) : 0;
  return svg('svg', { class: 'report-bar', width: BAR_WIDTH, height: 14, viewBox: `0 0 ${BAR_WIDTH} 14`,
    'aria-hidden': 'true', focusable: 'false' },
  value === SMALL ? svg('rect', { x: 0, y: 3, width: 6, height: 8, class: 'bar-small' })
    : svg('rect', { x: 0, y: 1, width: value ? width : 0, height: 12, class: 'bar-fill' }));
}

// A table of label, count(s) and, when `bars`, a bar for the first count.
function table(caption, columns, rows, { bars = false } = {}) {
  const top = Math.max(0, ...rows.map((r) => (typeof r[1] === 'number' ? r[1] : 0)));
  // A table wider than a phone scrolls sideways in its box: the keyboard can reach and scroll the box too.
  return h('div', { class: 'report-table', tabindex: '0', role: 'region', 'aria-label': caption }, h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)),
      bars ? h('th', { scope: 'col', class: 'bar-cell' }, h('span', { class: 'sr-only' }, t('Bar'))) : null)),
    h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r[0]),
      r.slice(1).map((v) => h('td', { class: 'num' }, typeof v === 'string' && v !== SMALL ? v : number(v))),
      bars ? h('td', { class: 'bar-cell' }, bar(r[1], top)) : null)))));
}

// Per factor a bar of three parts: higher, same, lower (shares); no bar where the counts are suppressed.
function changeChart(factors) {
  const rowHeight = 26;
  const width = 300;
  const chart = svg('svg', { class: 'change-chart', width, height: rowHeight * factors.length,
    viewBox: `0 0 ${width} ${rowHeight * factors.length}`, 'aria-hidden': 'true', focusable: 'false' });
  factors.forEach((f, i) => {
    let x = 0;
    for (const [key, cls] of [['share_up', 'up'], ['share_same', 'same'], ['share_down', 'down']]) {
      if (f[key] === null) continue;
      const w = Math.round(width * f[key]);
      if (w) chart.append(svg('rect', { x, y: i * rowHeight + 4, width: w, height: rowHeight - 8, class: `part-${cls}` }));
      x += w;
    }
    const none = [f.up, f.same, f.down].every((n) => n === 0);
    if (f.share_up === null) {
      chart.append(svg('text', { x: 4, y: i * rowHeight + 17, class: 'chart-note' },
        none ? t('No client scored it twice') : t('Too few to show')));
    }
  });
  return chart;
}

function overzicht1Section(o1) {
  const rows = o1.factors.map((f) => [`${f.block_title}: ${f.title}`,
    `${number(f.up)} (${share(f.share_up)})`, `${number(f.same)} (${share(f.share_same)})`,
    `${number(f.down)} (${share(f.share_down)})`]);
  return h('section', { class: 'report-section' },
    h('h2', {}, t('Change in Overview 1 between the first and the latest scoring')),
    table(t('Clients with at least two final scorings'), [t('What is counted'), t('Number')], [
      [t('Clients with at least two final scorings'), o1.clients],
      [t('Median change in total +'), o1.total_plus_median_change],
      [t('Median change in total −'), o1.total_minus_median_change]]),
    o1.factors.length ? h('figure', { class: 'chart-block' },
      h('figcaption', {}, t('Per factor: higher, the same or lower at the latest scoring than at the first')),
      h('p', { class: 'chart-key', 'aria-hidden': 'true' },
        h('span', {}, h('b', { class: 'key-box part-up' }), ` ${t('Higher')}`),
        h('span', {}, h('b', { class: 'key-box part-same' }), ` ${t('Same')}`),
        h('span', {}, h('b', { class: 'key-box part-down' }), ` ${t('Lower')}`)),
      [...new Set(o1.factors.map((f) => f.block_title))].map((block) => {
        const factors = o1.factors.filter((f) => f.block_title === block);
        return [h('h3', { class: 'change-block', 'aria-hidden': 'true' }, block), h('div', { class: 'change-grid' },
          h('div', { class: 'change-labels', 'aria-hidden': 'true' }, factors.map((f) => h('div', {}, f.title))),
          h('div', { class: 'chart-scroll' }, changeChart(factors)))];
      }),
      h('details', {}, h('summary', {}, t('The numbers as a table')),
        table(t('Per factor: higher, the same or lower at the latest scoring than at the first'),
          [t('Factor'), t('Higher'), t('Same'), t('Lower')], rows))) : null);
}

const CLOSURES = { returned: 'Returned, with support', departed_without_support: 'Departed without support', other: 'Other' };
const MONITORING = { due: 'Reports due', on_time: 'Received on time', late: 'Received late', missing: 'Missing',
  not_yet_due: 'Not yet due' };

// The step's number stands out; its (long) title follows in smaller type.
function stepName(r) {
  return h('span', { class: 'step-name' }, h('b', {}, r.step), ' ', h('span', { class: 'step-title' }, r.title));
}

function figures(s) {
  const section = (title, ...content) => h('section', { class: 'report-section' }, h('h2', {}, title), ...content);
  return h('div', { class: 'report-figures' },
    h('p', { class: 'report-total' }, t('Cases in the period'), ': ', h('strong', {}, number(s.cases))),
    section(t('Open cases by current step'), table(t('Open cases by current step'), [t('Step'), t('Number')],
      s.steps.map((r) => [stepName(r), r.count]), { bars: true })),
    section(t('Cases opened and closed per month'), table(t('Cases opened and closed per month'),
      [t('Month'), t('Opened'), t('Closed')], s.months.map((m) => [monthName(m.month), m.opened, m.closed]))),
    section(t('How cases closed'), table(t('How cases closed'), [t('Closed as'), t('Number')],
      s.closures.map((c) => [t(CLOSURES[c.kind]), c.count]), { bars: true })),
    section(t('Returns per country'), s.returns.length
      ? table(t('Returns per country'), [t('Country'), t('Number')],
        s.returns.map((r) => [countryName(r.country), r.count]), { bars: true })
      : h('p', { class: 'hint' }, t('No returns in this period.'))),
    section(t('Median time per step'), table(t('Median time per step'), [t('Step'), t('Stays ended'), t('Median days')],
      s.step_days.map((r) => [stepName(r), r.stays, r.median_days]))),
    section(t('Monitoring reports (6 and 12 months)'), table(t('Monitoring reports (6 and 12 months)'), [t('What is counted'), t('Number')],
      Object.keys(MONITORING).map((k) => [t(MONITORING[k]), s.monitoring[k]]))),
    overzicht1Section(s.overzicht1));
}

function fileName(response, fallback) {
  const match = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
  return match ? match[1] : fallback;
}

// Fetch a file from the server and hand it to the browser as a download; a refusal is shown, not saved.
async function download(path, button, error) {
  showError(error, '');
  busy(button, true, t('Preparing the file…'));
  try {
    const response = await fetch(`/api/v1${path}`, { credentials: 'same-origin', cache: 'no-store',
      headers: requestHeaders() });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      showError(error, body.message || t('The file could not be made.'));
      return;
    }
    const link = h('a', { href: URL.createObjectURL(await response.blob()), download: fileName(response, 'safefuture'),
      hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  } catch {
    showError(error, t('Reports are made by the server: connect to the internet first.'));
  } finally {
    busy(button, false);
  }
}

function field(label, control, hint) {
  return h('div', { class: 'field' }, h('label', { class: 'field-label', for: control.id }, label),
    hint ? h('p', { class: 'hint' }, hint) : null, control);
}

function select(options, value) {
  return h('select', { id: uid('report') }, options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

function languageSelect() {
  return select(LANGUAGES.map((l) => [l.code, l.name]), language());
}

function reportDownloads(period) {
  const lang = languageSelect();
  const error = errorBox();
  const buttons = ['xlsx', 'pdf'].map((format) => {
    const button = h('button', { type: 'button', class: 'secondary' }, format === 'pdf' ? t('Download as PDF') : t('Download as XLSX'));
    button.addEventListener('click', () => download(`/reports/summary?${new URLSearchParams({ ...period(), format,
      lang: lang.value })}`, button, error));
    return button;
  });
  return h('details', { class: 'pdf-panel' }, h('summary', {}, t('Download the report')),
    field(t('Language of the document'), lang), error, h('div', { class: 'actions' }, buttons));
}

async function dataExport(period) {
  const forms = await currentForms();
  const titled = await Promise.all(forms.map(async (f) => [f.id, shortTitle(await currentSchema(f.id))]));
  const form = select(titled, 'overzicht-3');
  const format = select([['xlsx', 'XLSX'], ['csv', t('CSV (a zip when the form has repeating rows)')]], 'xlsx');
  const labels = select([['labels', t('As their labels')], ['codes', t('As their codes')]], 'labels');
  const lang = languageSelect();
  const codes = h('input', { type: 'checkbox', id: uid('codes') });
  const error = errorBox();
  const button = h('button', { type: 'button', class: 'secondary' }, t('Export the records'));
  button.addEventListener('click', () => download(`/exports/${encodeURIComponent(form.value)}?${new URLSearchParams({
    ...period(), format: format.value, labels: labels.value, lang: lang.value, client_codes: codes.checked ? '1' : '0' })}`,
  button, error));
  return h('details', { class: 'pdf-panel' }, h('summary', {}, t('Export records for analysis')),
    h('p', { class: 'hint' }, t('One row per record saved in the period, one column per field; repeating rows in a sheet of their own. The export is recorded in the audit trail.')),
    field(t('Instrument'), form), field(t('Format'), format), field(t('Answers to choices'), labels),
    field(t('Language of the labels'), lang),
    h('div', { class: 'field' }, h('label', { class: 'option', for: codes.id }, codes,
      h('span', { class: 'option-text' }, t('Include the client codes')),
    ), h('p', { class: 'hint' }, t('Client codes let anyone with the file link the rows to the clients. Include them only if the analysis needs them, and keep the file as safe as the case files. The audit trail records that you included them.'))),
    error, button);
}

export async function render(app) {
  const view = h('div', { class: 'panel reports' }, h('h1', {}, t('Reports')));
  if (!mayReport(app.store.account.role)) {
    view.append(h('p', {}, t('Reports are for coordinators.')));
    return view;
  }
  const today = new Date().toISOString().slice(0, 10);
  const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4, 7)}-01`;
  const from = h('input', { type: 'date', id: uid('from'), value: yearAgo, max: today });
  const to = h('input', { type: 'date', id: uid('to'), value: today });
  const period = () => ({ from: from.value, to: to.value });
  const error = errorBox();
  const out = h('div', { 'aria-live': 'polite' });
  const show = h('button', { type: 'submit', class: 'primary' }, t('Show'));
  const load = async () => {
    showError(error, '');
    busy(show, true, t('Counting…'));
    try {
      out.replaceChildren(figures(await api('GET', `/reports/summary?${new URLSearchParams(period())}`)));
    } catch (e) {
      showError(error, e instanceof Unreachable ? t('Reports are made by the server: connect to the internet first.')
        : (e instanceof ApiError && e.message) || t('The report could not be made.'));
    } finally {
      busy(show, false);
    }
  };
  const form = h('form', { class: 'report-period' }, field(t('From'), from), field(t('To'), to), show);
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  view.append(h('p', { class: 'hint' }, t('Counts over the cases of your organisation; a count from 1 to 4 shows as “< 5”, so that no number points at one person.')),
    h('p', { class: 'hint' }, t('“x”: left out as well, so that a count shown as “< 5” cannot be worked out from a total and the other counts.')),
    form, error, out);
  const downloads = h('div', { class: 'report-downloads' }, reportDownloads(period));
  view.append(downloads);
  if (app.store.account.role === 'coordinator') downloads.append(await dataExport(period).catch(() => ''));
  await load();
  return view;
}
