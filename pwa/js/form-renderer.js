// The form-schema engine's renderer: builds an accessible form from an instrument's JSON Schema and its UI
// hints (forms/README.md) — text, long text, dates, single and multiple choice, the score matrix with live
// totals, repeating rows, conditional parts, help on demand — or, read-only, the filled answers.
import { h, uid } from './dom.js';
import { t, tn, formatDate, countryName } from './i18n.js';
import { child, getAt, setAt, parse, join, schemaAt } from './pointer.js';
import { fillComputed } from './computed.js';
import { searchMap, contactBlock, organisationMeta } from './socialmap.js';
import { WIDGETS, drawingPanel } from './views/drawing.js';

const SCORE_SYMBOLS = { '--': '−−', '-': '−', '+': '+', '++': '++' };
const RADIO_LIMIT = 6; // more options than this become a drop-down list

function mainType(node) {
  const type = Array.isArray(node.type) ? node.type.find((x) => x !== 'null') : node.type;
  if (type) return type;
  if (node.properties) return 'object';
  if (node.items) return 'array';
  return 'string';
}

export function fieldId(pointer) {
  return 'f' + pointer.replace(/[^A-Za-z0-9_-]/g, (c) => '_' + c.charCodeAt(0).toString(16) + '_');
}

function label(node, key) {
  return node.title ? t(node.title) : String(key);
}

// A translated schema string (x-help, x-placeholder, x-rowLabel …), or '' when the schema has none.
function schemaText(node, keyword) {
  const msgid = node && node[keyword];
  return msgid ? t(msgid) : '';
}

function optionLabels(node) {
  const labels = node['x-enumLabels'] || [];
  return (node.enum || []).map((value, i) => ({ value, text: labels[i] ? t(labels[i]) : String(value) }));
}

// The human name of the place an error points at: the titles along the path.
export function placeName(schema, pointer) {
  const parts = parse(pointer);
  const names = [];
  for (let i = 1; i <= parts.length; i += 1) {
    const node = schemaAt(schema, join(parts.slice(0, i)));
    const key = parts[i - 1];
    if (/^\d+$/.test(key)) {
      const rowLabel = schemaText(schemaAt(schema, join(parts.slice(0, i - 1))), 'x-rowLabel');
      names.push(`${rowLabel || '#'} ${Number(key) + 1}`);
    } else if (node && node.title && !(node['x-widget'] === 'score' && names.length)) {
      names.push(t(node.title));
    }
  }
  return names.join(' › ');
}

// A value as text, for the read-only view and the conflict view.
export function displayValue(node, value) {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && !value.length)) return '';
  if (!node) return typeof value === 'object' ? JSON.stringify(value) : String(value);
  const labelOf = (n, v) => {
    const found = optionLabels(n).find((o) => o.value === v);
    return found ? found.text : String(v);
  };
  if (node.enum && node['x-widget'] === 'score') return `${SCORE_SYMBOLS[value] || value} ${labelOf(node, value)}`;
  if (node.enum) return labelOf(node, value);
  if (Array.isArray(value)) {
    if (node.items && node.items.enum) return value.map((v) => labelOf(node.items, v)).join(', ');
    if (node.items && mainType(node.items) !== 'object') return value.join(', ');
  }
  if (typeof value === 'boolean') return value ? t('Yes') : t('No');
  if (node.format === 'date' && typeof value === 'string') return formatDate(value);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const PICKER_RESULTS = 8;

class Renderer {
  // `socialmap`: {organisations, country} for `x-socialmap` pickers: the device's map (or null when it has none
  // yet) and the case's country of origin, which the picker offers first. `references`: answers of other
  // instruments that `x-refersTo` fields show.
  // `genogram`: the latest genogram of the case ({data, schema}) for an ecogram's `genogram-person` fields.
  constructor(schema, data, { readOnly = false, references = {}, onChange = () => {}, socialmap = null, genogram = null }) {
    this.references = references;
    this.genogram = genogram;
    this.listeners = []; // called after every change: drawings and pickers that show other answers
    this.schema = schema;
    this.socialmap = socialmap;
    this.data = structuredClone(data || {});
    this.readOnly = readOnly;
    this.onChange = onChange;
    this.conditions = [];
    this.outputs = [];
    this.choiceSetters = new Map(); // pointer -> sets a drawn choice to a value (for a prefill)
  }

