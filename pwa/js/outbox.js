// The outbox (ARCHITECTURE §5): every change waits here until the server confirms it. One entry per case or
// record: saving a record again before it is sent replaces its entry, since the newer save holds everything
// the older one did. A rejected entry stays, with the server's reason, until the user fixes and resends it.

export const outboxKey = (kind, id) => `${kind}:${id}`;

async function entryFor(store, kind, id) {
  const key = outboxKey(kind, id);
  const previous = await store.getOutbox(key);
  return { previous, entry: { key, kind, id, state: 'pending', error: null,
    queued_at: previous ? previous.queued_at : new Date().toISOString(),
    version: previous ? previous.version + 1 : 1, order: previous ? previous.order : undefined } };
}

// Save a record on the device and queue its change. `resolves` lists the conflict revisions this version
// settles; they stay with the entry until it is sent, however often the user saves again.
export function saveRecord(store, record, { resolves = [] } = {}) {
  return store.exclusive(async () => {
    const { previous, entry } = await entryFor(store, 'record', record.id);
    const pendingResolves = new Set([...(previous ? previous.change.resolves || [] : []), ...resolves]);
    entry.change = {
      id: record.id, case_id: record.case_id, form_id: record.form_id, form_version: record.form_version,
      status: record.status, data: record.data, base_rev: record.rev || null,
      device_id: await store.getMeta('device_id'),
    };
    if (pendingResolves.size) entry.change.resolves = [...pendingResolves];
    entry.label = { case_id: record.case_id, form_id: record.form_id };
    await store.putRecordAndOutbox(record, entry);
    return entry;
  });
}

// Discard a draft. One that never reached the server (no revision there) leaves the device and the outbox; one
// the server has is sent as a revision of status "discarded", which the server keeps in the record's history,
// so nothing is silently lost. Returns false, changing nothing, for a record that is not a draft.
export async function discardDraft(store, id) {
  const record = await store.getRecord(id);
  if (!record || record.status !== 'draft') return false;
  if (record.rev) {
    await saveRecord(store, { ...record, status: 'discarded', saved_at: new Date().toISOString() });
    return true;
  }
  return store.exclusive(async () => {
    const again = await store.getRecord(id);
    if (!again || again.rev || again.status !== 'draft') return false;
    await store.dropRecord(id, outboxKey('record', id));
    return true;
  });
}

export function saveCase(store, value) {
  return store.exclusive(async () => {
    const { entry } = await entryFor(store, 'case', value.id);
    entry.change = { id: value.id, client_code: value.client_code, country_of_origin: value.country_of_origin };
    entry.label = { case_id: value.id };
    await store.putCaseAndOutbox(value, entry);
    return entry;
  });
}

// Send a rejected entry again, unchanged (for example after a coordinator fixed the user's rights).
export function retry(store, key) {
  return store.exclusive(async () => {
    const entry = await store.getOutbox(key);
    if (!entry) return;
    Object.assign(entry, { state: 'pending', error: null, version: entry.version + 1 });
    await store.putOutbox(entry);
  });
}

export async function summary(store) {
  const entries = await store.listOutbox();
  return { total: entries.length, rejected: entries.filter((e) => e.state === 'rejected').length, entries };
}
