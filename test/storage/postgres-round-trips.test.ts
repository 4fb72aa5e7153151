import fc from 'fast-check';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { COLLECTIONS, MIGRATIONS } from '../../storage/lowdb/collections.js';
import { watchCommits } from '../../storage/postgres/commit-watch.js';
import type { Tables } from '../../storage/lowdb/engine-types.js';
import { PgEngine } from '../../storage/postgres/engine.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { openPool } from '../../storage/postgres/pool.js';
import { migrateSchema } from '../../storage/postgres/schema.js';
import { verbs } from '../../storage/verbs.js';
import { withClient } from '../../bench/pg-admin.js';
import { connectionsOf, postgresReachable, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());

const at = '2026-11-30T01:00:00.000Z';
const event = (id: string, payload: unknown = {}) => ({ id, kind: 'message' as const, messageId: `om_${id}`, receivedAt: at, payload });

/** A pool that records the queries sent on its connections. */
function countingPool(url: string, app: string): { pool: pg.Pool; sent: string[] } {
  const pool = openPool(url, { max: 4, applicationName: app });
  const sent: string[] = [];
  // pool.query runs on a connection it acquires, so counting the connections' queries counts it too.
  pool.on('acquire', (client) => {
    const own = client as pg.PoolClient & { counted?: boolean };
    if (own.counted) return;
    own.counted = true;
    const q = client.query.bind(client);
    client.query = ((text: string, ...rest: unknown[]) => {
      sent.push(text);
      return (q as (...a: unknown[]) => unknown)(text, ...rest);
    }) as typeof client.query;
  });
  return { pool, sent };
}

async function engineOn(url: string, app: string) {
  const { pool, sent } = countingPool(url, app);
  await migrateSchema(pool);
  const engine = await PgEngine.open(pool, { collections: COLLECTIONS, migrations: MIGRATIONS, snapshotEvery: 1_000_000, keepLogRows: 1000, where: 'test' });
  sent.length = 0;
  return { engine, pool, sent };
}

/** Events journalled and not yet handled, through the verbs commands use. */
const pending = async (t: Tables) => (await verbs(t).pendingInbound()).length;

