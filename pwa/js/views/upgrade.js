// Turning a record into the current version of its instrument in one step, where the current schema says it can
// (`x-upgradesFrom`: the versions whose answers it holds unchanged, forms/README.md). Every answer is kept; each
// row of a list whose rows have an id (`x-widget: row-id`) gets one, so the new version can link them.
import { h, toast } from '../dom.js';
import { t } from '../i18n.js';
import { currentSchema } from '../forms.js';
import { prepare } from '../schema-validate.js';

function withRowIds(node, value, taken) {
  if (Array.isArray(value) && node && node.items) {
    const idKey = Object.entries(node.items.properties || {}).find(([, p]) => p['x-widget'] === 'row-id');
    return value.map((row) => {
      const next = withRowIds(node.items, row, taken);
      if (idKey && next && typeof next === 'object' && !Array.isArray(next) && !next[idKey[0]]) {
        let id;
        do id = crypto.randomUUID().slice(0, 8); while (taken.has(id));
        taken.add(id);
        next[idKey[0]] = id;
      }
      return next;
    });
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && node && node.properties) {
    const out = { ...value };
    for (const [key, prop] of Object.entries(node.properties)) if (key in out) out[key] = withRowIds(prop, out[key], taken);
    return out;
  }
  return value;
}

export function upgradeData(schema, data) {
  return withRowIds(schema, structuredClone(data || {}), new Set());
}

// A banner offering the step, or null when the record is of the current version or cannot be turned into it.
export async function upgradeBanner(app, record) {
  let current;
  try {
    current = await currentSchema(record.form_id);
  } catch {
    return null;
  }
  if (current.version === record.form_version || !(current['x-upgradesFrom'] || []).includes(record.form_version)) return null;
  const versions = { old: record.form_version, new: current.version };
  const button = h('button', { type: 'button', class: 'primary', id: 'upgrade' }, t('Turn into version %(new)s', versions));
  button.addEventListener('click', async () => {
    button.disabled = true;
    await app.leave('keep-open'); // what was typed in the open form is saved first
    const stored = (await app.store.getRecord(record.id)) || record;
    const { errors, data } = prepare(current, upgradeData(current, stored.data), 'final');
    await app.saveRecord({ ...stored, form_version: current.version, data,
      status: stored.status === 'final' && !errors.length ? 'final' : 'draft', saved_at: new Date().toISOString() });
    toast(t('Turned into version %(new)s with every answer. Add the links between the people now.', versions));
    app.go(`#/record/${record.id}/edit`);
  });
  return h('div', { class: 'banner upgrade', role: 'status' },
    h('span', {}, t('This record uses version %(old)s of the instrument. Version %(new)s draws it as a picture: turn it into version %(new)s in one step, keeping every answer.', versions)),
    button);
}
