// Validation on the device with the instrument's own JSON Schema (draft-07), without eval or new Function (the
// CSP forbids both). It covers the keywords forms/README.md allows and reports errors exactly as the server's
// app/domain/forms.py does: the same JSON-pointer paths and the same msgids and params, so one translation
// serves both and a test compares the two validators on the same records.
import { join } from './pointer.js';
import { removeComputed, fillComputed } from './computed.js';
import { linkErrors } from './drawings/kinship.js';

// The server's msgids (app/domain/forms.py), translated from the `messages` catalog, not this app's.
const MSG = {
  type: 'Wrong type: expected %(type)s.',
  option: 'Choose one of the allowed options.',
  required: 'This field is required.',
  unknown: 'Unknown field.',
  fewItems: 'Too few entries: at least %(limit)s.',
  manyItems: 'Too many entries: at most %(limit)s.',
  twice: 'An option is chosen twice.',
  long: 'Too long: at most %(limit)s characters.',
  short: 'Too short: at least %(limit)s characters.',
  pattern: 'Not in the expected form.',
  format: 'Not a valid %(format)s value.',
  max: 'Must be at most %(limit)s.',
  min: 'Must be at least %(limit)s.',
  invalid: 'This answer is not valid.',
  empty: 'An empty record cannot be final.',
  draftOnly: 'With this answer the record can only be kept as a draft.',
};

// Keywords that carry no rule (annotations, UI hints) and those this validator applies.
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'default', 'examples',
  'readOnly', 'writeOnly', 'version', 'definitions']);
const RULES = new Set(['type', 'enum', 'const', 'required', 'properties', 'additionalProperties',
  'patternProperties', 'items', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum',
  'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'format', 'pattern', 'allOf',
  'anyOf', 'oneOf', 'not', 'if', 'then', 'else']);
const FORMATS = new Set(['date', 'email']);
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'definitions'];
const SUBSCHEMAS = ['additionalProperties', 'items', 'not', 'if', 'then', 'else'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];

// Keywords (and formats) in `schema` that this validator does not apply: a schema using them would be
// checked less strictly here than on the server. A test runs this over every instrument.
export function unsupportedKeywords(schema) {
  const found = new Set();
  const walk = (node) => {
    if (typeof node === 'boolean') { found.add('boolean schema'); return; }
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-') || ANNOTATIONS.has(key)) continue;
      if (!RULES.has(key)) found.add(key);
      if (key === 'format' && !FORMATS.has(value)) found.add(`format ${value}`);
    }
    for (const key of SUBSCHEMA_MAPS) Object.values(node[key] || {}).forEach(walk);
    for (const key of SUBSCHEMAS) {
      if (key in node && typeof node[key] === 'object') {
        if (Array.isArray(node[key])) node[key].forEach(walk); else walk(node[key]);
      }
    }
    for (const key of SUBSCHEMA_LISTS) (node[key] || []).forEach(walk);
  };
  walk(schema);
  return [...found].sort();
}

// The draft variant of a schema: the same rules, nothing mandatory, and a rule marked `x-finalOnly` dropped (as
// the server's _strip_required).
export function stripRequired(node) {
  if (Array.isArray(node)) return node.map(stripRequired);
  if (node && typeof node === 'object' && node['x-finalOnly'] === true) return {};
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'required').map(([k, v]) => [k, stripRequired(v)]));
  }
  return node;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function isType(value, type) {
  switch (type) {
    case 'object': return isObject(value);
    case 'array': return Array.isArray(value);
    case 'string': return typeof value === 'string';
    case 'integer': return typeof value === 'number' && Number.isInteger(value);
    case 'number': return typeof value === 'number' && Number.isFinite(value);
    case 'boolean': return typeof value === 'boolean';
    case 'null': return value === null;
    default: return false;
  }
}

// JSON equality as jsonschema has it: true is not 1, key order does not matter.
function equal(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (isObject(a) || isObject(b)) {
    if (!isObject(a) || !isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && equal(a[k], b[k]));
  }
  return a === b;
}

// How Python prints a type list in the server's message ("['string', 'null']").
function typeParam(type) {
  return Array.isArray(type) ? `[${type.map((t) => `'${t}'`).join(', ')}]` : String(type);
}

const codePoints = (s) => [...s].length;

