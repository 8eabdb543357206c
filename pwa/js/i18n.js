// UI strings: t("English msgid", {params}) over /i18n/<lang>.json, the merged gettext catalogs of every
// domain (pwa, forms, messages), which the service worker keeps offline. Placeholders are Python's
// %(name)s, so the server's validation messages and the device's share one translation.

export const LANGUAGES = [
  { code: 'nl', name: 'Nederlands' },
  { code: 'en', name: 'English' },
  { code: 'bg', name: 'Български' },
];
const STORAGE_KEY = 'sf-lang';

let catalog = {};
let current = 'en';

export function language() {
  return current;
}

export function preferredLanguage() {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (LANGUAGES.some((l) => l.code === stored)) return stored;
  for (const tag of navigator.languages || []) {
    const code = tag.slice(0, 2).toLowerCase();
    if (LANGUAGES.some((l) => l.code === code)) return code;
  }
  return 'en';
}

export async function loadLanguage(lang) {
  const response = await fetch(`/i18n/${lang}.json`);
  if (!response.ok) throw new Error(`catalog ${lang}: ${response.status}`);
  catalog = await response.json();
  current = lang;
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
}

function format(text, params) {
  if (!params) return text;
  return text.replace(/%\((\w+)\)[sd]|%%/g, (match, name) => {
    if (match === '%%') return '%';
    return name in params ? String(params[name]) : match;
  });
}

export function t(msgid, params) {
  const found = catalog[msgid];
  return format(typeof found === 'string' && found ? found : msgid, params);
}

// What the server said ({message, msgid, params}), in the language chosen now when it sent the msgid: a refused
// change's reasons stay on the device, and the user may have changed language since (or be another user).
export function said(message) {
  if (!message) return '';
  return message.msgid ? t(message.msgid, message.params) : message.message;
}

// Plurals: nl, en and bg all have gettext's two forms (n != 1), which are CLDR's "one" and "other".
export function tn(singular, plural, n, params) {
  const forms = catalog[singular];
  const index = new Intl.PluralRules(current).select(n) === 'one' ? 0 : 1;
  const text = Array.isArray(forms) && forms[index] ? forms[index] : (index === 0 ? singular : plural);
  return format(text, { count: n, ...params });
}

export function formatDateTime(iso) {
  if (!iso) return '';
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

// Today's times as a time only ("14:02"), older ones with their date: short enough for the top bar.
export function formatWhen(iso) {
  if (!iso) return '';
  const when = new Date(iso);
  const today = new Date().toDateString() === when.toDateString();
  return new Intl.DateTimeFormat(current, today ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' })
    .format(when);
}

export function formatDate(isoDate) {
  if (!isoDate) return '';
  const [y, m, d] = isoDate.split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  return new Intl.DateTimeFormat(current, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

// A size in storage ("1,7 MB", "10 GB") in the UI language; MB and GB as the browser reports them (of 1024).
export function formatSize(bytes) {
  const gigabytes = bytes >= 1024 ** 3;
  const unit = gigabytes ? 'gigabyte' : 'megabyte';
  const value = bytes / 1024 ** (gigabytes ? 3 : 2);
  return new Intl.NumberFormat(current, { style: 'unit', unit, maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

export function countryName(code) {
  try {
    return new Intl.DisplayNames([current], { type: 'region' }).of(code) || code;
  } catch {
    return code;
  }
}
