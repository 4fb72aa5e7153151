import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { withClient } from '../../bench/pg-admin.js';
import { postgresReachable, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());

const event = (id: string) => ({ id, kind: 'message' as const, messageId: `om_${id}`, receivedAt: '2026-11-30T01:00:00.000Z', payload: {} });

describe.runIf(reachable)('group commit on PostgreSQL', () => {
  it('commits writes queued together in one database transaction, one log row and one number each; a write that throws is undone alone', async () => {
    const url = await db.location();
    const s = await openPostgresStore(url, { applicationName: 'duban-group' });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        s.transact(async (tx) => {
          await tx.recordInbound(event(`g${i}`));
          const n = await tx.nextNumber('S');
          if (i % 10 === 7) throw new Error(`refused ${i}`);
          return n;
        }),
      ),
    );
    const kept = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [(o.reason as Error).message] : []));
    expect(refused).toEqual(['refused 7', 'refused 17', 'refused 27', 'refused 37', 'refused 47', 'refused 57']);
    // The refused ones took no number and left no event: numbers run on without a gap.
    expect(kept).toEqual(Array.from({ length: 54 }, (_, i) => i + 1));
    expect((await s.read((tx) => tx.pendingInbound())).length).toBe(54);
    await s.close();
    // now() is the start of the database transaction: rows written by one commit share it.
    const { rows } = await withClient(url, (c) => c.query<{ rows: string; commits: string }>('SELECT count(*) AS rows, count(DISTINCT at) AS commits FROM duban_log'));
    expect(Number(rows[0]!.rows)).toBe(54);
    expect(Number(rows[0]!.commits)).toBeLessThan(10);
    // A replica opened afterwards replays every row to the same state.
    const again = await openPostgresStore(url);
    expect((await again.read((tx) => tx.pendingInbound())).length).toBe(54);
    expect(await again.transact((tx) => tx.nextNumber('S'))).toBe(55);
    await again.close();
  });

  it('passes any user text through the batched insert unchanged: quotes, backslashes, braces, NUL, line separators', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-text' });
    const nasty = 'q"uo\\te {a,b} NULL \u0000 \n 中文 \u2028 ${x} \'; DROP TABLE duban_log; --';
    await Promise.all([1, 2, 3].map((i) => a.transact((tx) => tx.recordInbound({ id: `t${i}`, kind: 'message', messageId: `om_t${i}`, receivedAt: '2026-11-30T01:00:00.000Z', payload: { text: `${nasty}${i}` } }))));
    // Read back from the log rows by another replica (the first has written no snapshot since).
    const b = await openPostgresStore(url, { applicationName: 'duban-text-b' });
    const texts = (await b.read((tx) => tx.pendingInbound())).filter((e) => e.id.startsWith('t')).map((e) => (e.payload as { text: string }).text);
    expect(texts.sort()).toEqual([1, 2, 3].map((i) => `${nasty}${i}`));
    await Promise.all([a.close(), b.close()]);
  });
});
