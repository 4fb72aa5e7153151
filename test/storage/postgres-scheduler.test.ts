import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from '../../src/jobs/types.js';
import { createLogger } from '../../src/logger.js';
import { createScheduler } from '../../src/scheduler.js';
import { createSchedulerLease } from '../../src/scheduler-lease.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import type { Store } from '../../storage/store.js';
import { postgresReachable, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());

describe.runIf(reachable)('the scheduler among replicas on one database', () => {
  it('runs each slot once, on the lease holder; another replica takes over within the lease time when the holder dies', async () => {
    const url = await db.location();
    let now = new Date('2026-11-30T10:00:00+08:00');
    const clock = () => now;
    const logger = createLogger('silent');
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
      const lease = createSchedulerLease({ store, holder: name, clock, logger, onGained: () => scheduler.catchUp() });
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
});
