// A wiped device (the server answered 410 device_wiped): the app erases everything it holds — every account's
// database with its cases, records and outbox, and the wrapped data keys — starts over as a new installation,
// tells the server the wipe is done, and says so on the login screen.
import { listAccounts, removeAccount } from './store.js';
import { deviceId, forgetDevice, noteWiped } from './device.js';
import { suspend } from './session-lock.js';
import { api } from './api.js';
import { renderTopbar } from './views/shell.js';

let erasing = null;

export function eraseAfterWipe(app) {
  if (!erasing) erasing = erase(app).finally(() => { erasing = null; });
  return erasing;
}

async function erase(app) {
  const oldId = deviceId();
  app.leaveHook = null;
  suspend();
  if (app.store) {
    app.store.close();
    app.store = null;
  }
  app.lastAccountId = null;
  app.pendingLogin = null;
  for (const account of await listAccounts()) await removeAccount(account.user_id);
  forgetDevice();
  sessionStorage.clear();
  noteWiped(new Date().toISOString());
  try {
    await api('POST', `/devices/${oldId}/wipe-confirmation`);
  } catch {
    // Offline or refused: the data is gone all the same; the coordinator sees the order as delivered.
  }
  renderTopbar(app);
  app.go('#/login');
}
