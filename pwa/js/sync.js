// Sync (ARCHITECTURE §5): the outbox goes up and the change feed comes down, in batches over POST /api/v1/sync.
// It runs from the page (on start, when the connection returns, on "Sync now"), never from the service
// worker: only the page holds the key to the outbox. One run at a time.
import { api, ApiError, Unreachable } from './api.js';
import { outboxKey } from './outbox.js';
import { catchUpMap } from './socialmap.js';

const BATCH_ITEMS = 100;
const BATCH_BYTES = 256 * 1024; // one upload that finishes on 2G too (about 50 s at 40 kbit/s)
const SYNC_TIMEOUT_MS = 120 * 1000; // such an upload and its answer; other requests give up sooner (api.js)
// The batch sent last, sealed, until its answer has been handled; and how far the sending got ({done, total}),
// so that both survive a lost answer, a reload or a closed app.
const IN_FLIGHT = 'sync_in_flight';
const PROGRESS = 'sync_progress';

// The device's copy of a record as the server sees it.
export function fromServer(view) {
  return { id: view.id, case_id: view.case_id, form_id: view.form_id, form_version: view.form_version,
    status: view.status, data: view.data, rev: view.rev, saved_at: view.saved_at, saved_by: view.saved_by,
    device_id: view.device_id || null, conflicts: view.conflicts || [],
    // Another organisation's record that this user reads and does not change (a partner's report).
    read_only: Boolean(view.read_only),
    // Who saved it and on which device, as the server names them for this user (only on a conflicted record).
    saved_by_name: view.saved_by_name || null, device_name: view.device_name || null };
}

// Why the server refused a change, kept with it in the outbox: the words as said, and the msgid and params that let
// the app say them again in another language (i18n.said).
function refusal(body) {
  const { message, msgid, params, errors } = body;
  return { message, msgid, params, errors: errors || [] };
}

function batches(entries) {
  const out = [];
  let batch = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = JSON.stringify(entry.change).length;
    if (batch.length && (batch.length >= BATCH_ITEMS || bytes + size > BATCH_BYTES)) {
      out.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(entry);
    bytes += size;
  }
  if (batch.length) out.push(batch);
  return out;
}

class Run {
  constructor(store, progress) {
    this.store = store;
    this.progress = progress;
    this.tally = { sent: 0, conflicts: 0, rejected: 0, received: 0 };
  }

  // The entry as it is now, if the user has not saved it again since `sent` went out.
  async unchanged(sent) {
    const now = await this.store.getOutbox(sent.key);
    return now && now.version === sent.version ? now : null;
  }

  async reject(sent, error) {
    const entry = await this.unchanged(sent);
    this.tally.rejected += 1;
    if (entry) await this.store.putOutbox({ ...entry, state: 'rejected', error });
  }

  // The result handlers and applyChanges read and then write the outbox and records: each runs inside
  // store.exclusive(), so a save made meanwhile is never overwritten.
  async caseResult(sent, result) {
    if (result.status !== 'ok') return this.reject(sent, refusal(result));
    this.tally.sent += 1;
    if (await this.unchanged(sent)) await this.store.deleteOutbox(sent.key);
    return undefined;
  }

  async recordResult(sent, result) {
    if (result.status === 'invalid' || result.status === 'forbidden') {
      return this.reject(sent, refusal(result));
    }
    const entry = await this.unchanged(sent);
    const local = await this.store.getRecord(result.id);
    if (result.status === 'ok') {
      this.tally.sent += 1;
      if (entry) {
        await this.store.deleteOutbox(sent.key);
      } else {
        // Saved again while this went out: the newer save builds on the revision just made.
        const newer = await this.store.getOutbox(sent.key);
        if (newer) await this.store.putOutbox({ ...newer, change: { ...newer.change, base_rev: result.rev } });
      }
      // The conflicts this change resolved are settled on the server: the device's copy lets them go too.
      const resolved = new Set(sent.change.resolves || []);
      if (local) await this.store.putRecord({ ...local, rev: result.rev, conflicts: (local.conflicts || []).filter((c) => !resolved.has(c.rev)) });
    } else if (result.status === 'conflict') {
      // The server kept this version as a conflict next to its own: the user decides, field by field.
      this.tally.conflicts += 1;
      if (entry) {
        await this.store.deleteOutbox(sent.key);
        await this.store.putRecord(fromServer(result.current));
      } else if (local) {
        await this.store.putRecord({ ...local, conflicts: result.current.conflicts || [] });
      }
    }
  }

  applyRecord(view) {
    return this.store.exclusive(async () => {
      const pending = await this.store.getOutbox(outboxKey('record', view.id));
      const local = await this.store.getRecord(view.id);
      // A local change not sent yet stays as typed; it learns only of the server's open conflicts.
      if (pending && local) await this.store.putRecord({ ...local, conflicts: view.conflicts || [] });
      else await this.store.putRecord(fromServer(view));
    });
  }

  async applyChanges(changes, granted) {
    this.tally.received += changes.length;
    for (const change of changes) {
      if (change.kind === 'case') {
        await this.store.putCase(change.case);
      } else if (change.kind === 'record') {
        await this.applyRecord(change.record);
      } else if (change.kind === 'handover' && this.store.account.role === 'partner') {
        await this.applyHandover(change, granted);
      }
    }
  }

