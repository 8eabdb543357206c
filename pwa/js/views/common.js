// Pieces several screens share.
import { h } from '../dom.js';
import { t, LANGUAGES, language, loadLanguage, formatDateTime, countryName } from '../i18n.js';
import { COUNTRY_CODES, RETURN_COUNTRIES } from '../countries.js';
import { renderTopbar } from './shell.js';
import { storeWorkerText } from '../push.js';

export function languagePicker(app, id = 'language') {
  const select = h('select', { id },
    LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === language() }, l.name)));
  select.addEventListener('change', async () => {
    await app.leave();
    await loadLanguage(select.value);
    storeWorkerText().catch(() => {});
    renderTopbar(app);
    app.go(location.hash || '#/');
    // The view is drawn anew in the new language; keep the keyboard where it was.
    setTimeout(() => document.getElementById(id)?.focus(), 50);
  });
  return h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, t('Language')), select);
}

// A country picker, by name in the UI language; with `returns`, the common return countries come first.
export function countrySelect(id, { selected = '', returns = false } = {}) {
  const option = (cc) => h('option', { value: cc, selected: cc === selected }, countryName(cc));
  const byName = (a, b) => countryName(a).localeCompare(countryName(b), language());
  const others = COUNTRY_CODES.filter((cc) => !returns || !RETURN_COUNTRIES.includes(cc)).sort(byName).map(option);
  return h('select', { id }, h('option', { value: '' }, t('(choose)')), returns
    ? [h('optgroup', { label: t('Common return countries') }, RETURN_COUNTRIES.map(option)),
      h('optgroup', { label: t('All countries') }, others)]
    : others);
}

export function errorBox() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

export function showError(box, text) {
  box.textContent = text;
  box.hidden = !text;
}

export function busy(button, isBusy, text) {
  button.disabled = isBusy;
  if (isBusy) {
    button.dataset.label = button.textContent;
    button.textContent = text;
  } else if (button.dataset.label) {
    button.textContent = button.dataset.label;
  }
}

// Above what a screen shows from the device's copy while the server cannot be reached.
export function lastSaidNote(fetchedAt) {
  return h('p', { class: 'notice last-said' },
    t('Offline: as the server last sent it, at %(time)s.', { time: formatDateTime(fetchedAt) }));
}

export function badge(kind, text) {
  return h('span', { class: `badge ${kind}` }, text);
}

// How a case is named on screen: by its client code; a partner organisation, which may not learn the code,
// sees the case number (the start of its id, as on the PDF).
export function caseLabel(value) {
  return value.client_code ? t('Case %(code)s', { code: value.client_code })
    : t('Case number %(number)s', { number: caseNumber(value) });
}

// The short case number both organisations see (and say on the phone): the start of the case's id.
export function caseNumber(value) {
  return value.id.slice(0, 8);
}
