// The ecogram as a drawing (Hartman's ecomap): the client in the middle, the contacts on a ring around, grouped
// in sectors by their kind in the schema's order, a line to each whose style says the strength, the PAGE letters
// beside the line, risks marked. Pure: no DOM. Ported line by line to app/domain/drawings/ecogram.py.
import { INK, PAPER, MUTED, el, text, short, num, r1, styledLine, legend, optionLabel } from './scene.js';

const CLIENT_R = 32;
const CONTACT_R = 20;
const SLOT = 64; // the arc one contact takes on a ring
const MIN_RING = 120;
const SECOND_RING = 16; // more contacts than this take two rings
const MARGIN = 30;
const NAME_LIMIT = 14;
const STRENGTH = { strong: 'thick', weak: 'dashed', stressful: 'zigzag', strained: 'hatched' };
const PAGE = { practical: 'P', advice: 'A', companionship: 'G', emotional: 'E' };

function rowsOf(data) {
  const rows = data && Array.isArray(data.contacts) ? data.contacts : [];
  return rows.map((r, index) => ({ row: r && typeof r === 'object' && !Array.isArray(r) ? r : {}, index }));
}

export function layout(data, categories) {
  const order = (c) => {
    const i = categories.indexOf(c.row.category);
    return i >= 0 ? i : categories.length;
  };
  const contacts = rowsOf(data).sort((a, b) => (order(a) - order(b)) || (a.index - b.index));
  const groups = [];
  for (const c of contacts) {
    const key = categories.includes(c.row.category) ? c.row.category : '';
    if (!groups.length || groups[groups.length - 1].key !== key) groups.push({ key, members: [] });
    groups[groups.length - 1].members.push(c);
  }
  const twoRings = contacts.length > SECOND_RING;
  // A half slot between groups; on two rings, contacts alternate inner and outer and need half the arc.
  const slots = contacts.length + (groups.length > 1 ? groups.length / 2 : 0);
  const arc = twoRings ? SLOT / 2 : SLOT;
  const ring = Math.max(MIN_RING, Math.ceil((slots * arc) / (2 * Math.PI)));
  const outer = twoRings ? ring + 80 : ring;
  const labelRing = outer + CONTACT_R + 30;
  const cx = MARGIN + labelRing + 110; // room for the kinds' names beside the ring
  const cy = MARGIN + labelRing + 20;
  const step = (2 * Math.PI) / Math.max(slots, 1);
  let slot = 0;
  const placed = [];
  const sectors = [];
  let n = 0;
  for (const group of groups) {
    const first = slot;
    for (const c of group.members) {
      const angle = -Math.PI / 2 + (slot + 0.5) * step;
      const radius = twoRings && n % 2 ? outer : ring;
      placed.push({ ...c, angle, x: r1(cx + radius * Math.cos(angle)), y: r1(cy + radius * Math.sin(angle)) });
      slot += 1;
      n += 1;
    }
    const middle = -Math.PI / 2 + ((first + slot) / 2) * step;
    sectors.push({ key: group.key, x: r1(cx + labelRing * Math.cos(middle)), y: r1(cy + labelRing * Math.sin(middle)), angle: middle });
    if (groups.length > 1) slot += 0.5;
  }
  return { cx, cy, contacts: placed, sectors, width: 2 * cx, height: 2 * cy };
}

function riskBadge(x, y) {
  return el('g', { class: 'badge risk' }, [el('path', { d: `M ${num(x)} ${num(y - 8)} L ${num(x + 8)} ${num(y + 6)} L ${num(x - 8)} ${num(y + 6)} Z`, fill: '#b00020', stroke: PAPER, 'stroke-width': '1' }),
    text(x, y + 5, '!', { fill: PAPER, 'font-weight': 'bold', 'font-size': '10' })]);
}