  // A partner device keeps a handed-over case while the consent holds. When it ends (withdrawn, expired) the
  // case and its records leave the device; a marker without case data says that it ended and why.
  async applyHandover({ handover, case: value, records }, granted) {
    if (value) {
      await this.store.putCase({ ...value, handover: { id: handover.id, from_org_name: handover.from_org_name } });
      for (const record of records || []) await this.applyRecord(record);
    } else if (!granted.has(handover.case_id)) {
      await this.store.dropCase(handover.case_id, { id: handover.case_id, ended: handover.status,
        ended_on: handover.consent.withdrawn_at || handover.consent.expires, from_org_name: handover.from_org_name });
    }
  }

  // Every answer names the cases the partner organisation may see now: any other case on the device goes.
  async dropUngranted(granted) {
    for (const value of await this.store.listCases()) {
      if (!value.ended && !granted.has(value.id)) {
        await this.store.dropCase(value.id, { id: value.id, ended: 'ended' });
        this.tally.received += 1;
      }
    }
  }

  async post(body) {
    const cursor = await this.store.getMeta('cursor');
    const response = await api('POST', '/sync', { ...body, since: cursor ?? null }, { timeout: SYNC_TIMEOUT_MS });
    const granted = new Set(response.granted_case_ids || []);
    await this.applyChanges(response.changes, granted);
    if (this.store.account.role === 'partner') await this.dropUngranted(granted);
    await this.store.setMeta('cursor', response.cursor);
    return response;
  }

  // The batch is kept until its answer has been handled. When the answer is lost (a dropped connection, a
  // timeout, a reload) the next sync first sends the same batch again, unchanged, even if the user has saved
  // again since: the server knows every change in it and answers as the first time (no second revision, no
  // conflict), and a newer save then builds on the revision that answer names.
  async push(batch) {
    const cases = batch.filter((e) => e.kind === 'case');
    const records = batch.filter((e) => e.kind === 'record');
    await this.store.putSealed(IN_FLIGHT, batch);
    let response;
    try {
      response = await this.post({ cases: cases.map((e) => e.change), push: records.map((e) => e.change) });
    } catch (error) {
      if (!(error instanceof ApiError) || ![400, 413, 422].includes(error.status)) throw error;
      if (error.status === 413 && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        const first = await this.push(batch.slice(0, half));
        const second = await this.push(batch.slice(half));
        return first && second;
      }
      // The request as a whole was refused: every change in it stays, with the reason.
      const reason = refusal({ message: error.message, ...error.body });
      for (const entry of batch) await this.store.exclusive(() => this.reject(entry, reason));
      await this.store.setMeta(IN_FLIGHT, null);
      return true;
    }
    const byKey = new Map(batch.map((e) => [e.key, e]));
    for (const result of response.case_results) {
      await this.store.exclusive(() => this.caseResult(byKey.get(outboxKey('case', result.id)), result));
    }
    for (const result of response.results) {
      await this.store.exclusive(() => this.recordResult(byKey.get(outboxKey('record', result.id)), result));
    }
    await this.store.setMeta(IN_FLIGHT, null);
    return response.more;
  }

  async pending() {
    const entries = (await this.store.listOutbox()).filter((e) => e.state === 'pending');
    return entries.sort((a, b) => (a.kind === b.kind ? a.order - b.order : a.kind === 'case' ? -1 : 1));
  }

  async run(userId) {
    const who = await api('GET', '/session');
    // A shared tablet: the browser's session may belong to someone else than the unlocked account.
    if (who.user.id !== userId) return { status: 'login' };
    const inFlight = await this.store.getSealed(IN_FLIGHT);
    let entries = await this.pending();
    // Sending goes on where an interrupted sync left it: "12 of 40" stays 12 of 40 after a reload.
    const before = await this.store.getMeta(PROGRESS);
    let done = before && (entries.length || inFlight) ? before.done : 0;
    const report = async () => {
      const total = done + entries.length;
      await this.store.setMeta(PROGRESS, { done, total });
      this.progress({ phase: 'sending', done, total });
    };
    await report();
    let more = true;
    if (inFlight) {
      more = await this.push(inFlight);
      done += inFlight.length;
      entries = await this.pending();
      await report();
    }
    for (const batch of batches(entries)) {
      more = await this.push(batch);
      done += batch.length;
      entries = entries.slice(batch.length);
      await report();
    }
    await this.store.setMeta(PROGRESS, null);
    while (more) {
      this.progress({ phase: 'receiving' });
      ({ more } = await this.post({}));
    }
    this.progress({ phase: 'receiving' });
    if (await catchUpMap(this.store)) this.tally.received += 1;
    await this.store.setMeta('last_sync', new Date().toISOString());
    return { status: 'ok', ...this.tally };
  }
}

let running = null;

// One sync per account at a time, across tabs too; a tab that finds another tab syncing leaves it to that one.
function oneAtATime(store, work) {
  if (!navigator.locks) return work();
  return navigator.locks.request(`safefuture-sync-${store.account.user_id}`, { ifAvailable: true },
    (lock) => (lock ? work() : { status: 'ok', sent: 0, conflicts: 0, rejected: 0, received: 0 }));
}

// Returns {status: 'ok' | 'offline' | 'login' | 'error', sent, conflicts, rejected, received, message?}.
export function syncNow(store, progress = () => {}) {
  if (!running) {
    running = (async () => {
      try {
        return await oneAtATime(store, () => new Run(store, progress).run(store.account.user_id));
      } catch (error) {
        if (error instanceof Unreachable) return { status: 'offline' };
        if (error instanceof ApiError && error.status === 401) return { status: 'login' };
        return { status: 'error', message: error.message };
      } finally {
        running = null;
      }
    })();
  }
  return running;
}
