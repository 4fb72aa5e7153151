import type { Store, Tx } from '../store.js';
import { COLLECTIONS, MIGRATIONS } from './collections.js';
import { Engine, type Tables } from './engine.js';
import { inboxVerbs } from './inbox.js';
import { ledgerVerbs } from './ledger.js';
import { jobVerbs } from './jobs.js';
import { orgVerbs } from './org.js';
import { outboxVerbs } from './outbox.js';
import { studyVerbs } from './study.js';

function verbs(t: Tables): Tx {
  return {
    ...orgVerbs(t),
    ...inboxVerbs(t),
    ...outboxVerbs(t),
    ...ledgerVerbs(t),
    ...jobVerbs(t),
    ...studyVerbs(t),
    async nextNumber(series) {
      return t.next(series);
    },
  };
}

/** Opens the embedded store: a lowdb JSON snapshot at `file` plus its write-ahead log beside it. */
export async function openLowdbStore(file: string, opts: { checkpointEvery?: number; readOnly?: boolean } = {}): Promise<Store> {
  const engine = await Engine.open({ file, collections: COLLECTIONS, migrations: MIGRATIONS, ...opts });
  return {
    transact: (fn) => engine.run('write', (t) => fn(verbs(t))),
    read: (fn) => engine.run('read', (t) => fn(verbs(t))),
    health: () => ({ ok: true, kind: 'lowdb', schemaVersion: engine.schemaVersion, lastTx: engine.lastTx, detail: { file } }),
    close: () => engine.close(),
  };
}
