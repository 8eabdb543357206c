// What both drawings share: the scene they produce and the geometry of their line styles.
//
// A scene is plain data: {width, height, items}, where an item is {tag, attrs, children?, text?}, one SVG
// element. The app turns it into SVG elements (drawings/svg.js), the server into SVG markup for the PDF
// (app/domain/drawings/). The Python port in app/domain/drawings/ must produce the very same scene from the same
// record: tests/browser/test_drawing_parity.py holds the two to each other on the fixtures in tests/drawings/.
//
// Numbers: coordinates are rounded to one decimal by `r1` (floor(v·10 + 0.5) / 10, the same in both
// languages), and written by `num` in the shortest form (12, 12.5), so that both ports write the same text.

export const INK = '#222222';
export const PAPER = '#ffffff';
export const MUTED = '#666666';

export function r1(v) {
  return Math.floor(v * 10 + 0.5) / 10;
}

export function num(v) {
  return String(r1(v));
}

export function el(tag, attrs, children) {
  const item = { tag, attrs };
  if (children !== undefined) item.children = children;
  return item;
}

export function text(x, y, content, attrs = {}) {
  return { tag: 'text', attrs: { x: num(x), y: num(y), 'font-size': '11', 'text-anchor': 'middle', fill: INK, ...attrs }, text: content };
}

// A text cut to `limit` characters (code points, as Python counts them), with an ellipsis.
// The label a schema node gives one of its options (x-enumLabels), or the value itself.
export function optionLabel(node, value) {
  const i = (node.enum || []).indexOf(value);
  return i >= 0 ? (node['x-enumLabels'] || [])[i] || String(value) : String(value);
}

export function short(value, limit) {
  const chars = Array.from(String(value || '').trim());
  return chars.length > limit ? `${chars.slice(0, limit - 1).join('')}…` : chars.join('');
}

function path(d, stroke, width, extra = {}) {
  return el('path', { d, fill: 'none', stroke, 'stroke-width': num(width), ...extra });
}

// The styles of a line from (x1, y1) to (x2, y2), as path items:
// solid, thick, dashed, dotted, double, zigzag, cut (two slashes across the middle), hatched (ticks across),
// slash1 and slash2 (one or two slashes across the middle: a separated or divorced couple), arrow (a zigzag with
// an arrowhead at the end: violence).
export function styledLine(x1, y1, x2, y2, style, stroke = INK) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const length = Math.sqrt(dx * dx + dy * dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  const nx = -uy;
  const ny = ux;
  const at = (along, across) => `${num(x1 + ux * along + nx * across)} ${num(y1 + uy * along + ny * across)}`;
  const straight = `M ${at(0, 0)} L ${at(length, 0)}`;
  const slashes = (count) => {
    const parts = [];
    for (let i = 0; i < count; i += 1) {
      const c = length / 2 + (i - (count - 1) / 2) * 6;
      parts.push(`M ${at(c - 4, 7)} L ${at(c + 4, -7)}`);
    }
    return parts.join(' ');
  };
  const zigzag = (end) => {
    const points = [`M ${at(0, 0)}`];
    const steps = Math.max(2, Math.floor(end / 8));
    for (let i = 1; i < steps; i += 1) points.push(`L ${at((end * i) / steps, i % 2 ? 4 : -4)}`);
    points.push(`L ${at(end, 0)}`);
    return points.join(' ');
  };
  switch (style) {
    case 'thick': return [path(straight, stroke, 3.5)];
    case 'dashed': return [path(straight, stroke, 1.5, { 'stroke-dasharray': '7 5' })];
    case 'dotted': return [path(straight, stroke, 1.5, { 'stroke-dasharray': '2 4' })];
    case 'double': return [path(`M ${at(0, 2.5)} L ${at(length, 2.5)} M ${at(0, -2.5)} L ${at(length, -2.5)}`, stroke, 1.5)];
    case 'zigzag': return [path(zigzag(length), stroke, 1.5)];
    case 'cut': return [path(straight, stroke, 1.5), path(slashes(2), stroke, 1.5)];
    case 'slash1': return [path(straight, stroke, 1.5), path(slashes(1), stroke, 1.5)];
    case 'slash2': return [path(straight, stroke, 1.5), path(slashes(2), stroke, 1.5)];
    case 'hatched': {
      const ticks = [];
      for (let along = 6; along < length - 3; along += 8) ticks.push(`M ${at(along, -4)} L ${at(along, 4)}`);
      return [path(straight, stroke, 1.5), path(ticks.join(' ') || straight, stroke, 1)];
    }
    case 'arrow': {
      const end = Math.max(length - 10, 1);
      return [path(zigzag(end), stroke, 1.5),
        el('path', { d: `M ${at(length, 0)} L ${at(end, 5)} L ${at(end, -5)} Z`, fill: stroke, stroke, 'stroke-width': '1' })];
    }
    default: return [path(straight, stroke, 1.5)];
  }
}

// The legend: one line per entry, a sample and its label, from (x, y) down. Returns {items, height, width}.
// `width` is a guess (the engines measure text themselves): 6.2 units per character at font size 11.
export function legend(entries, x, y, title) {
  if (!entries.length) return { items: [], height: 0, width: 0 }; // nothing to explain: no title alone
  const items = [text(x, y + 12, title, { 'text-anchor': 'start', 'font-weight': 'bold' })];
  let width = 6.2 * Array.from(title).length;
  entries.forEach((entry, i) => {
    const top = y + 22 + i * 22;
    items.push(el('g', { class: 'legend-entry' }, [...entry.sample(x, top), text(x + 44, top + 14, entry.label, { 'text-anchor': 'start' })]));
    width = Math.max(width, 44 + 6.2 * Array.from(entry.label).length);
  });
  return { items, height: 22 + entries.length * 22, width: Math.ceil(width) };
}
