// A PDF of one record or of chosen records of a case, made by the server in a language the reader chooses
// (not necessarily the UI's), optionally with a second language beside it. Fetched and handed to the browser
// as a download from a blob: URL, so the server's refusal can be shown instead of saved as a file.
import { h, uid } from '../dom.js';
import { t, language, LANGUAGES } from '../i18n.js';
import { errorBox, showError, busy } from './common.js';
import { requestHeaders } from '../api.js';

function languageSelect(id, { none = false } = {}) {
  return h('select', { id },
    none ? h('option', { value: '' }, t('(none)')) : null,
    LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: !none && l.code === language() }, l.name)));
}

function fileName(response) {
  const match = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
  return match ? match[1] : 'safefuture.pdf';
}

async function download(url, button, error) {
  showError(error, '');
  if (!navigator.onLine) {
    showError(error, t('The server makes the PDF: connect to the internet first.'));
    return;
  }
  busy(button, true, t('Making the PDF…'));
  try {
    const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store',
      headers: requestHeaders() });
    if (!response.ok || !(response.headers.get('Content-Type') || '').startsWith('application/pdf')) {
      const body = await response.json().catch(() => ({}));
      showError(error, response.status === 404 ? t('Not on the server yet: sync first, then try again.')
        : body.message || t('The PDF could not be made.'));
      return;
    }
    const link = h('a', { href: URL.createObjectURL(await response.blob()), download: fileName(response), hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  } catch {
    showError(error, t('The server makes the PDF: connect to the internet first.'));
  } finally {
    busy(button, false);
  }
}

// `path`: '/records/<id>/pdf' or '/cases/<id>/pdf'; `choices`: for a case, [{id, label}] of its records, all
// chosen at first.
export function pdfPanel(path, { choices = null, pending = false } = {}) {
  const first = languageSelect(uid('pdf-lang'));
  const second = languageSelect(uid('pdf-lang2'), { none: true });
  const error = errorBox();
  const boxes = (choices || []).map((c) => h('input', { type: 'checkbox', value: c.id, checked: true, id: uid('pdf-rec') }));
  const button = h('button', { type: 'button', class: 'secondary pdf-download' }, t('Download PDF'));
  button.addEventListener('click', () => {
    const query = new URLSearchParams({ lang: first.value });
    if (second.value && second.value !== first.value) query.set('lang2', second.value);
    if (choices) {
      const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
      if (!chosen.length) return showError(error, t('Choose at least one record.'));
      if (chosen.length < boxes.length) query.set('records', chosen.join(','));
    }
    return download(`/api/v1${path}?${query}`, button, error);
  });
  return h('details', { class: 'pdf-panel' },
    h('summary', {}, choices ? t('PDF of this case') : t('PDF of this record')),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: first.id }, t('Language of the document')), first),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: second.id }, t('Second language beside it')), second),
    choices ? h('fieldset', { class: 'field' }, h('legend', { class: 'field-label' }, t('Records to include')),
      h('div', { class: 'options' }, choices.map((c, i) => h('label', { class: 'option' }, boxes[i],
        h('span', { class: 'option-text' }, c.label))))) : null,
    pending ? h('p', { class: 'hint' }, t('Changes not sent yet are not in the PDF: it is made from what the server has.')) : null,
    h('p', { class: 'hint' }, t('Made by the server: needs a connection.')),
    error, button);
}
