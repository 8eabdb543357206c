// Overzicht 1 over time: per block of factors an SVG, a row per factor and a column per scoring (oldest
// first), each score a coloured dot with its symbol, higher for better, joined by a line. The numbers are also
// in a visually hidden table, the chart's text alternative. A wide chart scrolls sideways by itself, never the
// page.
import { h, svg } from '../dom.js';
import { t, formatDate } from '../i18n.js';
import { SCORE_VALUES } from '../scores.js';

// Factor names take what a phone can spare; from tablet width up they are shown whole (the longest is ~60).
const WIDE = window.matchMedia('(min-width: 600px)').matches;
const LABEL_WIDTH = WIDE ? 420 : 156;
const LABEL_CHARS = WIDE ? 64 : 24;
const COLUMN = 56;
const ROW = 46;
const HEAD = 34;
const STEP = 7; // px per score point above or below the row's middle
const SYMBOLS = { '-2': '−−', '-1': '−', 1: '+', 2: '++' };
const CLASSES = { '-2': 's-m2', '-1': 's-m1', 1: 's-p1', 2: 's-p2' };

function shortDate(iso) {
  const [y, m, d] = (iso || '').split('-').map(Number);
  if (!y || !m || !d) return iso || '';
  return new Intl.DateTimeFormat(document.documentElement.lang || 'en', { day: 'numeric', month: 'numeric',
    year: '2-digit', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

function clip(text) {
  return text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1).trimEnd()}…` : text;
}

function blockChart(block, scorings) {
  const width = LABEL_WIDTH + COLUMN * scorings.length + 8;
  const height = HEAD + ROW * block.factors.length;
  const x = (i) => LABEL_WIDTH + COLUMN * i + COLUMN / 2;
  const chart = svg('svg', { class: 'score-chart', width, height, viewBox: `0 0 ${width} ${height}`,
    'aria-hidden': 'true', focusable: 'false' });
  scorings.forEach((s, i) => chart.append(svg('text', { x: x(i), y: HEAD - 12, class: 'chart-date',
    'text-anchor': 'middle' }, shortDate(s.date))));
  block.factors.forEach((factor, row) => {
    const top = HEAD + ROW * row;
    const middle = top + ROW / 2;
    const title = t(factor.title);
    chart.append(svg('rect', { x: 0, y: top, width, height: ROW, class: row % 2 ? 'chart-row' : 'chart-row odd' }));
    chart.append(svg('text', { x: 4, y: middle + 5, class: 'chart-label' }, svg('title', {}, title), clip(title)));
    chart.append(svg('line', { x1: LABEL_WIDTH, x2: width - 8, y1: middle, y2: middle, class: 'chart-zero' }));
    const points = factor.scores.map((score, i) => (score === null ? null : [x(i), middle - score * STEP]));
    let path = [];
    const flush = () => {
      if (path.length > 1) chart.append(svg('polyline', { points: path.join(' '), class: 'chart-line' }));
      path = [];
    };
    points.forEach((p) => (p ? path.push(p.join(',')) : flush()));
    flush();
    factor.scores.forEach((score, i) => {
      if (score === null) {
        chart.append(svg('circle', { cx: x(i), cy: middle, r: 3, class: 'chart-none' }));
        return;
      }
      const [cx, cy] = points[i];
      chart.append(svg('circle', { cx, cy, r: 10, class: `chart-dot ${CLASSES[score]}` }),
        svg('text', { x: cx, y: cy + 4, 'text-anchor': 'middle', class: `chart-symbol ${CLASSES[score]}` },
          SYMBOLS[score]));
    });
  });
  return chart;
}

// The same numbers as a table, for screen readers (and anyone reading the page as text).
function blockTable(block, scorings, scoreLabels) {
  const cell = (score) => (score === null ? t('No score') : `${SYMBOLS[score]} ${scoreLabels[score] || ''}`.trim());
  // A table keeps its content's width whatever its own says: the hiding box around it holds it to 1 px.
  return h('div', { class: 'sr-only' }, h('table', {},
    h('caption', {}, t(block.title)),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('Factor')),
      scorings.map((s) => h('th', { scope: 'col' }, formatDate(s.date))))),
    h('tbody', {}, block.factors.map((f) => h('tr', {}, h('th', { scope: 'row' }, t(f.title)),
      f.scores.map((score) => h('td', {}, cell(score))))))));
}

// `history` from scores.js overzicht1History; `schema` the current overzicht-1 (for the scale's labels).
export function scoreCharts(history, schema) {
  const scale = Object.values(schema.properties || {}).flatMap((b) => Object.values(b.properties || {}))
    .flatMap((f) => Object.values(f.properties || {})).find((p) => p['x-widget'] === 'score');
  const scoreLabels = {};
  const labels = scale ? scale['x-enumLabels'] || [] : [];
  if (scale) scale.enum.forEach((v, i) => { scoreLabels[SCORE_VALUES[v]] = labels[i] ? t(labels[i]) : v; });
  const { scorings } = history;
  return h('div', { class: 'score-charts' },
    h('p', { class: 'hint' }, t('One column per final scoring, oldest first: higher is better.')),
    h('p', { class: 'chart-key', 'aria-hidden': 'true' }, [-2, -1, 1, 2].map((v) => h('span', {},
      h('b', { class: `key-dot ${CLASSES[v]}` }, SYMBOLS[v]), ` ${scoreLabels[v] || ''}`))),
    history.blocks.map((block) => h('figure', { class: 'chart-block' },
      h('figcaption', {}, t(block.title)),
      h('div', { class: 'chart-scroll', tabindex: '0', role: 'group', 'aria-label': t(block.title) },
        blockChart(block, scorings)),
      blockTable(block, scorings, scoreLabels))),
    h('p', { class: 'card-meta chart-totals' }, scorings.map((s) => h('span', {},
      t('%(date)s: total − %(minus)s, total + %(plus)s', { date: formatDate(s.date), minus: s.minus, plus: s.plus })))));
}
