import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../storage/postgres/open.js';
import type { Store } from '../../storage/store.js';
import { connectionsOf, postgresReachable, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());

const at = '2026-11-30T01:00:00.000Z';
const record = (s: Store, id: string) => s.transact((tx) => tx.recordInbound({ id, kind: 'message', messageId: `om_${id}`, receivedAt: at, payload: {} }));

/** Resolves with how many times `count()` grew past `from` once it has, or rejects after `ms`. */
async function grows(count: () => number, from: number, ms = 5000): Promise<number> {
  const until = Date.now() + ms;
  while (count() <= from) {
    if (Date.now() > until) throw new Error(`no call after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return count();
}

describe.runIf(reachable)('a replica watches the other replicas’ commits (LISTEN/NOTIFY)', () => {
  it('is told of another replica’s commit, not of a transaction that wrote nothing, and again after its connection is killed', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-a' });
    const b = await openPostgresStore(url, { applicationName: 'duban-b' });
    try {
      // No watcher, no listening connection: a store nobody watches costs nothing more.
      expect(await connectionsOf(url, 'duban-b (listen)')).toBe(0);
      let calls = 0;
      const stop = b.watch!(() => calls++);
      for (let i = 0; i < 50 && (await connectionsOf(url, 'duban-b (listen)')) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await connectionsOf(url, 'duban-b (listen)')).toBe(1);

      await record(a, 'e1');
      const afterFirst = await grows(() => calls, 0);
      // The watcher's news is real: b now reads what a committed (its read catches up).
      expect(await b.read((tx) => tx.countInbound())).toMatchObject({ pending: 1 });

      // A transaction that writes nothing commits no log row and tells nobody.
      await a.transact(async (tx) => tx.countInbound());
      await new Promise((r) => setTimeout(r, 300));
      expect(calls).toBe(afterFirst);

      // The listening connection dies (a server restart): the watcher opens it again and calls once, since what was
      // committed meanwhile sent its notification to nobody.
      expect(await connectionsOf(url, 'duban-b (listen)', { terminate: true })).toBe(1);
      await record(a, 'e2');
      const afterKill = await grows(() => calls, afterFirst);
      await record(a, 'e3');
      await grows(() => calls, afterKill);

      stop();
      const stopped = calls;
      await record(a, 'e4');
      await new Promise((r) => setTimeout(r, 300));
      expect(calls).toBe(stopped);
    } finally {
      await a.close();
      await b.close();
    }
    // Closing the store closes its listening connection (the server's process may take a moment to go).
    for (let i = 0; i < 50 && (await connectionsOf(url, 'duban-b (listen)')) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await connectionsOf(url, 'duban-b (listen)')).toBe(0);
  });
});
