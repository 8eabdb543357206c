// The genogram and the ecogram in the form: the drawing above the fields (`x-drawing`), redrawn as the counsellor
// types, with pan and zoom for a phone and a tap on someone to open their fields; and the fields that link
// people (`x-widget`: row-id, person, persons, genogram-person; forms/README.md). The form's list of people stays
// the text alternative of the drawing, for keyboard and screen-reader users.
import { h, uid } from '../dom.js';
import { t } from '../i18n.js';
import { child, getAt, parse } from '../pointer.js';
import * as genogram from '../drawings/genogram.js';
import * as ecogram from '../drawings/ecogram.js';
import { schemaOf } from '../forms.js';

const SVG = 'http://www.w3.org/2000/svg';
const DRAWINGS = { genogram, ecogram };
const ROWS = { genogram: '/persons', ecogram: '/contacts' };
const TAP = 8; // px a finger may move and still tap
const NAMES = /^\/persons(\/\d+\/(name|id))?$/; // changes that change the list of people to pick from

function svgItem(item) {
  const node = document.createElementNS(SVG, item.tag);
  // Presentation attributes only: the CSP allows no style attributes.
  for (const [key, value] of Object.entries(item.attrs)) node.setAttribute(key, value);
  if (item.text !== undefined) node.textContent = item.text;
  for (const c of item.children || []) node.append(svgItem(c));
  return node;
}

// Draws a scene into an <svg> (replacing what it held), for the form and for the benchmark.
export function drawScene(svg, scene) {
  svg.replaceChildren(...scene.items.map(svgItem));
}

// Drawing units per CSS pixel below which the drawing's labels (11 units) are too small to read.
const READABLE = 0.8;

