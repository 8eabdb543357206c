// The instruments. The service worker keeps the list and every version of every schema offline; the page
// asks for them as if online.
import { t } from './i18n.js';
import { requestHeaders } from './api.js';

let list = null;
const schemas = new Map();

async function getJSON(url) {
  // The device names itself to the server on every request, these too (a wiped device is told so).
  const response = await fetch(url, { headers: { ...requestHeaders(), Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

// [{id, version, steps}] of the current instruments. Titles come from the schemas, in the UI language.
export async function currentForms() {
  if (!list) list = await getJSON('/api/v1/forms');
  return list;
}

export async function schemaOf(formId, version) {
  const key = `${formId}@${version}`;
  if (!schemas.has(key)) {
    schemas.set(key, getJSON(`/api/v1/forms/${encodeURIComponent(formId)}?version=${version}`).catch((error) => {
      schemas.delete(key);
      throw error;
    }));
  }
  return schemas.get(key);
}

export async function currentSchema(formId) {
  const form = (await currentForms()).find((f) => f.id === formId);
  if (!form) throw new Error(`unknown form ${formId}`);
  return schemaOf(form.id, form.version);
}

export function formTitle(schema) {
  return t(schema.title);
}

// A short name for lists: the title up to its first colon ("Overview 1").
export function shortTitle(schema) {
  const title = t(schema.title);
  const colon = title.indexOf(':');
  return colon > 0 && colon < 40 ? title.slice(0, colon) : title;
}
