// The IndexedDB databases: `safefuture` lists the accounts set up on this device (a shared tablet has
// several); `safefuture-<user id>` holds one account's encrypted cases, records and outbox.
import { openDB, deleteDB } from '../vendor/idb@8.0.4/index.js';

const REGISTRY = 'safefuture';

// One step per database version, run once per device in order. A new deployment adds a step and never drops
// a store, so drafts and the outbox survive every update of the app.
const ACCOUNT_DB_STEPS = [
  (db) => {
    db.createObjectStore('meta');
    db.createObjectStore('cases', { keyPath: 'id' });
    db.createObjectStore('records', { keyPath: 'id' }).createIndex('case_id', 'case_id');
    db.createObjectStore('outbox', { keyPath: 'key' }).createIndex('order', 'order');
  },
];

export function openRegistry() {
  return openDB(REGISTRY, 1, {
    upgrade(db) {
      db.createObjectStore('accounts', { keyPath: 'user_id' });
    },
  });
}

// `onBlocking` runs when a newer version of the app, in another tab, needs to upgrade the database.
export function openAccountDB(userId, onBlocking) {
  return openDB(`safefuture-${userId}`, ACCOUNT_DB_STEPS.length, {
    upgrade(db, oldVersion) {
      ACCOUNT_DB_STEPS.slice(oldVersion).forEach((step) => step(db));
    },
    blocking() {
      onBlocking();
    },
  });
}

export function deleteAccountDB(userId) {
  return deleteDB(`safefuture-${userId}`);
}
