// The genogram as a drawing: the layout of a family tree and its scene (drawings/scene.js), after McGoldrick's
// conventions (forms/README.md, "The drawings"). Pure: no DOM. Ported line by line to
// app/domain/drawings/genogram.py; keep the two in step (tests/browser/test_drawing_parity.py).
//
// Layout: generations −2…+2 are rows, older above. In each row people stand in units (partners side by side,
// the classic man left and woman right), units in the order of their parents' places above (barycentre
// ordering, one pass top-down), an in-law on the outer side of the brothers and sisters. Children hang from
// their parents' partner line on one line per family. A second pass, bottom-up, centres parents over their
// children where there is room. Coordinates are integers until the line styles.
import { INK, PAPER, MUTED, el, text, short, num, styledLine, legend, optionLabel } from './scene.js';

const W = 110; // one person's slot
const GAP = 20; // between units
const HALF = 18; // half a shape
const ROW = 150;
const MARGIN = 30;
const NAME_LIMIT = 14;
const RELATION = {
  close: { style: 'double', stroke: '#1b6e3a' },
  distant: { style: 'dashed', stroke: MUTED },
  conflict: { style: 'zigzag', stroke: '#a34a00' },
  broken_contact: { style: 'cut', stroke: INK },
  violence: { style: 'arrow', stroke: '#b00020' },
};
const PARTNER = { married: 'solid', living_together: 'dashed', separated: 'slash1', divorced: 'slash2' };

function isId(value) {
  return typeof value === 'string' && value !== '';
}

function rowsOf(data, key) {
  const rows = data && Array.isArray(data[key]) ? data[key] : [];
  return rows.map((r) => (r && typeof r === 'object' && !Array.isArray(r) ? r : {}));
}

// The people of the record, each once (the first row of an id), with generation and parents made consistent.
function people(data) {
  const byId = new Map();
  rowsOf(data, 'persons').forEach((row, index) => {
    if (isId(row.id) && !byId.has(row.id)) {
      const g = row.generation;
      byId.set(row.id, { id: row.id, index, row, gen: Number.isInteger(g) && g >= -2 && g <= 2 ? g : null, parents: [] });
    }
  });
  for (const p of byId.values()) {
    const seen = [];
    for (const id of Array.isArray(p.row.parents) ? p.row.parents : []) {
      if (byId.has(id) && id !== p.id && !seen.includes(id) && seen.length < 2) seen.push(id);
    }
    p.parents = seen;
  }
  return byId;
}

function couplesOf(data, byId) {
  const couples = [];
  const seen = new Set();
  const add = (a, b, status, implicit) => {
    if (!byId.has(a) || !byId.has(b) || a === b) return;
    const key = [a, b].sort().join(' ');
    if (seen.has(key)) return;
    seen.add(key);
    couples.push({ a, b, status: Object.hasOwn(PARTNER, status) ? status : null, implicit });
  };
  rowsOf(data, 'partners').forEach((row) => add(row.first, row.second, row.status, false));
  for (const p of byId.values()) if (p.parents.length === 2) add(p.parents[0], p.parents[1], null, true);
  return couples;
}

// A generation for everyone: their own answer, else one below a parent's, one above a child's, a partner's, or 0.
function settleGenerations(byId, couples) {
  const all = [...byId.values()];
  for (let round = 0; round < 4; round += 1) {
    for (const p of all) {
      if (p.gen !== null) continue;
      const parent = p.parents.map((id) => byId.get(id)).find((q) => q.gen !== null);
      const child = all.find((q) => q.gen !== null && q.parents.includes(p.id));
      const partner = couples.map((c) => (c.a === p.id ? c.b : c.b === p.id ? c.a : null))
        .map((id) => id && byId.get(id)).find((q) => q && q.gen !== null);
      if (parent) p.gen = Math.min(parent.gen + 1, 2);
      else if (child) p.gen = Math.max(child.gen - 1, -2);
      else if (partner) p.gen = partner.gen;
    }
  }
  for (const p of all) if (p.gen === null) p.gen = 0;
}

function familyKey(p) {
  return p.parents.length ? [...p.parents].sort().join('+') : null;
}