export function drawingPanel(r, kind) {
  const module = DRAWINGS[kind];
  const svg = document.createElementNS(SVG, 'svg');
  const hintId = uid('drawing-hint');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t(r.schema.title));
  svg.setAttribute('aria-describedby', hintId);
  svg.setAttribute('font-family', 'Noto Sans, sans-serif');
  const viewport = h('div', { class: 'drawing-viewport' }, svg);
  let view = null; // the part of the drawing shown, as a viewBox; null: all of it
  let chosen = false; // the user moved, zoomed or asked for all of it: the view is theirs from then on
  let size = { width: 1, height: 1 };
  const apply = () => {
    const v = view || { x: 0, y: 0, w: size.width, h: size.height };
    svg.setAttribute('viewBox', `${v.x} ${v.y} ${v.w} ${v.h}`);
  };
  // The first view: all of the drawing where its labels stay readable; on a phone, where all of it would make
  // them too small, a readable part: the drawing without its legend if that fits, else around the client (a
  // tap on "Show all" shows the rest).
  const fitted = () => {
    const box = viewport.getBoundingClientRect();
    if (!box.width || !box.height || Math.min(box.width / size.width, box.height / size.height) >= READABLE) return null;
    const w = Math.min(box.width / READABLE, size.width);
    const hgt = Math.min(box.height / READABLE, size.height);
    const boxes = [...svg.children].filter((g) => !g.classList.contains('legend')).map((g) => g.getBBox());
    const left = Math.min(...boxes.map((b) => b.x));
    const right = Math.max(...boxes.map((b) => b.x + b.width));
    const top = Math.min(...boxes.map((b) => b.y));
    const bottom = Math.max(...boxes.map((b) => b.y + b.height));
    const client = svg.querySelector('.client');
    const c = client ? client.getBBox() : { x: size.width / 2, y: size.height / 2, width: 0, height: 0 };
    // From the drawing's edge where that shows all but the legend (the legend starts at the edge), else centred.
    const centre = (lo, hi, span, own) => (hi <= span ? span / 2 : hi - lo <= span ? (lo + hi) / 2 : own);
    const within = (middle, span, whole) => Math.min(Math.max(middle - span / 2, 0), whole - span);
    return { x: within(centre(left, right, w, c.x + c.width / 2), w, size.width),
      y: within(centre(top, bottom, hgt, c.y + c.height / 2), hgt, size.height), w, h: hgt };
  };
  const draw = () => {
    const scene = module.scene(r.data, t, r.schema);
    size = { width: scene.width, height: scene.height };
    drawScene(svg, scene);
    if (!chosen) view = fitted();
    apply();
  };
  let pending = false;
  r.listeners.push(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  });
  draw();

  new ResizeObserver(() => {
    if (chosen) return;
    view = fitted();
    apply();
  }).observe(viewport);

  // Zoom by `factor` around a point of the drawing (its centre by default).
  const zoom = (factor, at) => {
    chosen = true;
    const v = view || { x: 0, y: 0, w: size.width, h: size.height };
    const cx = at ? at.x : v.x + v.w / 2;
    const cy = at ? at.y : v.y + v.h / 2;
    const w = Math.min(Math.max(v.w / factor, 60), size.width * 2);
    const hgt = (v.h * w) / v.w;
    view = { x: cx - ((cx - v.x) * w) / v.w, y: cy - ((cy - v.y) * hgt) / v.h, w, h: hgt };
    apply();
  };
  const unitsPerPixel = () => {
    const v = view || { x: 0, y: 0, w: size.width, h: size.height };
    const box = svg.getBoundingClientRect();
    return Math.max(v.w / (box.width || 1), v.h / (box.height || 1));
  };
  const toDrawing = (clientX, clientY) => {
    const point = svg.createSVGPoint();
    point.x = clientX;
    point.y = clientY;
    const matrix = svg.getScreenCTM();
    return matrix ? point.matrixTransform(matrix.inverse()) : { x: 0, y: 0 };
  };

  // One finger (or the mouse) pans, two pinch; a touch that hardly moves is a tap on whoever is under it.
  const pointers = new Map();
  let gesture = null;
  svg.addEventListener('pointerdown', (event) => {
    svg.setPointerCapture(event.pointerId);
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    const v = view || { x: 0, y: 0, w: size.width, h: size.height };
    gesture = { start: { x: event.clientX, y: event.clientY }, view: { ...v }, moved: pointers.size > 1,
      target: event.target.closest ? event.target.closest('[data-index]') : null, distance: null };
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      gesture.distance = Math.hypot(a.x - b.x, a.y - b.y);
      gesture.middle = toDrawing((a.x + b.x) / 2, (a.y + b.y) / 2);
    }
  });
  svg.addEventListener('pointermove', (event) => {
    if (!gesture || !pointers.has(event.pointerId)) return;
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pointers.size === 2 && gesture.distance) {
      const [a, b] = [...pointers.values()];
      const distance = Math.hypot(a.x - b.x, a.y - b.y);
      view = { ...gesture.view };
      zoom(distance / gesture.distance, gesture.middle);
      return;
    }
    const dx = event.clientX - gesture.start.x;
    const dy = event.clientY - gesture.start.y;
    if (Math.hypot(dx, dy) > TAP) gesture.moved = true;
    if (!gesture.moved) return;
    chosen = true;
    const scale = unitsPerPixel();
    view = { ...gesture.view, x: gesture.view.x - dx * scale, y: gesture.view.y - dy * scale };
    apply();
  });
  const end = (event) => {
    if (!pointers.has(event.pointerId)) return;
    pointers.delete(event.pointerId);
    if (gesture && !gesture.moved && event.type === 'pointerup' && gesture.target) openRow(svg, kind, gesture.target.dataset.index);
    if (!pointers.size) gesture = null;
  };
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointercancel', end);
  svg.addEventListener('wheel', (event) => {
    if (!event.ctrlKey && !event.metaKey) return; // plain wheel scrolls the page
    event.preventDefault();
    zoom(event.deltaY < 0 ? 1.2 : 1 / 1.2, toDrawing(event.clientX, event.clientY));
  }, { passive: false });

  const tools = h('div', { class: 'drawing-tools' },
    h('button', { type: 'button', class: 'secondary zoom-in', onclick: () => zoom(1.4) }, h('span', { 'aria-hidden': 'true' }, '+'),
      h('span', { class: 'sr-only' }, t('Zoom in'))),
    h('button', { type: 'button', class: 'secondary zoom-out', onclick: () => zoom(1 / 1.4) }, h('span', { 'aria-hidden': 'true' }, '−'),
      h('span', { class: 'sr-only' }, t('Zoom out'))),
    h('button', { type: 'button', class: 'secondary zoom-all', onclick: () => { chosen = true; view = null; apply(); } }, t('Show all')));
  return h('section', { class: `drawing ${kind}`, 'data-drawing': kind },
    viewport, tools,
    h('p', { class: 'hint', id: hintId }, t('Tap someone in the drawing to open their details below, where the same information is listed. Drag to move the drawing; zoom with the buttons or two fingers.')));
}

