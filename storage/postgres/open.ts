import { errorText, StoreOpenError } from '../errors.js';
import { COLLECTIONS, MIGRATIONS } from '../lowdb/collections.js';
import type { Store } from '../store.js';
import { verbsCache, verbs, yielding } from '../verbs.js';
import { watchCommits } from './commit-watch.js';
import { PgEngine } from './engine.js';
import { postgresFileArea } from './files.js';
import { openPool } from './pool.js';
import { migrateSchema } from './schema.js';

/** How the PostgreSQL store is opened. */
export interface PostgresOpenOptions {
  /** Write the snapshot row every this many transactions (default 1,000). */
  snapshotEvery?: number;
  /** Log rows kept behind each snapshot (default 100,000); a replica further behind reloads the snapshot. */
  keepLogRows?: number;
  /** `feishu` or `local`: the data is marked with it, and a database marked with the other is refused. */
  mode?: 'feishu' | 'local';
  /** Shown in pg_stat_activity, to tell replicas apart. */
  applicationName?: string;
}

/** The database a URL names, as host:port/database: what messages and /healthz may show (never the password). */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Opens the store on PostgreSQL: migrates the schema (once, whichever replica starts first), loads the snapshot row
 * and the log after it. Any number of replicas may open the same database; each sees the others' writes.
 */
export async function openPostgresStore(url: string, opts: PostgresOpenOptions = {}): Promise<Store> {
  const where = describeDatabase(url);
  const pool = openPool(url, { max: 4, applicationName: opts.applicationName ?? 'duban' });
  let engine: PgEngine;
  try {
    await migrateSchema(pool);
    engine = await PgEngine.open(pool, { collections: COLLECTIONS, migrations: MIGRATIONS, snapshotEvery: opts.snapshotEvery ?? 1000, keepLogRows: opts.keepLogRows ?? 100_000, mode: opts.mode, where });
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(`could not open PostgreSQL database ${where}: ${errorText(err)}. Check DUBAN_DATABASE_URL and that the server is reachable.`, { cause: err });
  }
  const tx = verbsCache();
  const commits = watchCommits(url, { applicationName: opts.applicationName ?? 'duban', seen: () => engine.lastTx, heard: engine.heard });
  let closing: Promise<void> | undefined;
  return {
    transact: (fn) => engine.run('write', (t) => fn(tx(t))),
    read: (fn, o) => engine.run(o?.known ? 'known' : 'read', (t) => fn(tx(t))),
    view: (fn, o) => engine.view((t) => fn(yielding(verbs(t))), o),
    health: () => ({ ok: true, kind: 'postgres', schemaVersion: engine.schemaVersion, lastTx: engine.lastTx, detail: { database: where } }),
    files: postgresFileArea(pool, 'duban_files'),
    evidence: postgresFileArea(pool, 'duban_evidence'),
    watch: (listener) => commits.add(listener),
    close: () =>
      (closing ??= (async () => {
        try {
          await commits.close();
          await engine.close();
        } finally {
          await pool.end();
        }
      })()),
  };
}
