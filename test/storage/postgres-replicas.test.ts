import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { IncomingEvent } from '../../src/events.js';
import { createIntake } from '../../src/intake.js';
import { createLogger } from '../../src/logger.js';
import { StoreUnavailableError } from '../../storage/errors.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { SNAPSHOT_LOCK } from '../../storage/postgres/schema.js';
import type { Store } from '../../storage/store.js';
import { withClient } from '../../bench/pg-admin.js';
import { connectionsOf, postgresReachable, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());

const at = '2026-11-30T01:00:00.000Z';
const event = (id: string) => ({ id, kind: 'message' as const, messageId: `om_${id}`, receivedAt: at, payload: { text: `/学习 ${id}` } });

/** The transaction the snapshot row holds, 0 when none was written. */
async function snapshotRow(url: string): Promise<number> {
  const { rows } = await withClient(url, (c) => c.query<{ last_tx: string }>('SELECT last_tx FROM duban_snapshot WHERE id = 1'));
  return rows[0] ? Number(rows[0].last_tx) : 0;
}

/** One transaction as intake makes it: record the event and take the next record number. */
const take = (s: Store, id: string) =>
  s.transact(async (tx) => {
    if ((await tx.recordInbound(event(id))) === 'duplicate') return undefined;
    return tx.nextNumber('S');
  });