async function listening(url: string, app: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await connectionsOf(url, app, { listening: true })) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${app} never listened`);
}

describe.runIf(reachable)('round trips to PostgreSQL', () => {
  it('a group commit is two round trips on its connection: BEGIN, lock and catch-up in one, the rows and COMMIT in the other', async () => {
    const url = await db.location();
    const { engine, pool, sent } = await engineOn(url, 'duban-trips');
    try {
      const other = await openPostgresStore(url, { applicationName: 'duban-other' });
      await other.transact((tx) => tx.recordInbound(event('from-other')));
      await other.close();
      await Promise.all(Array.from({ length: 5 }, (_, i) => engine.run('write', (t) => verbs(t).recordInbound(event(`w${i}`)))));
      // The first commit carried the other replica's row in; the five writes took at most two batches.
      const batches = sent.filter((q) => q.startsWith('BEGIN')).length;
      expect(batches).toBeGreaterThanOrEqual(1);
      expect(batches).toBeLessThanOrEqual(2);
      expect(sent.length).toBe(2 * batches);
      expect(sent.filter((q) => q.endsWith('; COMMIT')).length).toBe(batches);
      expect(await engine.run('read', (t) => pending(t))).toBe(6);
    } finally {
      await engine.close();
      await pool.end();
    }
  });

  it('a known read or view asks the database only when the commit watch announced something newer, or is not sure it heard everything', async () => {
    const url = await db.location();
    const { engine: b, pool, sent } = await engineOn(url, 'duban-b');
    const a = await openPostgresStore(url, { applicationName: 'duban-a' });
    let told = 0;
    const watch = watchCommits(url, { applicationName: 'duban-b', seen: () => b.lastTx, heard: b.heard });
    try {
      // Not listening yet: a known read asks, like any read.
      expect(await b.run('known', (t) => pending(t))).toBe(0);
      expect(sent.length).toBe(1);
      watch.add(() => told++);
      await listening(url, 'duban-b (listen)');
      // Listening, but commits before it began were never announced: the first known read still asks; the next does not.
      await b.run('known', async () => undefined);
      expect(sent.length).toBe(2);
      await b.run('known', async () => undefined);
      await b.run('known', async () => undefined);
      expect(sent.length).toBe(2);
      // A plain read always asks.
      await b.run('read', async () => undefined);
      expect(sent.length).toBe(3);
      // Views alike: a known one (a report answering an event) is quiet, a plain one asks.
      await b.view(async () => undefined, { known: true });
      expect(sent.length).toBe(3);
      await b.view(async () => undefined);
      expect(sent.length).toBe(4);

      // Another replica commits: once announced, a known view or read asks and sees it; then it is quiet again.
      await a.transact((tx) => tx.recordInbound(event('e1')));
      for (let i = 0; i < 100 && told === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(told).toBe(1);
      expect(await b.view((t) => pending(t), { known: true })).toBe(1);
      expect(sent.length).toBe(5);
      expect(await b.run('known', (t) => pending(t))).toBe(1);
      expect(await b.view((t) => pending(t), { known: true })).toBe(1);
      expect(sent.length).toBe(5);

      // The listening connection dies: until it listens again and a read has caught up, every known read asks.
      await connectionsOf(url, 'duban-b (listen)', { terminate: true });
      for (let i = 0; i < 100 && told === 1; i++) await new Promise((r) => setTimeout(r, 20));
      await listening(url, 'duban-b (listen)');
      await a.transact((tx) => tx.recordInbound(event('e2')));
      const before = sent.length;
      expect(await b.run('known', (t) => pending(t))).toBe(2);
      expect(sent.length).toBe(before + 1);
      await b.run('known', async () => undefined);
      expect(sent.length).toBe(before + 1);
    } finally {
      await watch.close();
      await a.close();
      await b.close();
      await pool.end();
    }
  });

  it('any text a user sends reaches the log and another replica byte for byte (the rows are sent quoted, not as parameters)', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-a' });
    const nasty = ["'", "\\", "\\'", "''", "'; DROP TABLE duban_log; --", "$$", "E'\\x00'", '\u0000', '\ud800', '"\\"', '整改\'措施\\n', '\u2028\u2029', '𠮷'];
    const texts = [...nasty, ...fc.sample(fc.string({ unit: 'binary', maxLength: 60 }), 300), ...fc.sample(fc.string({ unit: fc.constantFrom("'", '\\', '"', 'E', '$', '\n', '\u0000', 'a'), maxLength: 20 }), 200)];
    try {
      // Several per commit (group commit) and one at a time.
      await Promise.all(texts.map((text, i) => a.transact((tx) => tx.recordInbound(event(`t${i}`, { text })))));
      for (let i = 0; i < 5; i++) await a.transact((tx) => tx.recordInbound(event(`single${i}`, { text: nasty[i] })));
      const b = await openPostgresStore(url, { applicationName: 'duban-b', snapshotEvery: 1_000_000 });
      try {
        const seen = new Map((await b.read((tx) => tx.pendingInbound())).map((e) => [e.id, (e.payload as { text: string }).text]));
        expect(texts.map((_, i) => seen.get(`t${i}`))).toEqual(texts);
        expect(nasty.slice(0, 5).map((_, i) => seen.get(`single${i}`))).toEqual(nasty.slice(0, 5));
      } finally {
        await b.close();
      }
      const { rows } = await withClient(url, (c) => c.query<{ n: string }>('SELECT count(*) AS n FROM duban_log'));
      expect(Number(rows[0]!.n)).toBe(texts.length + 5);
    } finally {
      await a.close();
    }
  });
});
