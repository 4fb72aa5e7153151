import pg from 'pg';
import { StoreOpenError } from '../errors.js';
import type { Snapshot } from '../lowdb/engine-types.js';
import { describeDatabase } from './open.js';
import { openPool } from './pool.js';
import { WRITER_LOCK, migrateSchema } from './schema.js';
import { writeSnapshot } from './state.js';

/** Whether the database holds any data: a log row, a file, or a snapshot row with a transaction or a record in it. */
async function holdsData(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM duban_log) + (SELECT count(*) FROM duban_files)
          + (SELECT count(*) FROM duban_evidence) + (SELECT count(*) FROM duban_snapshot WHERE last_tx > 0) AS n`,
  );
  if (Number(rows[0]!.n) > 0) return true;
  const snap = await client.query<{ collections: Snapshot['collections'] }>('SELECT collections FROM duban_snapshot');
  return snap.rows.some((r) => Object.values(r.collections).some((list) => list.length > 0));
}

/**
 * Copies a whole state (an embedded store's snapshot with its log folded in) and its files into an empty database,
 * as one transaction under the writer lock: a replica starting meanwhile sees either nothing or all of it.
 * A database that holds any data is refused.
 */
export async function importState(url: string, snap: Snapshot, files: Record<'duban_files' | 'duban_evidence', { key: string; bytes: Buffer }[]>): Promise<void> {
  const pool = openPool(url, { max: 1, applicationName: 'duban-migrate' });
  try {
    await migrateSchema(pool);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [WRITER_LOCK]);
      if (await holdsData(client)) {
        throw new StoreOpenError(`database ${describeDatabase(url)} already holds Duban data: the copy goes only into an empty database (create a new one, or drop this one's duban_* tables)`);
      }
      await writeSnapshot(client, snap);
      for (const [table, list] of Object.entries(files)) {
        for (const f of list) await client.query(`INSERT INTO ${table} (key, bytes) VALUES ($1, $2)`, [f.key, f.bytes]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  } finally {
    await pool.end();
  }
}
