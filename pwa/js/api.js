// The JSON API. Every call names the UI language (errors come back in it) and carries the header the server
// requires for state-changing requests.
import { language } from './i18n.js';
import { deviceHeaders } from './device.js';

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

// The request never reached the server: no connection, or the server is down.
export class Unreachable extends Error {}

// What the app does when the server answers that this device was wiped (410 device_wiped): set by app.js.
let onWiped = () => {};
export function whenWiped(handler) {
  onWiped = handler;
}

export function requestHeaders() {
  return { 'X-UI-Language': language(), 'X-Requested-With': 'safefuture', ...deviceHeaders() };
}

export async function api(method, path, body) {
  const headers = { ...requestHeaders(), Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`/api/v1${path}`, init);
  } catch (error) {
    throw new Unreachable(String(error));
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.status === 410 && data && data.error === 'device_wiped') await onWiped();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
