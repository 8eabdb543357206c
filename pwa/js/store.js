// The device store: every case, record and outbox entry sealed with the account's data key (crypto.js).
// In clear are only what IndexedDB needs to find things: random ids, a record's case id and the outbox order.
import { openRegistry, openAccountDB, deleteAccountDB } from './db.js';
import { createKeyring, openKeyring, seal, unseal } from './crypto.js';
import { deviceId } from './device.js';

// What the server last said about one case, kept sealed in `meta` as `<kind>:<case id>` (see getSealed).
const CASE_SEALED = ['overview', 'monitoring'];
const keyringLabel = (userId) => `safefuture-data-key:${userId}`;

export async function listAccounts() {
  const db = await openRegistry();
  try {
    return await db.getAll('accounts');
  } finally {
    db.close();
  }
}

async function putAccount(account) {
  const db = await openRegistry();
  try {
    await db.put('accounts', account);
  } finally {
    db.close();
  }
}

// The account of a user who just logged in for the first time on this device, with a new passphrase.
export async function createAccount(user, passphrase, onBlocking) {
  const { keyring, key } = await createKeyring(passphrase, keyringLabel(user.id));
  const account = { user_id: user.id, email: user.email, org_id: user.org_id, role: user.role, keyring,
    created_at: new Date().toISOString() };
  await putAccount(account);
  const store = await DeviceStore.open(account, key, onBlocking);
  await store.setMeta('device_id', deviceId());
  return store;
}

// Throws WrongPassphrase.
export async function unlockAccount(account, passphrase, onBlocking) {
  const key = await openKeyring(passphrase, account.keyring, keyringLabel(account.user_id));
  return DeviceStore.open(account, key, onBlocking);
}

// The server's view of the user may change (role, e-mail); the keyring stays.
export async function refreshAccount(account, user) {
  Object.assign(account, { email: user.email, org_id: user.org_id, role: user.role });
  await putAccount(account);
}

// Crypto-shredding: without the wrapped key nothing left behind can be read; then the data goes too.
export async function removeAccount(userId) {
  const db = await openRegistry();
  try {
    await db.delete('accounts', userId);
  } finally {
    db.close();
  }
  await deleteAccountDB(userId);
}

let orderCounter = 0;
function nextOrder() {
  orderCounter = (orderCounter + 1) % 1000;
  return Date.now() * 1000 + orderCounter;
}

export class DeviceStore {
  constructor(db, key, account) {
    this.db = db;
    this.key = key;
    this.account = account;
    this.queue = Promise.resolve();
  }