// The units of one row: people joined by partner lines within the row, each unit in drawing order.
function unitsOf(row, couples, byId) {
  const inRow = new Set(row.map((p) => p.id));
  const joined = couples.filter((c) => inRow.has(c.a) && inRow.has(c.b));
  const group = new Map(row.map((p) => [p.id, p.id]));
  const find = (id) => (group.get(id) === id ? id : find(group.get(id)));
  for (const c of joined) group.set(find(c.a), find(c.b));
  const units = new Map();
  for (const p of row) {
    const root = find(p.id);
    if (!units.has(root)) units.set(root, []);
    units.get(root).push(p);
  }
  return [...units.values()].map((members) => {
    if (members.length === 2) {
      const [a, b] = members;
      const sexA = a.row.sex;
      const sexB = b.row.sex;
      return sexA === 'female' && sexB === 'male' ? [b, a] : [a, b];
    }
    if (members.length < 2) return members;
    // Someone with several partners stands in the middle; the partners alternate left and right.
    const degree = (p) => joined.filter((c) => c.a === p.id || c.b === p.id).length;
    const hub = members.reduce((best, p) => (degree(p) > degree(best) ? p : best), members[0]);
    const partners = joined.filter((c) => c.a === hub.id || c.b === hub.id).map((c) => byId.get(c.a === hub.id ? c.b : c.a));
    const left = [];
    const right = [];
    partners.forEach((p, i) => (i % 2 ? right : left).push(p));
    const rest = members.filter((p) => p !== hub && !partners.includes(p));
    return [...left.reverse(), hub, ...right, ...rest];
  });
}

function familyCentre(key, x) {
  const ids = key.split('+');
  if (ids.length === 1) return x.get(ids[0]);
  return Math.floor((x.get(ids[0]) + x.get(ids[1])) / 2);
}

// Places the units of a row from left to right: each at its wish (a left edge) if there is room, else next to
// the one before. Sets x (a slot's centre) of every person.
function pack(units, wishes, x) {
  let cursor = -Infinity;
  units.forEach((unit, i) => {
    const width = unit.length * W;
    let left = Math.max(wishes[i], cursor);
    if (left === -Infinity) left = 0;
    unit.forEach((p, k) => x.set(p.id, left + k * W + W / 2));
    cursor = left + width + GAP;
  });
}

export function layout(data) {
  const byId = people(data);
  const couples = couplesOf(data, byId);
  settleGenerations(byId, couples);
  const gens = [...new Set([...byId.values()].map((p) => p.gen))].sort((a, b) => a - b);
  const x = new Map();
  const rows = [];
  // Top-down: order each row by the places of the parents, and place it under them.
  for (const g of gens) {
    const row = [...byId.values()].filter((p) => p.gen === g);
    const units = unitsOf(row, couples, byId).map((members) => {
      const placed = members.filter((p) => familyKey(p) && p.parents.every((id) => x.has(id)));
      const centres = placed.map((p) => familyCentre(familyKey(p), x));
      const bc = centres.length ? centres.reduce((s, c) => s + c, 0) / centres.length : Infinity;
      return { members, bc, first: Math.min(...members.map((p) => p.index)), key: placed.length ? familyKey(placed[0]) : null };
    });
    units.sort((a, b) => (a.bc - b.bc) || (a.first - b.first));
    // An in-law stands on the outer side of the brothers and sisters of their partner.
    units.forEach((unit, i) => {
      if (unit.members.length !== 2 || !unit.key) return;
      const blood = unit.members.filter((p) => familyKey(p) === unit.key);
      if (blood.length !== 1) return;
      const others = units.map((u, j) => (j !== i && u.key === unit.key ? j : null)).filter((j) => j !== null);
      if (!others.length) return;
      const leftOfSiblings = i < others.reduce((s, j) => s + j, 0) / others.length;
      unit.members = leftOfSiblings ? [unit.members.find((p) => p !== blood[0]), blood[0]]
        : [blood[0], unit.members.find((p) => p !== blood[0])];
    });
    // Consecutive units of one family form a block, centred under the parents.
    const wishes = units.map(() => -Infinity);
    let start = 0;
    while (start < units.length) {
      let end = start + 1;
      while (end < units.length && units[start].key && units[end].key === units[start].key) end += 1;
      if (units[start].key) {
        const width = units.slice(start, end).reduce((s, u) => s + u.members.length * W, 0) + GAP * (end - start - 1);
        let left = familyCentre(units[start].key, x) - Math.floor(width / 2);
        for (let i = start; i < end; i += 1) {
          wishes[i] = left;
          left += units[i].members.length * W + GAP;
        }
      }
      start = end;
    }
    const ordered = units.map((u) => u.members);
    pack(ordered, wishes, x);
    rows.push({ g, units: ordered });
  }
  // Bottom-up: parents over the middle of their children, where the row leaves room.
  for (let r = rows.length - 2; r >= 0; r -= 1) {
    const wishes = rows[r].units.map((unit) => {
      const ids = new Set(unit.map((p) => p.id));
      const children = [...byId.values()].filter((c) => c.parents.some((id) => ids.has(id)) && c.gen > rows[r].g);
      if (!children.length) return x.get(unit[0].id) - W / 2;
      const xs = children.map((c) => x.get(c.id));
      return Math.floor((Math.min(...xs) + Math.max(...xs) - unit.length * W) / 2);
    });
    pack(rows[r].units, wishes, x);
  }
  const xs = [...x.values()];
  const shift = xs.length ? MARGIN + W / 2 - Math.min(...xs) : 0;
  const placed = [];
  rows.forEach((row, r) => row.units.forEach((unit) => unit.forEach((p) => {
    placed.push({ ...p, x: x.get(p.id) + shift, y: MARGIN + 40 + r * ROW, level: r });
  })));
  const width = xs.length ? Math.max(...xs) + shift + W / 2 + MARGIN : 2 * MARGIN;
  return { people: placed, couples, width, height: MARGIN + 40 + Math.max(rows.length, 1) * ROW - 40, rows: rows.length };
}

