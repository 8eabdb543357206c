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

// A request without an answer within this time is given up, as unreachable: a hung connection on a field
// network must never hold the app (or its "Sending…") for good. What was sent may have been stored: every
// write is idempotent, so sending it again is safe.
export const TIMEOUT_MS = 30 * 1000;

export async function api(method, path, body, { timeout = TIMEOUT_MS } = {}) {
  const headers = { ...requestHeaders(), Accept: 'application/json' };
  const controller = new AbortController();
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store', signal: controller.signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const timer = setTimeout(() => controller.abort(), timeout);
  let response;
  let data;
  try {
    try {
      response = await fetch(`/api/v1${path}`, init);
    } catch (error) {
      throw new Unreachable(controller.signal.aborted ? 'timeout' : String(error));
    }
    data = response.status === 204 ? null : await response.json().catch(() => null);
    if (controller.signal.aborted) throw new Unreachable('timeout'); // the answer stopped halfway
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 410 && data && data.error === 'device_wiped') await onWiped();
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
