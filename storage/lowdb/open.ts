import { resolve } from 'node:path';
import { yieldIfBusy } from '../event-loop.js';
import type { Store, Tx } from '../store.js';
import { COLLECTIONS, MIGRATIONS } from './collections.js';
import { Engine, type Tables } from './engine.js';
import { lowdbFileArea } from './file-area.js';
import { holidayVerbs } from './holidays.js';
import { inboxVerbs } from './inbox.js';
import { ledgerVerbs } from './ledger.js';
import { jobVerbs } from './jobs.js';
import { leaveVerbs } from './leave.js';
import { orgVerbs } from './org.js';
import { outboxVerbs } from './outbox.js';
import { RETIREMENT } from './retention.js';
import { studyVerbs } from './study.js';

function verbs(t: Tables): Tx {
  return {
    ...orgVerbs(t),
    ...inboxVerbs(t),
    ...outboxVerbs(t),
    ...ledgerVerbs(t),
    ...jobVerbs(t),
    ...studyVerbs(t),
    ...holidayVerbs(t),
    ...leaveVerbs(t),
    async nextNumber(series) {
      return t.next(series);
    },
  };
}

/**
 * The verbs of a read view, each letting waiting I/O run first when the work so far has held the thread for a few
 * milliseconds: a report is a long chain of reads that would otherwise run as one block of microtasks.
 */
function yielding(tx: Tx): Tx {
  const out: Record<string, unknown> = {};
  for (const [name, verb] of Object.entries(tx)) {
    out[name] = async (...args: unknown[]) => {
      await yieldIfBusy();
      return (verb as (...a: unknown[]) => unknown)(...args);
    };
  }
  return out as unknown as Tx;
}

/** How the embedded store is opened. */
export interface LowdbOpenOptions {
  checkpointEvery?: number;
  /** Read without writing or locking (the export CLI beside a running server). */
  readOnly?: boolean;
  /** `feishu` or `local`: the data is marked with it, and a file marked with the other is refused. */
  mode?: 'feishu' | 'local';
}

/**
 * Opens the embedded store: a lowdb JSON snapshot at `file` plus its write-ahead log beside it, locked to this
 * process. Throws StoreOpenError (naming the file and the fix) rather than open damaged or foreign data.
 */
export async function openLowdbStore(file: string, opts: LowdbOpenOptions = {}): Promise<Store> {
  const engine = await Engine.open({ file, collections: COLLECTIONS, migrations: MIGRATIONS, retire: RETIREMENT, ...opts });
  // The engine hands out one tables view per mode, so the verbs over each are built once.
  const made = new WeakMap<Tables, Tx>();
  const tx = (t: Tables) => made.get(t) ?? made.set(t, verbs(t)).get(t)!;
  return {
    transact: (fn) => engine.run('write', (t) => fn(tx(t))),
    read: (fn) => engine.run('read', (t) => fn(tx(t))),
    view: (fn) => engine.view((t) => fn(yielding(verbs(t)))),
    health: () => ({ ok: true, kind: 'lowdb', schemaVersion: engine.schemaVersion, lastTx: engine.lastTx, detail: { file } }),
    files: lowdbFileArea(resolve(file), opts.readOnly ?? false),
    close: () => engine.close(),
  };
}