// --- the scene ---------------------------------------------------------------------------------------------

function shapeOf(sex) {
  return sex === 'male' ? 'square' : sex === 'female' ? 'circle' : 'diamond';
}

function shape(kind, x, y, half, attrs) {
  if (kind === 'square') return el('rect', { x: num(x - half), y: num(y - half), width: num(2 * half), height: num(2 * half), ...attrs });
  if (kind === 'circle') return el('circle', { cx: num(x), cy: num(y), r: num(half), ...attrs });
  return el('path', { d: `M ${num(x)} ${num(y - half - 3)} L ${num(x + half + 3)} ${num(y)} L ${num(x)} ${num(y + half + 3)} L ${num(x - half - 3)} ${num(y)} Z`, ...attrs });
}

function years(row) {
  const born = Number.isInteger(row.birth_year) ? String(row.birth_year) : '';
  const died = Number.isInteger(row.death_year) ? String(row.death_year) : '';
  if (born && died) return `${born}–${died}`;
  if (died) return `† ${died}`;
  if (born) return row.deceased === true ? `${born} †` : born;
  return row.deceased === true ? '†' : '';
}

function badge(kind, x, y) {
  if (kind === 'help') {
    return el('g', { class: 'badge help' }, [el('circle', { cx: num(x), cy: num(y), r: '7', fill: '#1b6e3a', stroke: PAPER, 'stroke-width': '1' }),
      text(x, y + 4, '+', { fill: PAPER, 'font-weight': 'bold' })]);
  }
  return el('g', { class: 'badge risk' }, [el('path', { d: `M ${num(x)} ${num(y - 8)} L ${num(x + 8)} ${num(y + 6)} L ${num(x - 8)} ${num(y + 6)} Z`, fill: '#b00020', stroke: PAPER, 'stroke-width': '1' }),
    text(x, y + 5, '!', { fill: PAPER, 'font-weight': 'bold', 'font-size': '10' })]);
}

function personItem(p, isClient) {
  const row = p.row;
  const kind = shapeOf(row.sex);
  const children = [];
  if (isClient) children.push(shape(kind, p.x, p.y, HALF + 4, { fill: PAPER, stroke: INK, 'stroke-width': '2' }));
  children.push(shape(kind, p.x, p.y, HALF, { fill: PAPER, stroke: INK, 'stroke-width': '2' }));
  if (row.deceased === true) {
    children.push(el('path', { d: `M ${num(p.x - HALF)} ${num(p.y - HALF)} L ${num(p.x + HALF)} ${num(p.y + HALF)} M ${num(p.x + HALF)} ${num(p.y - HALF)} L ${num(p.x - HALF)} ${num(p.y + HALF)}`,
      stroke: INK, 'stroke-width': '1.5', fill: 'none' }));
  }
  if (row.can_help === 'ja') children.push(badge('help', p.x + HALF + 2, p.y - HALF - 2));
  if (row.risk === 'ja') children.push(badge('risk', p.x - HALF - 2, p.y - HALF - 2));
  const name = short(row.name, NAME_LIMIT);
  if (name) children.push(text(p.x, p.y + HALF + 16, name, { class: 'name' }));
  const when = years(row);
  if (when) children.push(text(p.x, p.y + HALF + 29, when, { fill: MUTED, 'font-size': '10' }));
  return el('g', { class: isClient ? 'person client' : 'person', 'data-person': p.id, 'data-index': String(p.index) }, children);
}

