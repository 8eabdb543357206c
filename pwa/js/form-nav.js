// Moving through a long form on a phone (the return action plan has ~180 answers, ~25 screens): a sticky bar
// with the whole form's progress that opens a contents list of its sections, each with "x of y answered", and a
// "Next section" button at the end of every section. Like Enketo's and ODK Collect's "jump to question" over
// groups, but on one page, so nothing typed is ever behind a page change.
import { h } from './dom.js';
import { t } from './i18n.js';
import { child, getAt } from './pointer.js';

const MIN_SECTIONS = 3; // shorter forms need no contents list …
const MIN_QUESTIONS = 20; // … unless they ask many questions in two parts (Overzicht 1)

function mainType(node) {
  const type = Array.isArray(node.type) ? node.type.find((x) => x !== 'null') : node.type;
  return type || (node.properties ? 'object' : node.items ? 'array' : 'string');
}

// The questions under a node: every answer a user gives (a list of rows counts as one), computed ones not.
function questions(node, pointer) {
  if (node['x-computed']) return [];
  if (mainType(node) === 'object') {
    return Object.entries(node.properties || {}).flatMap(([key, prop]) => questions(prop, child(pointer, key)));
  }
  return [pointer];
}

function answered(value) {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== '';
}

// The parts of the form a user works through: its groups, score matrices and lists of rows; a form that is
// mostly one big group (the strengths inventory) is divided by that group's own groups.
function partsOf(node, pointer) {
  return Object.entries(node.properties || {})
    .filter(([, prop]) => ['object', 'array'].includes(mainType(prop)) && !(prop.items && prop.items.enum))
    .map(([key, prop]) => ({ key, pointer: child(pointer, key), node: prop, questions: questions(prop, child(pointer, key)) }))
    .filter((s) => s.questions.length);
}

function sectionsOf(schema) {
  const top = partsOf(schema, '');
  if (top.length >= MIN_SECTIONS) return top;
  return top.flatMap((s) => {
    const inner = s.node['x-layout'] === 'score-matrix' || mainType(s.node) !== 'object' ? [] : partsOf(s.node, s.pointer);
    return inner.length >= 2 ? inner : [s];
  });
}

// `form`: what renderForm returned. Returns null for a short form; otherwise {element, place(), show(pointer)}.
export function formNav(schema, form) {
  const sections = sectionsOf(schema);
  const all = questions(schema, '');
  if (sections.length < MIN_SECTIONS && !(sections.length >= 2 && all.length >= MIN_QUESTIONS)) return null;
  const root = form.element;
  const fieldOf = (pointer) => root.querySelector(`[data-pointer="${CSS.escape(pointer)}"]`);
  // A question counts while it is shown: a part that a condition hides is not asked (a closed note is).
  const asked = (pointer) => {
    const el = fieldOf(pointer);
    return !el || !el.closest('[hidden]:not(.note)');
  };
  const count = (pointers) => {
    const data = form.data();
    const shown = pointers.filter(asked);
    return { done: shown.filter((p) => answered(getAt(data, p))).length, total: shown.length };
  };

  const summaryText = h('span', { class: 'form-nav-progress' });
  const list = h('ol', { class: 'form-nav-list' });
  const details = h('details', { class: 'form-nav' },
    h('summary', {}, h('span', { class: 'form-nav-title' }, t('Sections')), ' ', summaryText), list);
  const items = sections.map((section, i) => {
    const el = fieldOf(section.pointer);
    const heading = el && el.querySelector(':scope > .field-label');
    section.el = el;
    section.heading = heading;
    const counter = h('span', { class: 'form-nav-count' });
    const button = h('button', { type: 'button', class: 'form-nav-link', 'data-section': section.pointer },
      h('span', { class: 'form-nav-name' }, heading ? heading.firstChild.textContent : section.key), counter);
    button.addEventListener('click', () => {
      details.open = false;
      show(section.pointer);
    });
    list.append(h('li', {}, button));
    const next = sections[i + 1];
    if (el && next) {
      const nextButton = h('button', { type: 'button', class: 'secondary next-section' }, t('Next section'),
        h('span', { class: 'sr-only' }, `: ${fieldOf(next.pointer)?.querySelector(':scope > .field-label')?.firstChild.textContent || ''}`));
      nextButton.addEventListener('click', () => show(next.pointer));
      el.append(h('p', { class: 'next-section-row' }, nextButton));
    }
    return { section, counter, button };
  });

  function show(pointer) {
    const section = sections.find((s) => s.pointer === pointer);
    if (!section || !section.el) return;
    section.el.scrollIntoView({ block: 'start' });
    if (section.heading) {
      section.heading.setAttribute('tabindex', '-1');
      section.heading.focus({ preventScroll: true });
    }
  }

  // The section in view: the last one whose top passed below the sticky bar (null above the first one).
  function current() {
    const limit = details.getBoundingClientRect().bottom + window.innerHeight / 4;
    let found = null;
    for (const s of sections) if (s.el && s.el.getBoundingClientRect().top <= limit) found = s;
    return found && found.pointer;
  }

  // Where the user works: the section of the field last in focus (a user scrolls up to leave by a link at the
  // top), else the section in view.
  let worked = null;
  root.addEventListener('focusin', (event) => {
    const found = sections.find((s) => s.el && s.el.contains(event.target));
    if (found) worked = found.pointer;
  });
  const place = () => worked || current();

  let scheduled = false;
  function update() {
    scheduled = false;
    const whole = count(all);
    summaryText.textContent = t('%(done)s of %(total)s answered', whole);
    const now = current();
    for (const { section, counter, button } of items) {
      const c = count(section.questions);
      counter.textContent = t('%(done)s of %(total)s answered', c);
      button.classList.toggle('complete', c.total > 0 && c.done === c.total);
      if (section.pointer === now) button.setAttribute('aria-current', 'location');
      else button.removeAttribute('aria-current');
    }
  }
  const later = () => {
    if (!scheduled) { scheduled = true; requestAnimationFrame(update); }
  };
  for (const type of ['input', 'change', 'click']) root.addEventListener(type, later);
  details.addEventListener('toggle', later);
  window.addEventListener('scroll', () => { if (details.isConnected) later(); }, { passive: true });
  update();

  return { element: details, place, show };
}