// Opens the fields of the row someone stands for: the row is shown, scrolled to and its first field focused.
function openRow(svg, kind, index) {
  const form = svg.closest('.form');
  const row = form && form.querySelector(`[data-pointer="${ROWS[kind]}/${index}"]`);
  if (!row) return;
  form.querySelectorAll('.row.highlight').forEach((other) => other.classList.remove('highlight'));
  row.classList.add('highlight');
  row.scrollIntoView({ block: 'start' });
  const field = [...row.querySelectorAll('input, select, textarea')].find((el) => el.type !== 'hidden' && !el.closest('[hidden]'));
  if (field) field.focus({ preventScroll: true });
  else {
    row.setAttribute('tabindex', '-1');
    row.focus({ preventScroll: true });
  }
}

// --- fields that link people -----------------------------------------------------------------------------------

function people(data) {
  const rows = Array.isArray(data && data.persons) ? data.persons : [];
  return rows.map((row, i) => ({ row: row || {}, i })).filter(({ row }) => typeof row.id === 'string' && row.id);
}

function personName(r, person) {
  const rowLabel = r.schema.properties.persons['x-rowLabel'];
  return (person.row.name && String(person.row.name).trim()) || `${t(rowLabel)} ${person.i + 1}`;
}

// The person row a pointer lies in (/persons/3/parents → 3), or -1.
function ownRow(pointer) {
  const parts = parse(pointer);
  return parts[0] === 'persons' && /^\d+$/.test(parts[1] || '') ? Number(parts[1]) : -1;
}

function newId(data) {
  const taken = new Set(people(data).map((p) => p.row.id));
  let id;
  do id = crypto.randomUUID().slice(0, 8); while (taken.has(id));
  return id;
}

// A row's id: made when the row is added, never shown.
function rowId(r, node, pointer) {
  if (!r.readOnly && !getAt(r.data, pointer)) r.changed(pointer, newId(r.data));
  return h('span', { hidden: true, 'data-pointer': pointer });
}

// A drop-down of the people of this record (or of the case's genogram); `exclude`: ids not offered.
function personSelect(r, id, value, { source = () => people(r.data), exclude = () => [], name = (p) => personName(r, p) } = {}) {
  const select = h('select', { id });
  const fill = () => {
    const current = select.value || value();
    const options = [h('option', { value: '' }, t('(no answer)'))];
    const shown = source().filter((p) => !exclude().includes(p.row.id));
    for (const p of shown) options.push(h('option', { value: p.row.id }, name(p)));
    if (current && !shown.some((p) => p.row.id === current)) {
      options.push(h('option', { value: current }, t('(a family member who is no longer listed)')));
    }
    select.replaceChildren(...options);
    select.value = current || '';
  };
  fill();
  r.listeners.push((changed) => {
    if (select.isConnected && NAMES.test(changed) && document.activeElement !== select) fill();
  });
  select.addEventListener('focus', fill);
  return select;
}

function readOnlyPeople(r, node, pointer, opts, ids) {
  const { wrapper } = r.frame(node, pointer, opts);
  const known = new Map(people(r.data).map((p) => [p.row.id, personName(r, p)]));
  const text = ids.map((id) => known.get(id) || t('(a family member who is no longer listed)')).join(', ');
  wrapper.append(h('p', { class: text ? 'value' : 'value empty' }, text || t('No answer')));
  return wrapper;
}

// One person of this record (a partner, one end of a relationship line, the client).
function person(r, node, pointer, opts) {
  const value = getAt(r.data, pointer);
  if (r.readOnly) return readOnlyPeople(r, node, pointer, opts, value ? [value] : []);
  const { wrapper, id, described } = r.frame(node, pointer, opts);
  const select = personSelect(r, id, () => getAt(r.data, pointer));
  r.describe(select, described);
  select.addEventListener('change', () => r.changed(pointer, select.value || undefined));
  wrapper.append(select);
  return wrapper;
}

