import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { FileArea } from '../store.js';

/** Files to send kept in the `duban_files` table, committed before the message naming them, so any replica can send it. */
export function postgresFileArea(pool: pg.Pool): FileArea {
  return {
    async put(bytes) {
      // A key of its own per file, never the content's hash: two queued messages with the same bytes are dropped apart.
      const key = randomBytes(16).toString('hex');
      await pool.query('INSERT INTO duban_files (key, bytes) VALUES ($1, $2)', [key, Buffer.from(bytes)]);
      return key;
    },
    async read(key) {
      const { rows } = await pool.query<{ bytes: Buffer }>('SELECT bytes FROM duban_files WHERE key = $1', [key]);
      return rows[0]?.bytes;
    },
    async drop(key) {
      await pool.query('DELETE FROM duban_files WHERE key = $1', [key]);
    },
  };
}
