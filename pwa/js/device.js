// This installation of the app: its id (a UUID sent as X-Device-Id with every request), the name its user gives
// it, and the key of the server session while the app is unlocked (see pwa/README.md, "The lock"). The id and
// name are no secret and live in localStorage; the session key lives in memory only, and sealed under the data
// key in the account's database.
const ID_KEY = 'safefuture-device-id';
const NAME_KEY = 'safefuture-device-name';
const WIPED_KEY = 'safefuture-wiped-at';

let sessionKey = null;
let unsent = null;

export function deviceId() {
  let id = localStorage.getItem(ID_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(ID_KEY, id);
  }
  return id;
}

export function deviceName() {
  return localStorage.getItem(NAME_KEY) || '';
}

export function setDeviceName(name) {
  localStorage.setItem(NAME_KEY, name);
}

// After a wipe the installation starts over as a new device: the old id stays refused by the server.
export function forgetDevice() {
  localStorage.removeItem(ID_KEY);
  localStorage.removeItem(NAME_KEY);
}

export function setSessionKey(key) {
  sessionKey = key || null;
}

export function hasSessionKey() {
  return sessionKey !== null;
}

export function setUnsent(count) {
  unsent = count;
}

// The headers every API request carries.
export function deviceHeaders() {
  const headers = { 'X-Device-Id': deviceId() };
  if (sessionKey) headers['X-Session-Key'] = sessionKey;
  if (unsent !== null) headers['X-Unsent-Changes'] = String(unsent);
  return headers;
}

// When the app erased itself on the server's order, so the next screen can say so (also after a reload).
export function noteWiped(at) {
  localStorage.setItem(WIPED_KEY, at);
}

export function wipedAt() {
  return localStorage.getItem(WIPED_KEY);
}

export function clearWiped() {
  localStorage.removeItem(WIPED_KEY);
}
