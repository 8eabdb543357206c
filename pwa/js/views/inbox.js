// The in-app inbox: the same events as web push (a handover arrived or ended, monitoring due or filed, a
// conflict), for every user, also where push is unavailable. Read from the server over the session; offline,
// the device shows what the server last sent (sealed), without the actions that need the server.
import { h } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api, ApiError, Unreachable } from '../api.js';
import { caseLabel, lastSaidNote } from './common.js';

function itemName(item) {
  return { arrival_confirmed: t('Arrival confirmed'), first_contact: t('Contact after one month'),
    report_6: t('Report after 6 months'), report_12: t('Report after 12 months') }[item] || item;
}

function message(note) {
  switch (note.kind) {
    case 'handover': return t('A case was handed over to your organisation.');
    case 'handover_withdrawn': return t('Consent for a handover was withdrawn.');
    case 'handover_expired': return t('Consent for a handover expired.');
    case 'monitoring_due': return t('Monitoring due: %(item)s', { item: itemName(note.item) });
    case 'monitoring_report': return t('A monitoring report was filed.');
    case 'conflict': return t('A change of yours is in conflict with another one.');
    default: return note.kind;
  }
}

// The number of unread notifications, for the badge in the top bar; null when the server cannot be asked.
export async function unreadCount() {
  try {
    return (await api('GET', '/inbox')).unread;
  } catch (e) {
    if (e instanceof Unreachable || e instanceof ApiError) return null;
    throw e;
  }
}

async function markRead(app, note) {
  if (note.read_at) return;
  await api('POST', `/inbox/${note.id}/read`);
  note.read_at = new Date().toISOString();
  app.unread = Math.max(0, (app.unread || 0) - 1);
}

export async function render(app) {
  let found;
  let offline = false;
  try {
    found = { ...await api('GET', '/inbox'), fetched_at: new Date().toISOString() };
    await app.store.putSealed('inbox', found);
  } catch (e) {
    if (!(e instanceof Unreachable)) throw e;
    found = await app.store.getSealed('inbox');
    if (!found) {
      return h('div', { class: 'panel' }, h('h1', {}, t('Inbox')),
        h('p', { class: 'notice' }, t('The inbox is shown when the device is online.')));
    }
    offline = true;
  }
  app.unread = found.unread;
  const cases = new Map((await app.store.listCases()).map((c) => [c.id, c]));
  const list = h('ul', { class: 'outbox', id: 'inbox-list' });
  const draw = () => {
    list.replaceChildren(...found.notifications.map((note) => {
      const value = note.case_id && cases.get(note.case_id);
      const open = value && !value.ended ? h('a', { class: 'button', href: note.record_id ? `#/record/${note.record_id}` : `#/case/${value.id}`,
        onclick: () => { markRead(app, note).catch(() => {}); } }, t('Open %(case)s', { case: caseLabel(value) })) : null;
      const read = note.read_at || offline ? null : h('button', { type: 'button', class: 'secondary mark-read', onclick: async () => {
        await markRead(app, note);
        app.refreshStatus();
        draw();
      } }, t('Mark as read'));
      return h('li', { class: `outbox-entry inbox-entry${note.read_at ? '' : ' unread'}`, 'data-kind': note.kind },
        h('p', { class: 'card-title' }, message(note)),
        h('p', { class: 'card-meta' }, formatDateTime(note.created_at), value ? ` · ${caseLabel(value)}` : ''),
        open || read ? h('div', { class: 'actions' }, open, read) : null);
    }));
    if (!found.notifications.length) list.append(h('li', { class: 'empty' }, t('Nothing new.')));
  };
  draw();
  return h('div', { class: 'panel' }, h('h1', {}, t('Inbox')), offline ? lastSaidNote(found.fetched_at) : null, list);
}
