// The lock that locks (pwa/README.md, "The lock"): the app logs in with `lockable: true`, and the server then
// answers that session only to requests that carry its key (X-Session-Key). The key is held in memory while the
// app is unlocked and sealed under the account's data key on the device; locking forgets it, unlocking with the
// device passphrase unseals it again. A locked device's cookie alone reads and writes nothing.
import { setSessionKey } from './device.js';

const SEALED_NAME = 'session_key';
let fresh = null; // {userId, key} from a login whose account is not unlocked yet

export function loggedIn(userId, key) {
  fresh = key ? { userId, key } : null;
}

// The account was unlocked: a fresh login's key is sealed for next time, else the sealed one is used again.
export async function resume(store) {
  if (fresh && fresh.userId === store.account.user_id) {
    await store.putSealed(SEALED_NAME, fresh.key);
    setSessionKey(fresh.key);
    fresh = null;
    return;
  }
  setSessionKey((await store.getSealed(SEALED_NAME)) || null);
}

export function suspend() {
  setSessionKey(null);
}
