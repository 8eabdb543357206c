// Devices: a coordinator sees the organisation's (who used it last, when, how many changes it had not sent
// then) and wipes a lost one; everyone else sees their own.
import { h, toast } from '../dom.js';
import { t, formatDateTime } from '../i18n.js';
import { api } from '../api.js';
import { deviceId } from '../device.js';
import { errorBox, busy, badge } from './common.js';
import { showApiError } from './account.js';

function wipeState(wipe) {
  if (!wipe) return null;
  if (wipe.confirmed_at) return badge('final', t('Wiped: the device confirmed it erased everything (%(time)s)', { time: formatDateTime(wipe.confirmed_at) }));
  if (wipe.delivered_at) return badge('pending', t('Wipe received by the device (%(time)s); no confirmation yet', { time: formatDateTime(wipe.delivered_at) }));
  return badge('pending', t('Wipe ordered (%(time)s): waiting for the device to go online', { time: formatDateTime(wipe.ordered_at) }));
}

function deviceItem(device, redraw) {
  const error = errorBox();
  const name = device.name || t('Unnamed device');
  const confirmBox = h('div', { class: 'notice', hidden: true, role: 'group', 'aria-label': t('Wipe %(name)s?', { name }) });
  const ask = h('button', { type: 'button', class: 'danger', hidden: Boolean(device.wipe) }, t('Wipe…'));
  const confirm = h('button', { type: 'button', class: 'danger' }, t('Wipe this device'));
  const cancel = h('button', { type: 'button', class: 'secondary' }, t('Cancel'));
  confirmBox.append(
    h('p', {}, t('The device will be refused from now on, and at its next contact the app erases everything it holds, changes not sent yet included. Use this for a lost or stolen device.')),
    h('div', { class: 'actions' }, confirm, cancel));
  ask.addEventListener('click', () => {
    confirmBox.hidden = false;
    ask.hidden = true;
    confirm.focus();
  });
  cancel.addEventListener('click', () => {
    confirmBox.hidden = true;
    ask.hidden = false;
    ask.focus();
  });
  confirm.addEventListener('click', async () => {
    busy(confirm, true, t('Please wait…'));
    try {
      await api('POST', `/devices/${device.id}/wipe`);
      toast(t('Wipe ordered for %(name)s.', { name }));
      await redraw();
    } catch (e) {
      busy(confirm, false);
      showApiError(error, e);
    }
  });
  const here = device.id === deviceId();
  return h('li', { class: 'admin-item', 'data-device': device.id },
    h('p', { class: 'card-title' }, name, here ? ` (${t('this device')})` : ''),
    h('p', { class: 'card-meta' }, device.user_email || '?'),
    h('p', { class: 'card-meta' }, t('Last contact: %(time)s', { time: formatDateTime(device.last_contact) }), ' · ',
      device.unsent === null || device.unsent === undefined ? t('Unsent changes: not reported')
        : t('Unsent changes then: %(count)s', { count: device.unsent })),
    wipeState(device.wipe), h('div', { class: 'actions' }, here ? null : ask), confirmBox, error);
}

export async function render(app) {
  const panel = h('div', { class: 'panel' });
  const manager = ['coordinator', 'admin'].includes(app.store.account.role);
  const redraw = async () => {
    const { devices } = await api('GET', '/devices');
    panel.replaceChildren(h('h1', {}, manager ? t('Devices') : t('Your devices')),
      h('p', { class: 'hint' }, manager ? t('The devices of your organisation, most recently used first.')
        : t('The devices you used, most recently used first. Wipe one you lost.')),
      devices.length ? h('ul', { class: 'admin-list', id: 'device-list' }, devices.map((d) => deviceItem(d, redraw)))
        : h('p', { class: 'empty' }, t('No devices yet.')));
  };
  await redraw();
  return panel;
}