// `t` translates a msgid (the schema's labels, domain `forms`); `schema` is the ecogram's.
export function scene(data, t, schema) {
  const props = schema.properties.contacts.items.properties;
  const plan = layout(data, props.category.enum);
  const { cx, cy } = plan;
  const lines = [];
  const contacts = [];
  const used = new Set();
  let risky = false;
  for (const p of plan.contacts) {
    const dx = p.x - cx;
    const dy = p.y - cy;
    const length = Math.sqrt(dx * dx + dy * dy) || 1;
    const ux = dx / length;
    const uy = dy / length;
    const strength = Object.hasOwn(STRENGTH, p.row.strength) ? p.row.strength : null;
    if (strength) used.add(strength);
    const style = strength ? STRENGTH[strength] : 'solid';
    const line = styledLine(cx + ux * (CLIENT_R + 4), cy + uy * (CLIENT_R + 4), p.x - ux * (CONTACT_R + 4), p.y - uy * (CONTACT_R + 4), style, strength ? INK : MUTED);
    const letters = (Array.isArray(p.row.support) ? p.row.support : []).filter((s) => Object.hasOwn(PAGE, s)).map((s) => PAGE[s]).join(' ');
    const parts = [...line];
    if (letters) {
      // Beside the line, a little past its middle, on the side away from the next line.
      const mx = cx + ux * (length * 0.58) - uy * 9;
      const my = cy + uy * (length * 0.58) + ux * 9;
      parts.push(text(mx, my + 4, letters, { 'font-size': '10', 'font-weight': 'bold', fill: '#1d5c57', class: 'page' }));
    }
    lines.push(el('g', { class: 'contact-line' }, parts));
    const children = [el('circle', { cx: num(p.x), cy: num(p.y), r: String(CONTACT_R), fill: PAPER, stroke: INK, 'stroke-width': '2' })];
    if (p.row.risk === 'ja') {
      risky = true;
      children.push(riskBadge(p.x + CONTACT_R - 2, p.y - CONTACT_R + 2));
    }
    const name = short(p.row.name, NAME_LIMIT);
    const below = p.y >= cy - 1;
    if (name) children.push(text(p.x, below ? p.y + CONTACT_R + 14 : p.y - CONTACT_R - 6, name, { class: 'name' }));
    contacts.push(el('g', { class: 'contact', 'data-contact': String(p.index), 'data-index': String(p.index) }, children));
  }
  const sectors = plan.sectors.filter((s) => s.key).map((s) => text(s.x, s.y + 4, t(optionLabel(props.category, s.key)),
    { 'font-size': '11', fill: MUTED, 'font-style': 'italic', 'text-anchor': Math.abs(s.x - cx) < 20 ? 'middle' : s.x > cx ? 'start' : 'end' }));
  const client = el('g', { class: 'client' }, [
    el('circle', { cx: num(cx), cy: num(cy), r: String(CLIENT_R + 4), fill: PAPER, stroke: INK, 'stroke-width': '2' }),
    el('circle', { cx: num(cx), cy: num(cy), r: String(CLIENT_R), fill: PAPER, stroke: INK, 'stroke-width': '2' }),
    text(cx, cy + 4, short(t('The client'), 12), { 'font-weight': 'bold' })]);
  const entries = [];
  for (const key of Object.keys(STRENGTH)) {
    if (used.has(key)) {
      entries.push({ label: t(optionLabel(props.strength, key)), sample: (x, y) => styledLine(x, y + 10, x + 32, y + 10, STRENGTH[key]) });
    }
  }
  const support = props.support;
  const labels = support['x-enumLabels'] || [];
  support.items.enum.forEach((value, i) => {
    const shown = plan.contacts.some((p) => Array.isArray(p.row.support) && p.row.support.includes(value));
    if (shown) {
      entries.push({ label: t(labels[i] || value),
        sample: (x, y) => [text(x + 16, y + 14, PAGE[value], { 'font-size': '10', 'font-weight': 'bold', fill: '#1d5c57' })] });
    }
  });
  if (risky) entries.push({ label: t(props.risk.title), sample: (x, y) => [riskBadge(x + 16, y + 11)] });
  const key = legend(entries, MARGIN, plan.height, t('Legend'));
  return {
    width: Math.max(plan.width, MARGIN + key.width + MARGIN), height: plan.height + key.height + MARGIN,
    items: [el('g', { class: 'lines' }, lines), el('g', { class: 'sectors' }, sectors), client,
      el('g', { class: 'contacts' }, contacts), el('g', { class: 'legend' }, key.items)],
  };
}