// The partner line: beside each other, a line between the shapes; further apart, a line under them (below the
// names). The status marks sit on it; the children's line drops from its middle.
function partnerLine(a, b, status) {
  const [left, right] = a.x <= b.x ? [a, b] : [b, a];
  const adjacent = left.y === right.y && right.x - left.x <= W;
  const style = status ? PARTNER[status] : 'solid';
  if (adjacent) {
    return { items: styledLine(left.x + HALF, left.y, right.x - HALF, right.y, style), drop: [(left.x + right.x) / 2, left.y] };
  }
  const low = Math.max(left.y, right.y) + HALF + 38;
  const items = [el('path', { d: `M ${num(left.x)} ${num(left.y + HALF)} L ${num(left.x)} ${num(low)} M ${num(right.x)} ${num(right.y + HALF)} L ${num(right.x)} ${num(low)}`,
    fill: 'none', stroke: INK, 'stroke-width': '1.5' }), ...styledLine(left.x, low, right.x, low, style)];
  return { items, drop: [(left.x + right.x) / 2, low] };
}

// Relationship lines: between people in one row over their heads, else straight from shape to shape.
function relationLine(a, b, kind, lift) {
  const { style, stroke } = RELATION[kind];
  if (a.y === b.y) {
    const sign = b.x > a.x ? 1 : -1;
    const top = a.y - HALF - 12 - lift;
    const legs = el('path', { d: `M ${num(a.x)} ${num(a.y - HALF - 2)} L ${num(a.x + sign * 8)} ${num(top)} M ${num(b.x)} ${num(b.y - HALF - 2)} L ${num(b.x - sign * 8)} ${num(top)}`,
      fill: 'none', stroke, 'stroke-width': '1.5' });
    return [legs, ...styledLine(a.x + sign * 8, top, b.x - sign * 8, top, style, stroke)];
  }
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.sqrt(dx * dx + dy * dy) || 1;
  const cut = HALF + 6;
  return styledLine(a.x + (dx / length) * cut, a.y + (dy / length) * cut, b.x - (dx / length) * cut, b.y - (dy / length) * cut, style, stroke);
}

// `t` translates a msgid (the schema's labels, domain `forms`), `schema` is the genogram's, for its labels.
export function scene(data, t, schema) {
  const plan = layout(data);
  const at = new Map(plan.people.map((p) => [p.id, p]));
  const client = data && isId(data.client) && at.has(data.client) ? data.client : null;
  const structure = [];
  const families = new Map(); // family key -> children
  for (const p of plan.people) {
    const key = familyKey(p);
    if (!key) continue;
    if (!families.has(key)) families.set(key, []);
    families.get(key).push(p);
  }
  const drops = new Map();
  const used = { partner: new Set(), relation: new Set() };
  for (const c of plan.couples) {
    const line = partnerLine(at.get(c.a), at.get(c.b), c.status);
    structure.push(el('g', { class: 'couple', 'data-first': c.a, 'data-second': c.b }, line.items));
    if (c.status) used.partner.add(c.status);
    drops.set([c.a, c.b].sort().join('+'), line.drop);
  }
  for (const [key, kids] of families) {
    const parents = key.split('+').map((id) => at.get(id));
    const [dx, dy] = drops.get(key) || [parents[0].x, parents[0].y + HALF];
    const xs = kids.map((k) => k.x);
    const top = Math.min(...kids.map((k) => k.y)) - HALF - 22;
    const d = [`M ${num(dx)} ${num(dy)} L ${num(dx)} ${num(top)}`, `M ${num(Math.min(dx, ...xs))} ${num(top)} L ${num(Math.max(dx, ...xs))} ${num(top)}`,
      ...kids.map((k) => `M ${num(k.x)} ${num(top)} L ${num(k.x)} ${num(k.y - HALF - (k.id === client ? 4 : 0))}`)];
    structure.push(el('path', { d: d.join(' '), fill: 'none', stroke: INK, 'stroke-width': '1.5', class: 'children', 'data-family': key }));
  }
  const relations = [];
  const lifts = new Map();
  rowsOf(data, 'relations').forEach((row) => {
    const a = at.get(row.from);
    const b = at.get(row.to);
    if (!a || !b || a === b || !Object.hasOwn(RELATION, row.kind)) return;
    const rowKey = a.y === b.y ? String(a.y) : null;
    const lift = rowKey ? (lifts.get(rowKey) || 0) : 0;
    if (rowKey) lifts.set(rowKey, lift + 7);
    relations.push(el('g', { class: `relation ${row.kind}`, 'data-from': a.id, 'data-to': b.id }, relationLine(a, b, row.kind, lift)));
    used.relation.add(row.kind);
  });
  const persons = plan.people.map((p) => personItem(p, p.id === client));
  const entries = legendEntries(plan.people, client, used, t, schema);
  const key = legend(entries, MARGIN, plan.height + 10, t('Legend'));
  const width = Math.max(plan.width, MARGIN + key.width + MARGIN);
  return {
    width, height: plan.height + 10 + key.height + MARGIN,
    items: [el('g', { class: 'structure' }, structure), el('g', { class: 'relations' }, relations),
      el('g', { class: 'people' }, persons), el('g', { class: 'legend' }, key.items)],
  };
}

