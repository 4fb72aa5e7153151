import { resolve } from 'node:path';
import type { Store } from '../store.js';
import { verbsCache, verbs, yielding } from '../verbs.js';
import { COLLECTIONS, MIGRATIONS } from './collections.js';
import { Engine } from './engine.js';
import { lowdbFileArea } from './file-area.js';
import { RETIREMENT } from './retention.js';

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
  const tx = verbsCache();
  return {
    transact: (fn) => engine.run('write', (t) => fn(tx(t))),
    read: (fn) => engine.run('read', (t) => fn(tx(t))),
    view: (fn) => engine.view((t) => fn(yielding(verbs(t)))),
    health: () => ({ ok: true, kind: 'lowdb', schemaVersion: engine.schemaVersion, lastTx: engine.lastTx, detail: { file } }),
    files: lowdbFileArea(resolve(file), opts.readOnly ?? false),
    evidence: lowdbFileArea(resolve(file), opts.readOnly ?? false, 'evidence'),
    close: () => engine.close(),
  };
}