  changed(pointer, value) {
    setAt(this.data, pointer, value);
    this.refresh();
    this.onChange(pointer);
    this.listeners.forEach((listener) => listener(pointer));
  }

  refresh() {
    fillComputed(this.schema, this.data);
    for (const { el, pointer } of this.outputs) el.value = String(getAt(this.data, pointer) ?? 0);
    for (const { el, rule } of this.conditions) el.hidden = !this.holds(rule);
  }

  holds(rule) {
    const value = getAt(this.data, rule.field);
    if ('equals' in rule) return value === rule.equals;
    if ('in' in rule) return rule.in.includes(value);
    return true;
  }

  // The frame every field shares: label (or legend, or heading), required mark, help on demand, hint, and a
  // slot for errors. `group`: a fieldset whose first child is its legend (choices, rows); `section`: a part
  // with a heading (score matrix, totals).
  frame(node, pointer, { key, required, group, section, legend }) {
    const id = fieldId(pointer);
    const wrapper = h(section ? 'section' : group ? 'fieldset' : 'div', { class: 'field', 'data-pointer': pointer });
    const title = [legend || label(node, key)];
    if (required && !this.readOnly) {
      title.push(h('span', { class: 'required', 'aria-hidden': 'true' }, ' *'),
        h('span', { class: 'sr-only' }, ` (${t('needed to finalise')})`));
    }
    let heading;
    if (section) heading = h('h2', { class: 'field-label', id: `${id}-label` }, title); // below the form's h1
    else if (group) heading = h('legend', { class: 'field-label', id: `${id}-label` }, title);
    else heading = h('label', { class: 'field-label', for: id, id: `${id}-label` }, title);
    wrapper.append(heading);
    const described = [];
    if ((node['x-help'] || node['x-examples']) && !this.readOnly) {
      const panel = h('div', { class: 'help', id: `${id}-help`, hidden: true },
        node['x-help'] ? h('p', {}, schemaText(node, 'x-help')) : null,
        node['x-examples'] ? [h('p', { class: 'help-title' }, t('Example questions')),
          h('ul', {}, node['x-examples'].map((q) => h('li', {}, t(q))))] : null);
      const button = h('button', { type: 'button', class: 'help-toggle', 'aria-expanded': 'false',
        'aria-controls': panel.id, 'aria-label': t('Help: %(field)s', { field: label(node, key) }) }, '?');
      button.addEventListener('click', () => {
        panel.hidden = !panel.hidden;
        button.setAttribute('aria-expanded', String(!panel.hidden));
      });
      wrapper.classList.add('has-help');
      wrapper.append(button, panel);
    }
    if (node.description) {
      wrapper.append(h('p', { class: 'hint', id: `${id}-hint` }, t(node.description)));
      described.push(`${id}-hint`);
    }
    wrapper.append(h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
    if (node['x-showIf']) this.conditions.push({ el: wrapper, rule: node['x-showIf'] });
    return { wrapper, id, described };
  }

  describe(control, described) {
    if (described.length) control.setAttribute('aria-describedby', described.join(' '));
  }

  render(node, pointer, opts = {}) {
    if (node['x-computed']) return this.computed(node, pointer, opts);
    if (node['x-socialmap']) return this.organisations(node, pointer, opts);
    if (WIDGETS[node['x-widget']]) return WIDGETS[node['x-widget']](this, node, pointer, opts);
    const type = mainType(node);
    if (type === 'object') return this.object(node, pointer, opts);
    if (this.readOnly || node.readOnly) return this.readValue(node, pointer, opts);
    if (type === 'array') {
      if (node.items && node.items.enum) return this.checkboxes(node, pointer, opts);
      return this.rows(node, pointer, opts);
    }
    if (type === 'boolean') return this.checkbox(node, pointer, opts);
    if (node.enum) {
      const widget = node['x-widget'];
      if (widget === 'score') return this.choice(node, pointer, { ...opts, score: true });
      if (widget === 'select' || (widget !== 'radio' && widget !== 'yesno' && node.enum.length > RADIO_LIMIT)) {
        return this.select(node, pointer, opts);
      }
      return this.choice(node, pointer, opts);
    }
    return this.input(node, pointer, type, opts);
  }

  properties(node, pointer, container) {
    const required = new Set(node.required || []);
    for (const [key, prop] of Object.entries(node.properties || {})) {
      container.append(this.render(prop, child(pointer, key), { key, required: required.has(key) }));
    }
  }

  object(node, pointer, opts) {
    if (pointer === '') {
      const root = h('div', { class: 'form-fields' });
      if (node['x-drawing']) root.append(drawingPanel(this, node['x-drawing']));
      this.properties(node, pointer, root);
      return root;
    }
    if (node['x-layout'] === 'score-matrix') return this.matrix(node, pointer, opts);
    const props = Object.values(node.properties || {});
    if (props.length && props.every((p) => p['x-computed'])) return this.totals(node, pointer, opts);
    const { wrapper } = this.frame(node, pointer, { ...opts, group: true });
    wrapper.classList.add('group');
    this.properties(node, pointer, wrapper);
    return wrapper;
  }

  // Overzicht 1's blocks: one row per factor, the score as a row of large buttons, the other answers of the
  // factor (the note) behind a toggle until they hold text.
  matrix(node, pointer, opts) {
    const { wrapper } = this.frame(node, pointer, { ...opts, section: true });
    wrapper.classList.add('score-matrix');
    const scale = Object.values(node.properties || {}).flatMap((row) => Object.values(row.properties || {}))
      .find((p) => p['x-widget'] === 'score');
    if (scale && !this.readOnly) {
      // The key to the symbols, for sighted users on a phone where the buttons show symbols only.
      wrapper.append(h('p', { class: 'score-key', 'aria-hidden': 'true' },
        optionLabels(scale).map((o) => h('span', {}, h('b', {}, SCORE_SYMBOLS[o.value] || o.value), ` ${o.text}`))));
    }
    for (const [key, row] of Object.entries(node.properties || {})) {
      const rowPointer = child(pointer, key);
      const rowEl = h('div', { class: 'matrix-row', 'data-pointer': rowPointer });
      // One line under the score for its small actions: clear the score, open the note.
      const tools = h('div', { class: 'row-tools' });
      const notes = [];
      for (const [name, prop] of Object.entries(row.properties || {})) {
        const p = child(rowPointer, name);
        if (prop['x-widget'] === 'score') {
          const field = this.render(prop, p, { key: name, legend: label(row, key) });
          const clear = field.querySelector(':scope > .clear');
          if (clear) tools.append(clear);
          rowEl.append(field);
        } else if (prop['x-widget'] === 'textarea') {
          // A factor's note: behind a toggle while filling in; in the read-only view only when written.
          if (!this.readOnly) {
            const { button, field } = this.collapsible(prop, p, name, label(row, key));
            tools.append(button);
            notes.push(field);
          } else if (getAt(this.data, p)) {
            notes.push(this.render(prop, p, { key: name }));
          }
        } else {
          rowEl.append(this.render(prop, p, { key: name }));
        }
      }
      if (tools.children.length) rowEl.append(tools);
      rowEl.append(...notes);
      if (row['x-showIf']) this.conditions.push({ el: rowEl, rule: row['x-showIf'] });
      wrapper.append(rowEl);
    }
    return wrapper;
  }

  collapsible(prop, pointer, key, rowTitle) {
    const field = this.render(prop, pointer, { key });
    field.classList.add('note');
    const open = Boolean(getAt(this.data, pointer));
    field.hidden = !open;
    field.id = `${fieldId(pointer)}-wrap`;
    const button = h('button', { type: 'button', class: 'note-toggle', 'aria-expanded': String(open),
      'aria-controls': field.id, 'aria-label': `${label(prop, key)}: ${rowTitle}` }, label(prop, key));
    button.addEventListener('click', () => {
      field.hidden = !field.hidden;
      button.setAttribute('aria-expanded', String(!field.hidden));
      if (!field.hidden) field.querySelector('textarea, input')?.focus();
    });
    button.hidden = open;
    field.noteToggle = button;
    return { button, field };
  }

  totals(node, pointer, opts) {
    const { wrapper } = this.frame(node, pointer, { ...opts, section: true });
    wrapper.classList.add('totals');
    const list = h('dl', { 'aria-live': 'polite' });
    for (const [key, prop] of Object.entries(node.properties)) {
      const p = child(pointer, key);
      const out = h('output', { id: fieldId(p) }, String(getAt(this.data, p) ?? 0));
      this.outputs.push({ el: out, pointer: p });
      list.append(h('div', { class: 'total' }, h('dt', {}, label(prop, key)), h('dd', {}, out)));
    }
    wrapper.append(list);
    return wrapper;
  }

  computed(node, pointer, opts) {
    const { wrapper, id } = this.frame(node, pointer, opts);
    const out = h('output', { id, class: 'computed' }, String(getAt(this.data, pointer) ?? 0));
    this.outputs.push({ el: out, pointer });
    wrapper.append(out);
    return wrapper;
  }

  readValue(node, pointer, opts) {
    const { wrapper } = this.frame(node, pointer, opts);
    const value = getAt(this.data, pointer);
    if (Array.isArray(value) && node.items && mainType(node.items) === 'object') {
      value.forEach((row, i) => {
        const rowPointer = child(pointer, i);
        const rowEl = h('div', { class: 'group row', 'data-pointer': rowPointer },
          h('p', { class: 'row-title' }, `${schemaText(node, 'x-rowLabel') || '#'} ${i + 1}`));
        this.properties(node.items, rowPointer, rowEl);
        wrapper.append(rowEl);
      });
      if (!value.length) wrapper.append(h('p', { class: 'value empty' }, t('No answer')));
      return wrapper;
    }
    const text = displayValue(node, value);
    wrapper.append(h('p', { class: text ? 'value' : 'value empty' }, text || t('No answer')));
    return wrapper;
  }

  input(node, pointer, type, opts) {
    const { wrapper, id, described } = this.frame(node, pointer, opts);
    const value = getAt(this.data, pointer);
    const widget = node['x-widget'];
    let control;
    if (widget === 'textarea') {
      control = h('textarea', { id, rows: '4' });
      control.value = value ?? '';
    } else {
      const kind = node.format === 'date' || widget === 'date' ? 'date' : type === 'string' ? 'text' : 'number';
      control = h('input', { id, type: kind, value: value ?? '' });
      if (kind === 'number') control.setAttribute('inputmode', type === 'integer' ? 'numeric' : 'decimal');
    }
    if (node['x-placeholder']) control.setAttribute('placeholder', schemaText(node, 'x-placeholder'));
    this.describe(control, described);
    control.addEventListener('input', () => {
      const raw = control.value;
      let next = raw === '' ? undefined : raw;
      if (next !== undefined && (type === 'integer' || type === 'number')) next = Number(raw);
      this.changed(pointer, next);
    });
    wrapper.append(control);
    return wrapper;
  }

  select(node, pointer, opts) {
    const { wrapper, id, described } = this.frame(node, pointer, opts);
    const value = getAt(this.data, pointer);
    const control = h('select', { id },
      h('option', { value: '' }, t('(no answer)')),
      optionLabels(node).map((o, i) => h('option', { value: String(i) }, this.withReference(node, o))));
    control.value = node.enum.indexOf(value) >= 0 ? String(node.enum.indexOf(value)) : '';
    this.describe(control, described);
    control.addEventListener('change', () => {
      const value = control.value === '' ? undefined : node.enum[Number(control.value)];
      this.changed(pointer, value);
      if (node['x-refersTo']) this.prefillScore(node, pointer, value);
    });
    wrapper.append(control);
    return wrapper;
  }

  // The answer another instrument (`x-refersTo`) holds at the place an option names, as {place, value}: for a
  // factor of Overzicht 1, its score.
  referredAnswer(node, optionValue) {
    const referred = this.references[node['x-refersTo']];
    if (!referred || typeof optionValue !== 'string' || !optionValue.startsWith('/')) return {};
    let place = schemaAt(referred.schema, optionValue);
    let value = getAt(referred.data, optionValue);
    if (place && place.properties && place.properties.score) {
      place = place.properties.score;
      value = value && value.score;
    }
    return { place, value };
  }

  // An option naming a place in another instrument shows that instrument's latest answer there: Overzicht 2's
  // factor list shows each factor's current score from the latest Overzicht 1.
  withReference(node, option) {
    const { place, value } = this.referredAnswer(node, option.value);
    const text = displayValue(place, value);
    return text ? t('%(option)s (now: %(answer)s)', { option: option.text, answer: text }) : option.text;
  }

  // Choosing a factor fills the row's `score` with its latest score in the referred instrument, when the row
  // has no score yet (Overzicht 2 starts from the latest Overzicht 1); what the user chose is never replaced.
  prefillScore(node, pointer, optionValue) {
    const scorePointer = join([...parse(pointer).slice(0, -1), 'score']);
    const scoreNode = schemaAt(this.schema, scorePointer);
    const { value } = this.referredAnswer(node, optionValue);
    if (!scoreNode || !(scoreNode.enum || []).includes(value) || getAt(this.data, scorePointer) !== undefined) return;
    this.changed(scorePointer, value);
    const show = this.choiceSetters.get(scorePointer);
    if (show) show(value);
  }

  // Single choice as radio buttons; the score widget is the same with symbols (−− − + ++) as large buttons.
  choice(node, pointer, opts) {
    const { wrapper, id, described } = this.frame(node, pointer, { ...opts, group: true });
    wrapper.classList.add(opts.score ? 'score' : 'choice');
    this.describe(wrapper, described);
    const value = getAt(this.data, pointer);
    const name = uid('choice');
    const options = h('div', { class: 'options' });
    // Named with its question: twenty "Clear answer" buttons in Overzicht 1 must be told apart.
    const clear = h('button', { type: 'button', class: 'clear', hidden: value === undefined,
      'aria-label': `${t('Clear answer')}: ${opts.legend || label(node, opts.key)}` }, t('Clear answer'));
    optionLabels(node).forEach((o, i) => {
      const input = h('input', { type: 'radio', name, id: i === 0 ? id : `${id}-${i}`, value: String(i),
        checked: o.value === value });
      input.addEventListener('change', () => {
        clear.hidden = false;
        this.changed(pointer, node.enum[i]);
      });
      const text = opts.score
        ? [h('span', { class: 'symbol', 'aria-hidden': 'true' }, SCORE_SYMBOLS[o.value] || String(o.value)),
          h('span', { class: 'option-text' }, o.text)]
        : h('span', { class: 'option-text' }, o.text);
      options.append(h('label', { class: `option${opts.score ? ` score-${i}` : ''}` }, input, text));
    });
    clear.addEventListener('click', () => {
      options.querySelectorAll('input').forEach((input) => { input.checked = false; });
      clear.hidden = true;
      this.changed(pointer, undefined);
      options.querySelector('input').focus();
    });
    this.choiceSetters.set(pointer, (chosen) => {
      options.querySelectorAll('input').forEach((input) => {
        input.checked = node.enum[Number(input.value)] === chosen;
      });
      clear.hidden = chosen === undefined;
    });
    wrapper.append(options, clear);
    return wrapper;
  }

  // `x-socialmap`: organisation ids picked from the social map. The chosen ones are shown with their contacts
  // (in the read-only view too); the picker searches the device's map, the case's country of origin first.
  organisations(node, pointer, opts) {
    const { wrapper, id, described } = this.frame(node, pointer, { ...opts, group: true });
    wrapper.classList.add('socialmap-field');
    const known = new Map(((this.socialmap && this.socialmap.organisations) || []).map((o) => [o.id, o]));
    const chosen = h('ul', { class: 'picked' });
    const drawChosen = () => {
      const ids = getAt(this.data, pointer) || [];
      chosen.replaceChildren(...ids.map((orgId) => {
        const org = known.get(orgId);
        const remove = this.readOnly || node.readOnly ? null : h('button', { type: 'button', class: 'secondary remove-org' },
          t('Remove: %(row)s', { row: org ? org.name : orgId }));
        remove?.addEventListener('click', () => {
          const next = (getAt(this.data, pointer) || []).filter((x) => x !== orgId);
          this.changed(pointer, next.length ? next : undefined);
          drawChosen();
          drawResults();
        });
        return h('li', { class: 'picked-org', 'data-org': orgId },
          h('p', { class: 'card-title' }, org ? org.name : t('An organisation no longer on the map')),
          org ? [h('p', { class: 'card-meta' }, organisationMeta(org)), contactBlock(org)] : null, remove);
      }));
      if (!ids.length && (this.readOnly || node.readOnly)) chosen.append(h('li', { class: 'value empty' }, t('No answer')));
    };
    let drawResults = () => {};
    wrapper.append(chosen);
    if (!this.readOnly && !node.readOnly) {
      if (!this.socialmap || !this.socialmap.organisations) {
        wrapper.append(h('p', { class: 'notice' }, t('The social map is not on this device yet. It comes with the next sync.')));
      } else {
        const { country } = this.socialmap;
        const search = h('input', { id, type: 'search', autocomplete: 'off', placeholder: t('Search the map') });
        this.describe(search, described);
        const onlyCountry = h('input', { type: 'checkbox', id: `${id}-country`, checked: Boolean(country) });
        const results = h('ul', { class: 'picker-results', 'aria-live': 'polite' });
        drawResults = () => {
          const ids = new Set(getAt(this.data, pointer) || []);
          const found = searchMap(this.socialmap.organisations,
            { country: onlyCountry.checked ? country : '', q: search.value }).filter((o) => !ids.has(o.id));
          results.replaceChildren(...found.slice(0, PICKER_RESULTS).map((org) => {
            const add = h('button', { type: 'button', class: 'secondary add-org' }, t('Add'),
              h('span', { class: 'sr-only' }, `: ${org.name}`));
            add.addEventListener('click', () => {
              this.changed(pointer, [...(getAt(this.data, pointer) || []), org.id]);
              drawChosen();
              drawResults();
              search.focus();
            });
            return h('li', {}, h('span', {}, h('span', { class: 'card-title' }, org.name),
              h('span', { class: 'card-meta' }, organisationMeta(org))), add);
          }));
          if (found.length > PICKER_RESULTS) {
            results.append(h('li', { class: 'hint' }, tn('%(count)s more: search to narrow down.', '%(count)s more: search to narrow down.',
              found.length - PICKER_RESULTS)));
          }
          if (!found.length) results.append(h('li', { class: 'empty' }, t('No organisation matches.')));
        };
        search.addEventListener('input', drawResults);
        onlyCountry.addEventListener('change', drawResults);
        wrapper.append(h('div', { class: 'picker' },
          h('label', { class: 'sr-only', for: id }, t('Search the map')), search,
          country ? h('label', { class: 'check', for: `${id}-country` }, onlyCountry,
            t('Only organisations for %(country)s', { country: countryName(country) })) : null,
          results));
        drawResults();
      }
    }
    drawChosen();
    return wrapper;
  }

  checkbox(node, pointer, opts) {
    const { wrapper, id, described } = this.frame(node, pointer, opts);
    const input = h('input', { type: 'checkbox', id, checked: getAt(this.data, pointer) === true });
    this.describe(input, described);
    input.addEventListener('change', () => this.changed(pointer, input.checked ? true : undefined));
    // The label is the frame's; the box sits in front of it.
    wrapper.classList.add('check');
    wrapper.prepend(input);
    return wrapper;
  }

  checkboxes(node, pointer, opts) {
    const { wrapper, id, described } = this.frame(node, pointer, { ...opts, group: true });
    this.describe(wrapper, described);
    const chosen = new Set(getAt(this.data, pointer) || []);
    const options = h('div', { class: 'options' });
    const items = { ...node.items, 'x-enumLabels': node.items['x-enumLabels'] || node['x-enumLabels'] };
    optionLabels(items).forEach((o, i) => {
      const input = h('input', { type: 'checkbox', id: i === 0 ? id : `${id}-${i}`, checked: chosen.has(o.value) });
      input.addEventListener('change', () => {
        if (input.checked) chosen.add(o.value); else chosen.delete(o.value);
        const ordered = node.items.enum.filter((v) => chosen.has(v));
        this.changed(pointer, ordered.length ? ordered : undefined);
      });
      options.append(h('label', { class: 'option' }, input, h('span', { class: 'option-text' }, o.text)));
    });
    wrapper.append(options);
    return wrapper;
  }

  // Repeating rows (an array of objects) or a list of single answers.
  rows(node, pointer, opts) {
    const { wrapper } = this.frame(node, pointer, { ...opts, group: true });
    wrapper.classList.add('rows');
    const itemNode = node.items || { type: 'string' };
    const rowName = schemaText(node, 'x-rowLabel') || t('Entry');
    const list = h('div', { class: 'row-list' });
    const add = h('button', { type: 'button', class: 'secondary add-row' }, t('Add: %(row)s', { row: rowName }));
    const draw = () => {
      list.replaceChildren();
      const rows = getAt(this.data, pointer) || [];
      rows.forEach((_, i) => {
        const rowPointer = child(pointer, i);
        // A row of several answers is a fieldset named by its legend; a single answer is named by its label.
        let rowEl;
        if (mainType(itemNode) === 'object') {
          rowEl = h('fieldset', { class: 'group row', 'data-pointer': rowPointer }, h('legend', {}, `${rowName} ${i + 1}`));
          this.properties(itemNode, rowPointer, rowEl);
        } else {
          rowEl = h('div', { class: 'row single' }, this.render(itemNode, rowPointer, { key: `${rowName} ${i + 1}` }));
        }
        const remove = h('button', { type: 'button', class: 'secondary remove-row' },
          t('Remove: %(row)s', { row: `${rowName} ${i + 1}` }));
        remove.addEventListener('click', () => {
          const current = getAt(this.data, pointer) || [];
          // A row with answers asks once more: nothing typed disappears by a slip of the finger.
          if (hasContent(current[i]) && remove.dataset.confirm !== 'yes') {
            remove.dataset.confirm = 'yes';
            remove.textContent = t('Really remove %(row)s?', { row: `${rowName} ${i + 1}` });
            return;
          }
          current.splice(i, 1);
          this.changed(pointer, current.length ? current : undefined);
          draw();
          add.focus();
        });
        rowEl.append(remove);
        list.append(rowEl);
      });
      add.disabled = node.maxItems !== undefined && rows.length >= node.maxItems;
      this.refresh();
    };
    add.addEventListener('click', () => {
      const rows = getAt(this.data, pointer) || [];
      rows.push(mainType(itemNode) === 'object' ? {} : '');
      this.changed(pointer, rows);
      draw();
      list.lastElementChild?.querySelector('input, textarea, select')?.focus();
    });
    draw();
    wrapper.append(list, add);
    return wrapper;
  }
}

function hasContent(value) {
  if (Array.isArray(value)) return value.some(hasContent);
  if (value && typeof value === 'object') return Object.values(value).some(hasContent);
  return value !== undefined && value !== null && value !== '';
}

// Returns {element, data(), setErrors(errors) -> count, focusErrors()}.
export function renderForm(schema, data, options = {}) {
  const r = new Renderer(schema, data, options);
  const summary = h('div', { class: 'error-summary', tabindex: '-1', hidden: true });
  const fields = r.render(schema, '');
  const element = h('div', { class: r.readOnly ? 'form read-only' : 'form' }, summary, fields);
  r.refresh();

  function findField(pointer) {
    let p = pointer;
    for (;;) {
      const el = element.querySelector(`[data-pointer="${CSS.escape(p)}"]`);
      if (el || p === '') return el;
      p = join(parse(p).slice(0, -1));
    }
  }

  function setErrors(errors) {
    element.querySelectorAll('.field-error').forEach((e) => { e.replaceChildren(); e.hidden = true; });
    element.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
    element.querySelectorAll('[data-error-described]').forEach((e) => {
      const ids = (e.getAttribute('aria-describedby') || '').split(' ').filter((x) => !x.endsWith('-error'));
      if (ids.length) e.setAttribute('aria-describedby', ids.join(' ')); else e.removeAttribute('aria-describedby');
      e.removeAttribute('data-error-described');
    });
    summary.replaceChildren();
    summary.hidden = !errors.length;
    if (!errors.length) return 0;
    const items = [];
    for (const error of errors) {
      const text = t(error.message, error.params);
      const field = findField(error.path);
      let target = null;
      if (field && error.path !== '') {
        const errorId = `${fieldId(field.dataset.pointer)}-error`;
        let slot = field.querySelector(':scope > .field-error');
        if (!slot) {
          slot = h('p', { class: 'field-error', id: errorId });
          field.prepend(slot);
        }
        slot.hidden = false;
        slot.append(h('span', {}, text));
        const controls = field.matches('fieldset') ? [field]
          : [...field.querySelectorAll(':scope > input, :scope > textarea, :scope > select')];
        for (const control of controls) {
          control.setAttribute('aria-invalid', 'true');
          const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
          if (!ids.includes(errorId)) control.setAttribute('aria-describedby', [errorId, ...ids].join(' '));
          control.setAttribute('data-error-described', '');
        }
        // An answer behind a toggle or a closed condition is shown, so it can be fixed.
        if (field.noteToggle) { field.hidden = false; field.noteToggle.hidden = true; }
        if (!field.closest('[hidden]')) target = field.querySelector('input, textarea, select');
      }
      const place = error.path ? placeName(schema, error.path) : '';
      const item = h('li', {}, target
        ? h('a', { href: `#${target.id}`, 'data-target': target.id }, place ? `${place}: ${text}` : text)
        : (place ? `${place}: ${text}` : text));
      items.push(item);
    }
    summary.append(h('h2', {}, tn('There is %(count)s answer to check', 'There are %(count)s answers to check', errors.length)),
      h('ul', {}, items));
    summary.querySelectorAll('a[data-target]').forEach((a) => a.addEventListener('click', (event) => {
      event.preventDefault();
      const target = document.getElementById(a.dataset.target);
      target?.scrollIntoView({ block: 'center' });
      target?.focus();
    }));
    return errors.length;
  }

  return {
    element,
    data: () => r.data,
    setErrors,
    focusErrors: () => { summary.focus(); summary.scrollIntoView({ block: 'start' }); },
  };
}