function label(schema, pointer, value) {
  let node = schema;
  for (const part of pointer.split('/').filter(Boolean)) node = node && (node.properties || {})[part];
  if (!node) return '';
  if (value === undefined) return node.title || '';
  return optionLabel(node, value);
}

function legendEntries(placed, client, used, t, schema) {
  const person = (key) => `/persons/${key}`;
  const items = schema.properties.persons.items;
  const sub = { properties: { persons: items, partners: schema.properties.partners.items, relations: schema.properties.relations.items } };
  const entries = [];
  const sexes = new Set(placed.map((p) => shapeOf(p.row.sex)));
  const sample = (kind) => (x, y) => [shape(kind, x + 15, y + 10, 8, { fill: PAPER, stroke: INK, 'stroke-width': '1.5' })];
  if (sexes.has('circle')) entries.push({ label: t(label(sub, person('sex'), 'female')), sample: sample('circle') });
  if (sexes.has('square')) entries.push({ label: t(label(sub, person('sex'), 'male')), sample: sample('square') });
  if (sexes.has('diamond')) {
    entries.push({ label: `${t(label(sub, person('sex'), 'other'))} / ${t(label(sub, person('sex'), 'unknown'))}`, sample: sample('diamond') });
  }
  if (client) {
    entries.push({ label: t(schema.properties.client.title),
      sample: (x, y) => [shape('circle', x + 15, y + 10, 10, { fill: PAPER, stroke: INK, 'stroke-width': '1.5' }),
        shape('circle', x + 15, y + 10, 7, { fill: PAPER, stroke: INK, 'stroke-width': '1.5' })] });
  }
  if (placed.some((p) => p.row.deceased === true)) {
    entries.push({ label: t(label(sub, person('deceased'))),
      sample: (x, y) => [shape('square', x + 15, y + 10, 8, { fill: PAPER, stroke: INK, 'stroke-width': '1.5' }),
        el('path', { d: `M ${num(x + 7)} ${num(y + 2)} L ${num(x + 23)} ${num(y + 18)} M ${num(x + 23)} ${num(y + 2)} L ${num(x + 7)} ${num(y + 18)}`, stroke: INK, 'stroke-width': '1.5', fill: 'none' })] });
  }
  if (placed.some((p) => p.row.can_help === 'ja')) entries.push({ label: t(label(sub, person('can_help'))), sample: (x, y) => [badge('help', x + 15, y + 10)] });
  if (placed.some((p) => p.row.risk === 'ja')) entries.push({ label: t(label(sub, person('risk'))), sample: (x, y) => [badge('risk', x + 15, y + 11)] });
  for (const status of Object.keys(PARTNER)) {
    if (used.partner.has(status)) {
      entries.push({ label: t(label(sub, '/partners/status', status)), sample: (x, y) => styledLine(x, y + 10, x + 32, y + 10, PARTNER[status]) });
    }
  }
  for (const kind of Object.keys(RELATION)) {
    if (used.relation.has(kind)) {
      entries.push({ label: t(label(sub, '/relations/kind', kind)),
        sample: (x, y) => styledLine(x, y + 10, x + 32, y + 10, RELATION[kind].style, RELATION[kind].stroke) });
    }
  }
  return entries;
}
