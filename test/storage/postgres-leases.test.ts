import { afterAll, describe, expect, it } from 'vitest';
import type { Messenger } from '../../src/feishu/messenger.js';
import type { Job } from '../../src/jobs/types.js';
import { createLease } from '../../src/lease.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxSender } from '../../src/outbox.js';
import { createScheduler } from '../../src/scheduler.js';
import { Throttle } from '../../src/throttle.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import type { Store } from '../../storage/store.js';
import { postgresReachable, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());
const logger = createLogger('silent');

describe.runIf(reachable)('leases among replicas on one database', () => {
  it('runs each slot once, on the lease holder; another replica takes over within the lease time when the holder dies', async () => {
    const url = await db.location();
    let now = new Date('2026-11-30T10:00:00+08:00');
    const clock = () => now;
    const runs: string[] = [];
    const replica = async (name: string) => {
      const store: Store = await openPostgresStore(url, { applicationName: `duban-${name}` });
      const job: Job = {
        name: 'digest',
        label: '周报',
        time: '09:00',
        runsOn: () => true,
        run: async (at) => {
          runs.push(`${name} ${at.toISOString()}`);
          return { job: 'digest', at: at.toISOString(), sent: [], skipped: [] };
        },
      };
      const lease = createLease({ name: 'scheduler', store, holder: name, clock, logger, onGained: () => scheduler.catchUp() });
      const scheduler = createScheduler({ jobs: [job], jobDeps: { store, logger }, clock, logger, lease });
      return { store, lease, job, scheduler };
    };
    const a = await replica('a');
    const b = await replica('b');

    // A starts first: it takes the lease and runs today's missed 09:00 slot; B stands by.
    expect(await a.lease.renew()).toBe(true);
    await a.lease.caughtUp();
    expect(await b.lease.renew()).toBe(false);
    expect(await b.scheduler.tick(b.job, 'cron')).toBeUndefined();
    expect(runs).toEqual(['a 2026-11-30T02:00:00.000Z']);

    // The next day A renews at 08:59:30 and dies before the 09:00 slot; B's cron tick at 09:00 finds the lease held.
    now = new Date('2026-12-01T08:59:30+08:00');
    expect(await a.lease.renew()).toBe(true);
    now = new Date('2026-12-01T09:00:00+08:00');
    expect(await b.scheduler.tick(b.job, 'cron')).toBeUndefined();
    now = new Date('2026-12-01T09:00:20+08:00');
    expect(await b.lease.renew()).toBe(false);
    // B's renewal every 20 s takes the lease once A's has run out (60 s after its last renewal) and runs the slot.
    now = new Date('2026-12-01T09:00:40+08:00');
    expect(await b.lease.renew()).toBe(true);
    await b.lease.caughtUp();
    expect(runs).toEqual(['a 2026-11-30T02:00:00.000Z', 'b 2026-12-01T01:00:40.000Z']);
    expect(await a.store.read((tx) => tx.getLease('scheduler'))).toMatchObject({ holder: 'b', since: '2026-12-01T01:00:40.000Z' });

    // A comes back: it finds the lease held and never runs the slot B ran; a clean stop hands the lease over at once.
    expect(await a.scheduler.tick(a.job, 'catch-up')).toBeUndefined();
    expect(a.lease.held).toBe(false);
    await b.scheduler.stop();
    await b.lease.stop();
    expect(await a.lease.renew()).toBe(true);
    await a.lease.caughtUp();
    expect(runs).toHaveLength(2);
    await Promise.all([a.store.close(), b.store.close()]);
  });

  it('only the sender lease holder sends, each queued message once, whichever replica queued it; another takes over when it dies', async () => {
    const url = await db.location();
    let now = new Date('2026-11-30T10:00:00+08:00');
    const clock = () => now;
    const delivered: string[] = [];
    const replica = async (name: string) => {
      const store = await openPostgresStore(url, { applicationName: `duban-${name}` });
      const messenger: Messenger = {
        deliver: async (o) => {
          delivered.push(`${name}:${o.id}`);
          return { ok: true, messageId: `om_${o.id}` };
        },
        resetToken: () => undefined,
      };
      const lease = createLease({ name: 'sender', store, holder: name, clock, logger, onGained: () => outbox.kick() });
      const throttle = new Throttle({ perKey: { max: 10_000, windowMs: 1000 }, global: [{ max: 100_000, windowMs: 1000 }] });
      const outbox = createOutboxSender({ store, messenger, clock, logger, throttle, mayAdmit: () => lease.held });
      return { store, lease, outbox };
    };
    const a = await replica('a');
    const b = await replica('b');
    const enqueue = (r: typeof a, id: string) =>
      r.store.transact((tx) => tx.enqueue({ id, to: { kind: 'chat', chatId: `oc_${id.length % 3}` }, content: { type: 'text', text: id }, createdAt: now.toISOString() }));
    const drain = async () => {
      for (const r of [a, b]) {
        r.outbox.kick();
        await r.outbox.idle();
      }
    };

    expect(await a.lease.renew()).toBe(true);
    expect(await b.lease.renew()).toBe(false);
    for (let i = 0; i < 30; i++) await enqueue(i % 2 ? a : b, `m${i}`);
    await drain();
    expect(delivered.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `a:m${i}`).sort());
    expect((await b.store.read((tx) => tx.listOutbound({ status: 'sent' }))).length).toBe(30);

    // A dies (it stops renewing); B takes the lease once A's has run out and sends what was queued since.
    for (let i = 30; i < 40; i++) await enqueue(b, `m${i}`);
    now = new Date(now.getTime() + 61_000);
    expect(await b.lease.renew()).toBe(true);
    await b.lease.caughtUp();
    await b.outbox.idle();
    expect(delivered.filter((d) => d.startsWith('b:')).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `b:m${30 + i}`).sort());
    expect(delivered).toHaveLength(40);
    expect(await a.lease.renew()).toBe(false);
    await drain();
    expect(delivered).toHaveLength(40);
    await Promise.all([a.outbox.stop(), b.outbox.stop()]);
    await Promise.all([a.store.close(), b.store.close()]);
  });
});