  // Work that reads the outbox or a record and then writes it runs one at a time — in this tab and in every
  // other tab of the same account (Web Locks) — so a save and a sync never overwrite each other's writes.
  // Not re-entrant: `fn` must not call exclusive() itself.
  exclusive(fn) {
    if (navigator.locks) return navigator.locks.request(`safefuture-write-${this.account.user_id}`, fn);
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  static async open(account, key, onBlocking) {
    return new DeviceStore(await openAccountDB(account.user_id, onBlocking), key, account);
  }

  close() {
    this.db.close();
    this.key = null;
  }

  async sealRow(storeName, id, value, clear = {}) {
    const idField = storeName === 'outbox' ? 'key' : 'id';
    return { [idField]: id, ...clear, sealed: await seal(this.key, value, `${storeName}:${id}`) };
  }

  async openRow(storeName, row) {
    if (!row) return undefined;
    const id = storeName === 'outbox' ? row.key : row.id;
    return unseal(this.key, row.sealed, `${storeName}:${id}`);
  }

  async openRows(storeName, rows) {
    return Promise.all(rows.map((row) => this.openRow(storeName, row)));
  }

  // Cases
  async getCase(id) {
    return this.openRow('cases', await this.db.get('cases', id));
  }

  async listCases() {
    return this.openRows('cases', await this.db.getAll('cases'));
  }

  async putCase(value) {
    await this.db.put('cases', await this.sealRow('cases', value.id, value));
  }

  // A partner organisation's access to a case ended: the case and its records leave the device together (the
  // outbox keeps what was typed and not sent, so the user still sees it).
  async dropCase(id, marker) {
    const caseRow = marker ? await this.sealRow('cases', id, marker) : null;
    const tx = this.db.transaction(['cases', 'records', 'meta'], 'readwrite');
    const records = tx.objectStore('records');
    const keys = await records.index('case_id').getAllKeys(id);
    // What the server last said about the case goes with it (CASE_SEALED: overview, monitoring).
    const said = CASE_SEALED.map((kind) => tx.objectStore('meta').delete(`${kind}:${id}`));
    await Promise.all([...keys.map((key) => records.delete(key)), ...said,
      caseRow ? tx.objectStore('cases').put(caseRow) : tx.objectStore('cases').delete(id), tx.done]);
  }

  // Records
  async getRecord(id) {
    return this.openRow('records', await this.db.get('records', id));
  }

  // A discarded draft stays (the server keeps it in the record's history) but is listed nowhere.
  async recordsOfCase(caseId) {
    return (await this.openRows('records', await this.db.getAllFromIndex('records', 'case_id', caseId)))
      .filter((r) => r.status !== 'discarded');
  }

  async listRecords() {
    return (await this.openRows('records', await this.db.getAll('records'))).filter((r) => r.status !== 'discarded');
  }

  async putRecord(record) {
    await this.db.put('records', await this.sealRow('records', record.id, record, { case_id: record.case_id }));
  }

  // Outbox: one entry per case or record, in the order it was first queued.
  async getOutbox(key) {
    return this.openRow('outbox', await this.db.get('outbox', key));
  }

  async listOutbox() {
    return this.openRows('outbox', await this.db.getAllFromIndex('outbox', 'order'));
  }

  async putOutbox(entry) {
    if (entry.order === undefined) entry.order = nextOrder();
    await this.db.put('outbox', await this.sealRow('outbox', entry.key, entry, { order: entry.order }));
  }

  async deleteOutbox(key) {
    await this.db.delete('outbox', key);
  }

  // A draft the server never had leaves the device with its outbox entry, together.
  async dropRecord(id, key) {
    const tx = this.db.transaction(['records', 'outbox'], 'readwrite');
    await Promise.all([tx.objectStore('records').delete(id), tx.objectStore('outbox').delete(key), tx.done]);
  }

  // A record and its outbox entry change together or not at all. Sealing happens first: an IndexedDB
  // transaction closes itself while it waits on anything else.
  async putRecordAndOutbox(record, entry) {
    if (entry.order === undefined) entry.order = nextOrder();
    const recordRow = await this.sealRow('records', record.id, record, { case_id: record.case_id });
    const entryRow = await this.sealRow('outbox', entry.key, entry, { order: entry.order });
    const tx = this.db.transaction(['records', 'outbox'], 'readwrite');
    await Promise.all([tx.objectStore('records').put(recordRow), tx.objectStore('outbox').put(entryRow), tx.done]);
  }

  async putCaseAndOutbox(value, entry) {
    if (entry.order === undefined) entry.order = nextOrder();
    const caseRow = await this.sealRow('cases', value.id, value);
    const entryRow = await this.sealRow('outbox', entry.key, entry, { order: entry.order });
    const tx = this.db.transaction(['cases', 'outbox'], 'readwrite');
    await Promise.all([tx.objectStore('cases').put(caseRow), tx.objectStore('outbox').put(entryRow), tx.done]);
  }

  // What the server last said for a screen that shows it offline too, sealed like a case, under a name of its
  // own: `<kind>:<case id>` for a kind in CASE_SEALED (visited steps and possible moves; the monitoring
  // schedule), or `inbox`.
  async getSealed(name) {
    const sealed = await this.db.get('meta', name);
    return sealed ? unseal(this.key, sealed, name) : undefined;
  }

  async putSealed(name, value) {
    await this.db.put('meta', await seal(this.key, value, name), name);
  }

  // Plain settings of this account on this device (cursor, time of the last sync, device id): no case text.
  async getMeta(name) {
    return this.db.get('meta', name);
  }

  async setMeta(name, value) {
    await this.db.put('meta', value, name);
  }
}