function isDate(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

const FORMAT_CHECKS = { date: isDate, email: (v) => v.includes('@') };

function err(path, message, params = {}) {
  return { path: join(path), message, params };
}

function check(schema, value, path, errors) {
  if (!schema || typeof schema !== 'object') return;
  const s = schema;
  if ('type' in s) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((t) => isType(value, t))) errors.push(err(path, MSG.type, { type: typeParam(s.type) }));
  }
  if ('enum' in s && !s.enum.some((e) => equal(e, value))) errors.push(err(path, MSG.option));
  if ('const' in s && !equal(s.const, value)) errors.push(err(path, s['x-finalOnly'] === true ? MSG.draftOnly : MSG.option));

  if (isObject(value)) {
    for (const name of s.required || []) {
      if (!(name in value)) errors.push(err([...path, name], MSG.required));
    }
    const props = s.properties || {};
    for (const [name, sub] of Object.entries(props)) {
      if (name in value) check(sub, value[name], [...path, name], errors);
    }
    const patterns = Object.entries(s.patternProperties || {}).map(([p, sub]) => [new RegExp(p, 'u'), sub]);
    for (const [name, item] of Object.entries(value)) {
      for (const [re, sub] of patterns) if (re.test(name)) check(sub, item, [...path, name], errors);
    }
    if ('additionalProperties' in s) {
      const extras = Object.keys(value).filter((k) => !(k in props) && !patterns.some(([re]) => re.test(k)));
      if (s.additionalProperties === false) {
        for (const k of extras) errors.push(err([...path, k], MSG.unknown));
      } else if (isObject(s.additionalProperties)) {
        for (const k of extras) check(s.additionalProperties, value[k], [...path, k], errors);
      }
    }
  }

  if (Array.isArray(value)) {
    if (Array.isArray(s.items)) s.items.forEach((sub, i) => { if (i < value.length) check(sub, value[i], [...path, i], errors); });
    else if (isObject(s.items)) value.forEach((item, i) => check(s.items, item, [...path, i], errors));
    if ('minItems' in s && value.length < s.minItems) errors.push(err(path, MSG.fewItems, { limit: s.minItems }));
    if ('maxItems' in s && value.length > s.maxItems) errors.push(err(path, MSG.manyItems, { limit: s.maxItems }));
    if (s.uniqueItems && value.some((x, i) => value.slice(i + 1).some((y) => equal(x, y)))) {
      errors.push(err(path, MSG.twice));
    }
  }

  if (typeof value === 'string') {
    if ('maxLength' in s && codePoints(value) > s.maxLength) errors.push(err(path, MSG.long, { limit: s.maxLength }));
    if ('minLength' in s && codePoints(value) < s.minLength) errors.push(err(path, MSG.short, { limit: s.minLength }));
    if ('pattern' in s && !new RegExp(s.pattern, 'u').test(value)) errors.push(err(path, MSG.pattern));
    if ('format' in s && FORMAT_CHECKS[s.format] && !FORMAT_CHECKS[s.format](value)) {
      errors.push(err(path, MSG.format, { format: s.format }));
    }
  }

  if (typeof value === 'number') {
    if ('maximum' in s && value > s.maximum) errors.push(err(path, MSG.max, { limit: s.maximum }));
    if ('minimum' in s && value < s.minimum) errors.push(err(path, MSG.min, { limit: s.minimum }));
    const other = ('exclusiveMaximum' in s && value >= s.exclusiveMaximum) || ('exclusiveMinimum' in s && value <= s.exclusiveMinimum)
      || ('multipleOf' in s && !Number.isInteger(value / s.multipleOf));
    if (other) errors.push(err(path, MSG.invalid));
  }

  for (const sub of s.allOf || []) check(sub, value, path, errors);
  const valid = (sub) => { const e = []; check(sub, value, path, e); return e.length === 0; };
  if (s.anyOf && !s.anyOf.some(valid)) errors.push(err(path, MSG.invalid));
  if (s.oneOf && s.oneOf.filter(valid).length !== 1) errors.push(err(path, MSG.invalid));
  if (s.not && valid(s.not)) errors.push(err(path, MSG.invalid));
  if ('if' in s) {
    if (valid(s.if)) { if (s.then) check(s.then, value, path, errors); } else if (s.else) check(s.else, value, path, errors);
  }
}

function hasAnswer(value) {
  if (Array.isArray(value)) return value.some(hasAnswer);
  if (isObject(value)) return Object.values(value).some(hasAnswer);
  if (typeof value === 'string') return value.trim() !== '';
  return value !== null && value !== undefined && value !== false;
}

const draftSchemas = new WeakMap();

// Validate `data` for `status` ('draft' or 'final') as the server's FormRegistry.prepare does. Returns
// {errors: [{path, message, params}] sorted by path, data: a copy with computed fields filled in}.
export function prepare(schema, data, status) {
  const copy = structuredClone(data || {});
  removeComputed(schema, copy);
  let rules = schema;
  if (status !== 'final') {
    if (!draftSchemas.has(schema)) draftSchemas.set(schema, stripRequired(schema));
    rules = draftSchemas.get(schema);
  }
  const found = [];
  check(rules, copy, [], found);
  if (schema['x-drawing'] === 'genogram' && !found.length) found.push(...linkErrors(copy)); // as the server
  if (status === 'final' && !hasAnswer(copy)) found.push(err([], MSG.empty));
  // One message per field, the first rule it breaks (as the server reports it).
  const seen = new Set();
  const errors = found.filter((e) => !seen.has(e.path) && seen.add(e.path));
  errors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  fillComputed(schema, copy); // the device shows totals even on a draft that does not validate yet
  return { errors, data: copy };
}
