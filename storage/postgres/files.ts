import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { FileArea } from '../store.js';

/**
 * Files kept in a table (`duban_files` to send, `duban_evidence` for the ledger), committed before the record naming
 * them, so any replica can read them.
 */
export function postgresFileArea(pool: pg.Pool, table: 'duban_files' | 'duban_evidence'): FileArea {
  return {
    async put(bytes) {
      // A key of its own per file, never the content's hash: two queued messages with the same bytes are dropped apart.
      const key = randomBytes(16).toString('hex');
      await pool.query(`INSERT INTO ${table} (key, bytes) VALUES ($1, $2)`, [key, Buffer.from(bytes)]);
      return key;
    },
    async read(key) {
      const { rows } = await pool.query<{ bytes: Buffer }>(`SELECT bytes FROM ${table} WHERE key = $1`, [key]);
      return rows[0]?.bytes;
    },
    async drop(key) {
      await pool.query(`DELETE FROM ${table} WHERE key = $1`, [key]);
    },
  };
}