// Several people of this record: a person's parents (as many drop-downs as the list may hold, at most 3), or the
// people of an event (check boxes).
function persons(r, node, pointer, opts) {
  const ids = () => getAt(r.data, pointer) || [];
  if (r.readOnly) return readOnlyPeople(r, node, pointer, opts, ids());
  const own = ownRow(pointer);
  const self = () => (own >= 0 && r.data.persons && r.data.persons[own] ? [r.data.persons[own].id] : []);
  const { wrapper, id, described } = r.frame(node, pointer, { ...opts, group: true });
  r.describe(wrapper, described);
  if (node.maxItems && node.maxItems <= 3) {
    const selects = [];
    const update = () => {
      const chosen = [...new Set(selects.map((s) => s.value).filter(Boolean))];
      r.changed(pointer, chosen.length ? chosen : undefined);
    };
    for (let i = 0; i < node.maxItems; i += 1) {
      const selectId = i === 0 ? id : `${id}-${i}`;
      const select = personSelect(r, selectId, () => ids()[i], { exclude: () => [...self(), ...ids().filter((_, j) => j !== i)] });
      select.addEventListener('change', update);
      selects.push(select);
      wrapper.append(h('label', { class: 'sr-only', for: selectId }, `${t(node.title)} ${i + 1}`), select);
    }
    return wrapper;
  }
  const box = h('div', { class: 'options' });
  const fill = () => {
    const chosen = new Set(ids());
    box.replaceChildren(...people(r.data).filter((p) => !self().includes(p.row.id)).map((p, k) => {
      const input = h('input', { type: 'checkbox', id: k === 0 ? id : `${id}-${k}`, checked: chosen.has(p.row.id) });
      input.addEventListener('change', () => {
        const now = new Set(ids());
        if (input.checked) now.add(p.row.id); else now.delete(p.row.id);
        const ordered = people(r.data).map((q) => q.row.id).filter((q) => now.has(q));
        r.changed(pointer, ordered.length ? ordered : undefined);
      });
      return h('label', { class: 'option' }, input, h('span', { class: 'option-text' }, personName(r, p)));
    }));
    if (!box.children.length) box.append(h('p', { class: 'hint' }, t('Add family members first.')));
  };
  fill();
  r.listeners.push((changed) => {
    if (box.isConnected && NAMES.test(changed) && !box.contains(document.activeElement)) fill();
  });
  wrapper.append(box);
  return wrapper;
}

// An ecogram contact's family member from the case's genogram: picking one fills in the contact's name,
// relation and where they live (the ecogram keeps its own copy, so it can be handed over on its own).
function genogramPerson(r, node, pointer, opts) {
  const source = () => (r.genogram ? people(r.genogram.data) : []);
  const name = (p) => (p.row.name && String(p.row.name).trim()) || `#${p.i + 1}`;
  const value = getAt(r.data, pointer);
  if (r.readOnly) {
    const { wrapper } = r.frame(node, pointer, opts);
    const found = source().find((p) => p.row.id === value);
    const text = value ? (found ? name(found) : t('(a family member who is no longer listed)')) : '';
    wrapper.append(h('p', { class: text ? 'value' : 'value empty' }, text || t('No answer')));
    return wrapper;
  }
  const { wrapper, id, described } = r.frame(node, pointer, opts);
  if (!r.genogram) {
    wrapper.append(h('p', { class: 'hint' }, t('This case has no genogram yet: type the name below.')));
    return wrapper;
  }
  const select = personSelect(r, id, () => getAt(r.data, pointer), { source, name });
  r.describe(select, described);
  select.addEventListener('change', () => {
    r.changed(pointer, select.value || undefined);
    const picked = source().find((p) => p.row.id === select.value);
    if (!picked) return;
    const row = parse(pointer).slice(0, -1);
    const at = (key) => child(`/${row.join('/')}`, key);
    const fill = (key, fieldValue) => {
      if (fieldValue === undefined || fieldValue === '') return;
      r.changed(at(key), fieldValue);
      const field = wrapper.closest('.row')?.querySelector(`[data-pointer="${at(key)}"]`);
      const control = field && field.querySelector(':scope > input, :scope > textarea, :scope > select');
      const propNode = r.schema.properties.contacts.items.properties[key];
      if (control && control.tagName === 'SELECT') control.value = String(propNode.enum.indexOf(fieldValue));
      else if (control) control.value = fieldValue;
      const setter = r.choiceSetters.get(at(key));
      if (setter) setter(fieldValue);
    };
    fill('name', picked.row.name);
    fill('relation', picked.row.relation);
    fill('lives_in', picked.row.lives_in);
    if (!getAt(r.data, at('category'))) fill('category', 'family');
  });
  wrapper.append(select);
  return wrapper;
}

// What the form needs besides the record: for an ecogram, the case's latest genogram (draft or final) of a version
// whose people have ids, to pick family members from.
export async function drawingContext(app, schema, caseId) {
  if (schema['x-drawing'] !== 'ecogram') return {};
  const records = (await app.store.recordsOfCase(caseId)).filter((r) => r.form_id === 'genogram')
    .sort((a, b) => (b.saved_at || '').localeCompare(a.saved_at || ''));
  for (const record of records) {
    const genogramSchema = await schemaOf(record.form_id, record.form_version).catch(() => null);
    if (genogramSchema && genogramSchema['x-drawing'] === 'genogram') return { genogram: { data: record.data, schema: genogramSchema } };
  }
  return {};
}

export const WIDGETS = { 'row-id': rowId, person, persons, 'genogram-person': genogramPerson };
