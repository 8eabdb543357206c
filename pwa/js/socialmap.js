// The social map on the device: public data (the seed's organisations with the coordinators' edits), so it is
// kept in clear in the account's `meta` store. Fetched whole once (about 125 organisations, some 200 kB), then
// brought up to date at every sync with the changes since its cursor. Searched here, offline.
import { h } from './dom.js';
import { api } from './api.js';
import { t, tn, countryName } from './i18n.js';

const META = 'socialmap';

// The 11 services of the map's checklist: keys of the API, English msgids of the `socialmap` catalog domain
// (socialmap/services.py), which the device's merged catalog translates.
export const SERVICES = [
  ['airport_pickup', 'Airport pick-up'],
  ['customs_police_immigration_help', 'Help passing customs / dealing with the police or immigration service'],
  ['shelter', 'Shelter'],
  ['psychological_help', 'Psychological help'],
  ['medical_help', 'Medical help'],
  ['legal_help', 'Legal help'],
  ['skills_training_education', 'Skills training / education'],
  ['job_search_income_help', 'Help finding a job / securing an income'],
  ['financial_help', 'Financial help'],
  ['child_parenting_help', 'Help for children / parenting support'],
  ['family_reunification', 'Family reunification'],
];

export function serviceName(key) {
  const found = SERVICES.find(([k]) => k === key);
  return found ? t(found[1]) : key;
}

// {organisations, cursor} or null when the map never reached this device.
export function deviceMap(store) {
  return store.getMeta(META);
}

// Returns whether the device's map changed.
export async function catchUpMap(store) {
  const kept = await store.getMeta(META);
  if (!kept) {
    const whole = await api('GET', '/socialmap');
    await store.setMeta(META, { organisations: whole.organisations, cursor: whole.cursor });
    return true;
  }
  const news = await api('GET', `/socialmap/changes?since=${kept.cursor}`);
  if (news.cursor === kept.cursor) return false;
  const gone = new Set([...news.retired, ...news.organisations.map((o) => o.id)]);
  const organisations = kept.organisations.filter((o) => !gone.has(o.id));
  // Changed organisations keep their place in the seed's order; added ones go last.
  const order = new Map(kept.organisations.map((o, i) => [o.id, i]));
  organisations.push(...news.organisations);
  organisations.sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity));
  await store.setMeta(META, { organisations, cursor: news.cursor });
  return true;
}

// Lower case, no accents, dashes as spaces: as the server's socialmap.countries.fold.
export function fold(text) {
  return String(text || '').normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/[-\u2010-\u2015]/g, ' ').split(/\s+/).filter(Boolean).join(' ');
}

function searchable(org) {
  const c = org.contact || {};
  return fold([org.name, org.country_as_printed, org.description, org.other_services, ...(c.address || []),
    ...Object.values(org.service_notes || {}), ...(c.persons || []).flatMap((p) => [p.name, ...(p.details || [])]),
    ...(org.services || []).map(serviceName), ...[org.country, ...(org.countries_served || [])].filter(Boolean).map(countryName),
  ].filter(Boolean).join(' \n '));
}

// Organisations in `country` or supporting return to it, offering `service`, with every word of `q` (case and
// accents ignored) in their text: the server's search, on the device.
export function searchMap(organisations, { country, service, q } = {}) {
  const words = fold(q).split(' ').filter(Boolean);
  return organisations.filter((o) => (!country || o.country === country || (o.countries_served || []).includes(country))
    && (!service || (o.services || []).includes(service))
    && (!words.length || ((text) => words.every((w) => text.includes(w)))(searchable(o))));
}

// Every country the map knows, named in the UI language and sorted by that name.
export function mapCountries(organisations) {
  const codes = new Set();
  for (const o of organisations) [o.country, ...(o.countries_served || [])].filter(Boolean).forEach((c) => codes.add(c));
  return [...codes].map((code) => ({ code, name: countryName(code) })).sort((a, b) => a.name.localeCompare(b.name));
}

// Tappable contacts: phone numbers as tel: (digits and a leading +), e-mail as mailto:, websites over https
// unless they say otherwise. Anything else stays text.
function phoneHref(phone) {
  const digits = phone.replace(/\(0\)/g, '').replace(/[^\d+]/g, '').replace(/^00/, '+');
  return /^\+?\d{5,}$/.test(digits) ? `tel:${digits}` : null;
}

function emailHref(email) {
  return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(email) ? `mailto:${email}` : null;
}

function websiteHref(site) {
  const url = /^https?:\/\//i.test(site) ? site : `https://${site}`;
  try {
    const parsed = new URL(url);
    return ['http:', 'https:'].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

function link(text, href) {
  return href ? h('a', { href, rel: href.startsWith('http') ? 'noopener noreferrer' : null,
    target: href.startsWith('http') ? '_blank' : null }, text) : text;
}

// Phones, e-mail addresses and websites as links a finger can tap; one per line.
function contactLines(contact) {
  const lines = [
    ...(contact.phones || []).map((p) => ['phone', link(p, phoneHref(p))]),
    ...(contact.emails || []).map((e) => ['email', link(e, emailHref(e))]),
    ...(contact.websites || []).map((w) => ['website', link(w, websiteHref(w))]),
  ];
  return lines.length ? h('ul', { class: 'contact-lines' }, lines.map(([kind, el]) => h('li', { class: kind }, el))) : null;
}

// The organisation's contact person(s) and general contacts: shown on the map and under a picked organisation.
export function contactBlock(org) {
  const contact = org.contact || {};
  const persons = (contact.persons || []).filter((p) => p.name || (p.phones || []).length || (p.emails || []).length);
  return h('div', { class: 'contacts' },
    persons.map((p) => h('div', { class: 'person' },
      h('p', { class: 'person-name' }, t('Contact person: %(name)s', { name: p.name || '—' }), p.role ? ` (${p.role})` : ''),
      contactLines(p))),
    contactLines(contact),
    (contact.address || []).length ? h('p', { class: 'address' }, contact.address.join('\n')) : null);
}

export function organisationMeta(org) {
  const where = org.country ? countryName(org.country) : t('No country');
  return `${where} · ${tn('%(count)s service', '%(count)s services', (org.services || []).length)}`;
}
