import type pg from 'pg';
import { yieldIfBusy } from '../event-loop.js';
import type { Op, Snapshot } from '../lowdb/engine-types.js';
import { replay, type Positions } from '../lowdb/log-files.js';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** A log row as node-postgres returns it (bigint as a string, json parsed). */
export interface LogRow {
  tx: string;
  ops: Op[];
}

/** Log rows after `afterTx`, in order; one indexed range read on the primary key. */
export async function logRowsAfter(q: Queryable, afterTx: number): Promise<LogRow[]> {
  const { rows } = await q.query<LogRow>('SELECT tx, ops FROM duban_log WHERE tx > $1 ORDER BY tx', [afterTx]);
  return rows;
}

/** The data as the database holds it: the snapshot row with every later log row replayed. */
export async function readDatabaseState(q: Queryable): Promise<Snapshot> {
  const { rows } = await q.query<{ last_tx: string; schema_version: number; mode: string | null; counters: Snapshot['counters']; collections: Snapshot['collections'] }>(
    'SELECT last_tx, schema_version, mode, counters, collections FROM duban_snapshot WHERE id = 1',
  );
  const row = rows[0];
  const snap: Snapshot = row
    ? { lastTx: Number(row.last_tx), schemaVersion: row.schema_version, mode: row.mode ?? undefined, counters: row.counters, collections: row.collections }
    : { lastTx: 0, schemaVersion: 0, counters: {}, collections: {} };
  const positions: Positions = new Map();
  for (const r of await logRowsAfter(q, snap.lastTx)) {
    const tx = Number(r.tx);
    if (tx !== snap.lastTx + 1) throw new Error(`duban_log continues at transaction ${tx} but the data before it ends at ${snap.lastTx}`);
    replay(snap, r.ops, positions);
    snap.lastTx = tx;
  }
  return snap;
}

/**
 * Writes `snap` as the snapshot row unless the row already holds a later transaction (another replica wrote one).
 * Collections are sent as one JSON text: the snapshot is read back whole, never queried.
 */
export async function writeSnapshot(q: Queryable, snap: Snapshot): Promise<void> {
  await q.query(
    `INSERT INTO duban_snapshot (id, last_tx, schema_version, mode, counters, collections, at) VALUES (1, $1, $2, $3, $4, $5, now())
     ON CONFLICT (id) DO UPDATE SET last_tx = excluded.last_tx, schema_version = excluded.schema_version, mode = excluded.mode,
       counters = excluded.counters, collections = excluded.collections, at = excluded.at
     WHERE duban_snapshot.last_tx < excluded.last_tx OR (duban_snapshot.last_tx = excluded.last_tx
       AND (duban_snapshot.schema_version < excluded.schema_version OR duban_snapshot.mode IS DISTINCT FROM excluded.mode))`,
    [snap.lastTx, snap.schemaVersion, snap.mode ?? null, JSON.stringify(snap.counters), await collectionsJson(snap.collections)],
  );
}

/** The last transaction the snapshot row holds (0 when there is none). */
export async function snapshotRowTx(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ last_tx: string }>('SELECT last_tx FROM duban_snapshot WHERE id = 1');
  return rows[0] ? Number(rows[0].last_tx) : 0;
}

/**
 * `JSON.stringify(collections)` a record at a time, letting waiting I/O run between slices: a province's state is
 * ~250 MB of JSON, whose one-call stringify held every acknowledgement for seconds.
 */
async function collectionsJson(collections: Snapshot['collections']): Promise<string> {
  const parts: string[] = ['{'];
  let n = 0;
  for (const [i, [name, list]] of Object.entries(collections).entries()) {
    parts.push(`${i > 0 ? ',' : ''}${JSON.stringify(name)}:[`);
    for (let j = 0; j < list.length; j++) {
      if (++n % 256 === 0) await yieldIfBusy();
      parts.push((j > 0 ? ',' : '') + JSON.stringify(list[j]));
    }
    parts.push(']');
  }
  parts.push('}');
  return parts.join('');
}
