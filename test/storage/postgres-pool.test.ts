import { describe, expect, it } from 'vitest';
import { openPool } from '../../storage/postgres/pool.js';
import { postgresReachable, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();

describe.runIf(reachable)('the store\'s connection pool', () => {
  it('a connection the server ends in the packet that finished opening it throws nothing at the process', async () => {
    const db = testDatabase();
    const pool = openPool(await db.location(), { max: 1, applicationName: 'duban-pool' });
    try {
      // pg-pool calls back right after removing its own error listener; pg emits a server's FATAL (a restart,
      // pg_terminate_backend) as an 'error' event when no query runs, and an event nobody listens to is thrown.
      const emitted = await new Promise<boolean>((resolve, reject) => {
        pool.connect((err, client, done) => {
          if (err || !client) return reject(err);
          try {
            resolve(client.emit('error', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })));
          } catch (thrown) {
            reject(thrown);
          } finally {
            done(new Error('ended by the server'));
          }
        });
      });
      expect(emitted).toBe(true);
      // The pool dropped that connection and opens a working one.
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});
