// A conflict: the server kept two (or more) versions of a record. Both are shown field by field; the user
// picks per field, saves the choice (which tells the server which conflicts it settles) and may edit on.
import { h, toast } from '../dom.js';
import { t, tn, formatDateTime } from '../i18n.js';
import { outboxKey } from '../outbox.js';
import { schemaOf, formTitle } from '../forms.js';
import { prepare } from '../schema-validate.js';
import { displayValue, placeName } from '../form-renderer.js';
import { computedFields } from '../computed.js';
import { child, getAt, setAt, schemaAt, join } from '../pointer.js';
import { openConflicts } from './case.js';
import { sameJSON } from '../json.js';

// Every answer's place: objects are walked, lists and single values are answers as a whole.
function leaves(value, pointer = '', out = new Set()) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) leaves(v, child(pointer, key), out);
  } else if (pointer) {
    out.add(pointer);
  }
  return out;
}

export async function render(app, recordId) {
  const record = await app.store.getRecord(recordId);
  const entry = record && await app.store.getOutbox(outboxKey('record', record.id));
  const conflicts = record ? openConflicts(record, entry) : [];
  if (!record || !conflicts.length) {
    return h('div', { class: 'panel' }, h('h1', {}, t('No conflict to resolve.')),
      h('p', {}, h('a', { href: record ? `#/record/${recordId}` : '#/cases' }, t('Back'))));
  }
  const schema = await schemaOf(record.form_id, record.form_version);
  // Each version is named by who saved it, from which device, and when. The server names the saver and the
  // device only within the organisation; another organisation's version carries that organisation's name.
  const me = app.store.account.user_id;
  const thisDevice = await app.store.getMeta('device_id');
  const whose = (v) => {
    if (v.saved_by !== me) {
      if (!v.saved_by_name) return t("A colleague's version");
      return v.device_name ? t('%(who)s, on %(device)s', { who: v.saved_by_name, device: v.device_name })
        : v.saved_by_name;
    }
    if (v.device_id && v.device_id === thisDevice) return t('Your version, from this device');
    if (v.device_name) return t('Your version, from %(device)s', { device: v.device_name });
    return v.device_id ? t('Your version, from another device') : t('Your version');
  };
  const versions = [record, ...conflicts].map((v) => ({ name: whose(v), data: v.data, saved_at: v.saved_at,
    status: v.status, rev: v.rev }));
  versions.forEach((v) => {
    const same = versions.filter((w) => w.name === v.name);
    if (same.length > 1) v.name = `${v.name} (${formatDateTime(v.saved_at)})`;
  });
  const computed = new Set(computedFields(schema).map(([path]) => join(path)));
  const places = new Set();
  versions.forEach((v) => leaves(v.data, '', places));
  const differing = [...places].filter((p) => !computed.has(p) && !versions.every((v) => sameJSON(getAt(v.data, p), getAt(versions[0].data, p))))
    .sort();
  // By default each answer comes from the version saved last that has one.
  const newestFirst = versions.map((v, i) => [v, i]).sort(([a], [b]) => (b.saved_at || '').localeCompare(a.saved_at || ''));
  const choices = new Map(differing.map((p) => [p, (newestFirst.find(([v]) => getAt(v.data, p) !== undefined) || newestFirst[0])[1]]));

  const rows = differing.map((pointer, n) => {
    const node = schemaAt(schema, pointer);
    const name = `pick-${n}`;
    return h('fieldset', { class: 'field conflict-field', 'data-pointer': pointer },
      h('legend', { class: 'field-label' }, placeName(schema, pointer) || pointer),
      h('div', { class: 'options versions' }, versions.map((v, i) => {
        const text = displayValue(node, getAt(v.data, pointer));
        const input = h('input', { type: 'radio', name, value: String(i), checked: choices.get(pointer) === i });
        input.addEventListener('change', () => choices.set(pointer, i));
        return h('label', { class: 'option version' }, input,
          h('span', { class: 'version-name' }, v.name),
          h('span', { class: text ? 'version-value' : 'version-value empty' }, text || t('No answer')));
      })));
  });

  async function resolve(thenEdit) {
    const merged = structuredClone(record.data);
    for (const [pointer, index] of choices) setAt(merged, pointer, structuredClone(getAt(versions[index].data, pointer)));
    const allFinal = versions.every((v) => v.status === 'final');
    const status = allFinal && !prepare(schema, merged, 'final').errors.length ? 'final' : 'draft';
    const { data } = prepare(schema, merged, status);
    await app.saveRecord({ ...record, data, status, saved_at: new Date().toISOString() },
      { resolves: conflicts.map((c) => c.rev) });
    toast(t('Your choice is saved on this device and will be sent.'));
    app.go(thenEdit ? `#/record/${record.id}/edit` : `#/record/${record.id}`);
  }

  return h('div', { class: 'panel conflict-view' },
    h('p', {}, h('a', { href: `#/record/${record.id}` }, `← ${formTitle(schema)}`)),
    h('h1', {}, t('Choose what to keep')),
    h('p', {}, t('Two versions of this record were saved at the same time. Nothing is lost: choose, answer by answer, which one to keep.')),
    h('ul', { class: 'version-list' }, versions.map((v) => h('li', {}, h('strong', {}, v.name), ': ',
      t('saved %(time)s', { time: formatDateTime(v.saved_at) }), ` · ${v.status === 'final' ? t('Final') : t('Draft')}`))),
    h('p', {}, tn('%(count)s answer differs.', '%(count)s answers differ.', differing.length), ' ',
      tn('%(count)s other answer is the same in every version.', '%(count)s other answers are the same in every version.',
        [...places].filter((p) => !computed.has(p)).length - differing.length)),
    h('form', { class: 'conflict-form', onsubmit: (e) => { e.preventDefault(); resolve(false); } },
      rows,
      h('div', { class: 'actions sticky' },
        h('button', { type: 'button', class: 'secondary', onclick: () => resolve(true) }, t('Keep these and edit')),
        h('button', { type: 'submit', class: 'primary', id: 'resolve' }, t('Keep these answers')))));
}
