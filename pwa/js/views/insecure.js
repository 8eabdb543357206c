// Opened over plain http on an address that is not this device (a server reached by name or IP): the browser
// gives such a page no service worker and no Web Crypto, so the app could neither keep data encrypted nor work
// offline. Instead of a login form that cannot work, this page says so and points at the https address.
import { h } from '../dom.js';
import { t, LANGUAGES, language, loadLanguage } from '../i18n.js';

export function httpsAddress(href = location.href) {
  const url = new URL(href);
  url.protocol = 'https:';
  url.port = ''; // a reverse proxy answers https on its standard port
  url.hash = '';
  return url.href;
}

export function render() {
  const address = httpsAddress();
  const select = h('select', { id: 'language' },
    LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === language() }, l.name)));
  select.addEventListener('change', async () => {
    try {
      await loadLanguage(select.value);
    } finally {
      show();
      document.getElementById('language')?.focus();
    }
  });
  return h('section', { class: 'panel narrow', id: 'insecure' },
    h('h1', {}, t('Safe Future needs a secure connection')),
    h('p', {}, t('This address uses plain http. Over plain http the browser does not let the app encrypt the data it keeps on this device or work without a connection, so it cannot be used here.')),
    h('p', {}, t('Open the app at its https address:')),
    h('p', { class: 'https-address' }, h('a', { href: address }, address)),
    h('p', { class: 'hint' }, t('If that address does not open, ask whoever runs the server to set up HTTPS.')),
    h('div', { class: 'field' }, h('label', { class: 'field-label', for: 'language' }, t('Language')), select));
}

export function show() {
  document.getElementById('topbar').replaceChildren();
  const main = document.getElementById('main');
  main.replaceChildren(render());
  document.title = `${main.querySelector('h1').textContent} · Safe Future`;
}
