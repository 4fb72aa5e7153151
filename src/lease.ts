import type { Store } from '../storage/store.js';
import type { Logger } from './logger.js';

/**
 * A role (`scheduler`, `sender`) that one replica among those sharing a database holds at a time: renewed every third
 * of its ttl, so a replica that dies leaves it to another within the ttl (60 s by default: once started, a replica
 * that lost tries again the moment the holder's lease runs out). `onGained` runs when this replica takes it over, e.g.
 * to do what the previous holder missed.
 */
export function createLease(deps: { name: string; store: Store; holder: string; clock: () => Date; logger: Logger; ttlMs?: number; onGained?: () => unknown }) {
  const ttlMs = deps.ttlMs ?? 60_000;
  const log = deps.logger.child({ component: 'lease', lease: deps.name, holder: deps.holder });
  let held = false;
  let timer: NodeJS.Timeout | undefined;
  let renewing: Promise<boolean> | undefined;
  let gained: Promise<unknown> = Promise.resolve();
  let early: NodeJS.Timeout | undefined;
  let stopped = false;

  async function renewOnce(): Promise<boolean> {
    const was = held;
    try {
      const [mine, expiresAt] = await deps.store.transact(async (tx) => {
        const ok = await tx.holdLease(deps.name, deps.holder, deps.clock().toISOString(), ttlMs);
        return [ok, ok ? undefined : (await tx.getLease(deps.name))?.expiresAt] as const;
      });
      held = mine;
      // Another holder that dies leaves its lease to run out: trying again only at the next period would add up to a
      // third of the ttl to the take-over, so a replica that lost also tries the moment the holder's lease ends.
      if (expiresAt !== undefined && timer !== undefined && !stopped) {
        clearTimeout(early);
        const wait = Date.parse(expiresAt) - deps.clock().getTime() + 50;
        if (wait < ttlMs / 3) {
          early = setTimeout(() => void renew(), Math.max(0, wait));
          early.unref();
        }
      }
    } catch (err) {
      // Unable to renew is not holding: another replica may take over once the ttl runs out.
      log.warn({ err }, 'could not renew the lease');
      held = false;
    }
    if (held !== was) log.info({ held }, held ? 'this replica took the lease' : 'another replica holds the lease');
    // Not awaited: the catch-up's jobs renew the lease themselves, which would wait on this very renewal.
    if (held && !was) gained = Promise.resolve(deps.onGained?.()).catch((err: unknown) => log.error({ err }, 'catch-up after taking the lease failed'));
    return held;
  }

  function renew(): Promise<boolean> {
    renewing ??= renewOnce().finally(() => (renewing = undefined));
    return renewing;
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
    renew,
    start(): void {
      timer = setInterval(() => void renew(), Math.floor(ttlMs / 3));
      timer.unref();
    },
    /** Stops renewing and gives the lease up, so another replica takes over at once. */
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(timer);
      clearTimeout(early);
      await renewing;
      if (!held) return;
      held = false;
      await deps.store.transact((tx) => tx.releaseLease(deps.name, deps.holder, deps.clock().toISOString())).catch(() => undefined);
    },
  };
}

export type Lease = ReturnType<typeof createLease>;
