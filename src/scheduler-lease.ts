import type { Store } from '../storage/store.js';
import type { Logger } from './logger.js';

/** The lease's name in the store: one scheduler among all replicas on one database. */
const NAME = 'scheduler';

/**
 * The scheduler's lease among replicas sharing one database: renewed every third of its ttl, so a replica that dies
 * leaves it to another within the ttl (60 s by default). `onGained` runs when this replica takes it over, to run
 * what the previous holder missed.
 */
export function createSchedulerLease(deps: { store: Store; holder: string; clock: () => Date; logger: Logger; ttlMs?: number; onGained?: () => Promise<unknown> }) {
  const ttlMs = deps.ttlMs ?? 60_000;
  const log = deps.logger.child({ component: 'scheduler-lease', holder: deps.holder });
  let held = false;
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<boolean> | undefined;
  let gained: Promise<unknown> = Promise.resolve();

  async function renewOnce(): Promise<boolean> {
    const was = held;
    try {
      held = await deps.store.transact((tx) => tx.holdLease(NAME, deps.holder, deps.clock().toISOString(), ttlMs));
    } catch (err) {
      // Unable to renew is not holding: another replica may take over once the ttl runs out.
      log.warn({ err }, 'could not renew the scheduler lease');
      held = false;
    }
    if (held !== was) log.info({ held }, held ? 'this replica now runs the scheduler' : 'another replica runs the scheduler');
    // Not awaited: the catch-up's jobs renew the lease themselves, which would wait on this very renewal.
    if (held && !was) gained = (deps.onGained?.() ?? Promise.resolve()).catch((err: unknown) => log.error({ err }, 'catch-up after taking the lease failed'));
    return held;
  }

  return {
    /** Whether this replica held the lease at its last renewal. */
    get held(): boolean {
      return held;
    },
    /** Settles when the catch-up started by the last take-over has run. */
    caughtUp(): Promise<unknown> {
      return gained;
    },
    /** Takes or renews the lease now; true if this replica holds it. */
    renew(): Promise<boolean> {
      renewing ??= renewOnce().finally(() => (renewing = undefined));
      return renewing;
    },
    start(): void {
      timer = setInterval(() => void this.renew(), Math.floor(ttlMs / 3));
      timer.unref();
    },
    /** Stops renewing and gives the lease up, so another replica takes over at once. */
    async stop(): Promise<void> {
      clearInterval(timer);
      await renewing;
      if (!held) return;
      held = false;
      await deps.store.transact((tx) => tx.releaseLease(NAME, deps.holder, deps.clock().toISOString())).catch(() => undefined);
    },
  };
}

export type SchedulerLease = ReturnType<typeof createSchedulerLease>;