describe.runIf(reachable)('two replicas on one PostgreSQL database', () => {
  it('interleave transactions: each sees the other\'s writes, numbers never collide, an event is recorded once across both', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-a' });
    const b = await openPostgresStore(url, { applicationName: 'duban-b', snapshotEvery: 7 });
    const numbers = await Promise.all(Array.from({ length: 120 }, (_, i) => take(i % 3 === 0 ? a : b, `ev${i}`)));
    expect([...numbers].sort((x, y) => x! - y!)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    // The same events delivered again, each to the other replica: all duplicates, no number taken.
    expect(await Promise.all(Array.from({ length: 120 }, (_, i) => take(i % 3 === 0 ? b : a, `ev${i}`)))).toEqual(Array(120).fill(undefined));
    for (const s of [a, b]) {
      expect(await s.read((tx) => tx.countInbound())).toEqual({ pending: 120, done: 0 });
      expect((await s.view((tx) => tx.pendingInbound())).map((e) => e.id).sort()).toEqual(Array.from({ length: 120 }, (_, i) => `ev${i}`).sort());
    }
    expect(await a.transact((tx) => tx.nextNumber('S'))).toBe(121);
    expect(await b.transact((tx) => tx.nextNumber('S'))).toBe(122);
    await a.close();
    await b.close();
    // A replica started later loads the snapshot row and the log after it to the same state (a duplicate writes nothing).
    const c = await openPostgresStore(url);
    expect(await c.read((tx) => tx.countInbound())).toEqual({ pending: 120, done: 0 });
    expect(c.health()).toMatchObject({ kind: 'postgres', lastTx: 122 });
    await c.close();
  });

  it('a connection killed mid-transaction undoes that transaction only: it is refused as unavailable, and the replica goes on', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-a' });
    const b = await openPostgresStore(url, { applicationName: 'duban-b' });
    expect(await take(a, 'first')).toBe(1);
    let inside!: () => void;
    const started = new Promise<void>((r) => (inside = r));
    let go!: () => void;
    const gate = new Promise<void>((r) => (go = r));
    const doomed = a.transact(async (tx) => {
      await tx.recordInbound(event('doomed'));
      const n = await tx.nextNumber('S');
      inside();
      await gate;
      return n;
    });
    await started;
    expect(await connectionsOf(url, 'duban-a', { terminate: true })).toBeGreaterThan(0);
    go();
    await expect(doomed).rejects.toBeInstanceOf(StoreUnavailableError);
    // Nothing of it stays, in this replica's memory or in the database; the number it took is taken again.
    expect(await a.read((tx) => tx.countInbound())).toEqual({ pending: 1, done: 0 });
    expect(await take(b, 'doomed')).toBe(2);
    expect(await take(a, 'after')).toBe(3);
    expect(await b.read((tx) => tx.countInbound())).toEqual({ pending: 3, done: 0 });
    await a.close();
    await b.close();
  });

  it('loses nothing acknowledged while one replica\'s connections are killed again and again', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-a', snapshotEvery: 25 });
    const b = await openPostgresStore(url, { applicationName: 'duban-b', snapshotEvery: 25 });
    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        kills += await connectionsOf(url, 'duban-a', { terminate: true });
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const acked = new Map<string, number>();
    let refused = 0;
    await Promise.all(
      [a, b].map(async (s, which) => {
        for (let i = 0; i < 150; i++) {
          const id = `r${which}-${i}`;
          // A refused event is delivered again, as Feishu redelivers what was not acknowledged.
          for (;;) {
            try {
              const n = await take(s, id);
              if (n !== undefined) acked.set(id, n);
              break;
            } catch (err) {
              if (!(err instanceof StoreUnavailableError)) throw err;
              refused++;
            }
          }
        }
      }),
    );
    killing = false;
    await killer;
    expect(kills).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const fresh = await openPostgresStore(url);
    const stored = await fresh.read((tx) => tx.pendingInbound());
    // Every event once (a commit whose answer was lost is found again as a duplicate, not recorded twice).
    expect(stored.map((e) => e.id).sort()).toEqual([...Array.from({ length: 150 }, (_, i) => `r0-${i}`), ...Array.from({ length: 150 }, (_, i) => `r1-${i}`)].sort());
    const numbers = [...acked.values()];
    expect(new Set(numbers).size).toBe(numbers.length);
    // Both replicas' memories agree with what the database holds.
    for (const s of [a, b]) expect((await s.read((tx) => tx.pendingInbound())).map((e) => e.id)).toEqual(stored.map((e) => e.id));
    console.log(`replicas: ${acked.size} acknowledged, ${refused} refused and redelivered, ${kills} connections killed`);
    await Promise.all([a.close(), b.close(), fresh.close()]);
  }, 60_000);

  it('an event a replica acknowledged and never finished is handled once by another, and the first one\'s late attempt is undone', async () => {
    const url = await db.location();
    let now = new Date('2026-11-30T10:00:00+08:00');
    const clock = () => now;
    const logger = createLogger('silent');
    // What the router does for a command, in one transaction: the effect, the reply, and the event marked handled.
    const handleOn = (s: Store) => (ev: IncomingEvent) =>
      s.transact(async (tx) => {
        const n = await tx.nextNumber('S');
        await tx.enqueue({ id: `${ev.eventId}-0`, to: { kind: 'chat', chatId: ev.chatId }, content: { type: 'text', text: `S${n}` }, createdAt: clock().toISOString(), source: ev.eventId });
        await tx.completeInbound(ev.eventId, clock().toISOString());
        return undefined;
      });
    const a = await openPostgresStore(url, { applicationName: 'duban-a' });
    const b = await openPostgresStore(url, { applicationName: 'duban-b' });
    let wake!: () => void;
    const hung = new Promise<void>((r) => (wake = r));
    let late: Promise<undefined> | undefined;
    // Replica A acknowledges the event, then stops dead before handling it.
    const intakeA = createIntake({ store: a, clock, logger, handle: (ev) => (late = hung.then(() => handleOn(a)(ev))) });
    const intakeB = createIntake({ store: b, clock, logger, handle: handleOn(b) });
    const ev: IncomingEvent = { kind: 'message', eventId: 'ev_orphan', messageId: 'om_orphan', chatId: 'oc_1', chatType: 'group', senderId: 'ou_1', messageType: 'text', text: '/学习', mentions: [], createdAt: now.toISOString() };
    expect(await intakeA.accept(ev)).toEqual({});
    expect(await intakeB.adopt(60_000)).toBe(0);
    now = new Date(now.getTime() + 61_000);
    expect(await intakeB.adopt(60_000)).toBe(1);
    await intakeB.idle();
    expect(await b.read((tx) => tx.countInbound())).toEqual({ pending: 0, done: 1 });
    // A wakes and handles it too: its transaction finds the event handled and is undone whole, reply included.
    wake();
    await expect(late).rejects.toThrow('already handled');
    expect(await a.read((tx) => tx.listOutbound())).toMatchObject([{ id: 'ev_orphan-0', content: { text: 'S1' } }]);
    expect(await a.transact((tx) => tx.nextNumber('S'))).toBe(2);
    expect(await intakeB.adopt(60_000)).toBe(0);
    await Promise.all([intakeA.stop(), intakeB.stop()]);
    await Promise.all([a.close(), b.close()]);
  });

  it('prunes the log behind its snapshots; a replica further behind loads the snapshot instead', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-a', snapshotEvery: 5, keepLogRows: 3 });
    const b = await openPostgresStore(url, { applicationName: 'duban-b' });
    for (let i = 0; i < 20; i++) await take(a, `p${i}`);
    await a.close();
    // Snapshots are written when due (every five here, at 15 or later the last); the rows more than three behind the
    // last are gone.
    const { rows } = await withClient(url, (c) => c.query<{ tx: string }>('SELECT tx FROM duban_log ORDER BY tx'));
    const last = await snapshotRow(url);
    expect(last).toBeGreaterThanOrEqual(15);
    expect(rows.map((r) => Number(r.tx))).toEqual(Array.from({ length: 20 - (last - 3) }, (_, i) => last - 2 + i));
    expect(await b.read((tx) => tx.countInbound())).toEqual({ pending: 20, done: 0 });
    expect(await take(b, 'after')).toBe(21);
    await b.close();
  });

  it('writes the snapshot row after a quarter as many transactions as there are records, not after each snapshotEvery', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-a', snapshotEvery: 1 });
    const row = () => snapshotRow(url);
    // 80 records in one transaction, then one more with each: at transaction t a snapshot is due once t reaches a
    // quarter of the 79 + t records there are, which is first at 26.
    await a.transact(async (tx) => {
      for (let i = 0; i < 80; i++) await tx.recordInbound(event(`seed${i}`));
    });
    for (let i = 0; i < 15; i++) await take(a, `q${i}`);
    await new Promise((r) => setTimeout(r, 200));
    expect(await row()).toBe(0);
    for (let i = 15; i < 25; i++) await take(a, `q${i}`);
    await new Promise((r) => setTimeout(r, 200));
    expect(await row()).toBe(26);
    for (let i = 25; i < 27; i++) await take(a, `q${i}`);
    await new Promise((r) => setTimeout(r, 200));
    expect(await row()).toBe(26);
    await a.close();
    // Closing writes one only when due (the log holds every transaction): a replica opened now replays the two after it.
    expect(await row()).toBe(26);
    const b = await openPostgresStore(url, { applicationName: 'duban-b' });
    expect(await b.read((tx) => tx.countInbound())).toEqual({ pending: 107, done: 0 });
    await b.close();
  });

  it('one replica at a time writes the snapshot row: while another holds the snapshot lock, a replica with one due leaves it', async () => {
    const url = await db.location();
    const a = await openPostgresStore(url, { applicationName: 'duban-a', snapshotEvery: 5 });
    const row = () => snapshotRow(url);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [SNAPSHOT_LOCK]);
      for (let i = 0; i < 12; i++) await take(a, `h${i}`);
      await new Promise((r) => setTimeout(r, 200));
      // Due at 5 and 10, and left to the holder each time (which writes none here).
      expect(await row()).toBe(0);
      await holder.query('SELECT pg_advisory_unlock($1)', [SNAPSHOT_LOCK]);
      // Each time it left one, it counted it as written where it stood: the next is due five transactions on.
      for (let i = 12; i < 22; i++) await take(a, `h${i}`);
      await new Promise((r) => setTimeout(r, 200));
      expect(await row()).toBeGreaterThan(12);
      expect(await row()).toBeLessThanOrEqual(22);
    } finally {
      await holder.end();
      await a.close();
    }
  });
});
