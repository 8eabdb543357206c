// Pieces several screens share.
import { h } from '../dom.js';
import { t, LANGUAGES, language, loadLanguage } from '../i18n.js';
import { renderTopbar } from './shell.js';

export function languagePicker(app, id = 'language') {
  const select = h('select', { id },
    LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === language() }, l.name)));
  select.addEventListener('change', async () => {
    await app.leave();
    await loadLanguage(select.value);
    renderTopbar(app);
    app.go(location.hash || '#/');
    // The view is drawn anew in the new language; keep the keyboard where it was.
    setTimeout(() => document.getElementById(id)?.focus(), 50);
  });
  return h('div', { class: 'field' }, h('label', { class: 'field-label', for: id }, t('Language')), select);
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

export function badge(kind, text) {
  return h('span', { class: `badge ${kind}` }, text);
}
