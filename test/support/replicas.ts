import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll } from 'vitest';
import { testDatabase } from '../storage/postgres-db.js';
import type { FakeFeishu } from './replicas-fake.js';
import { toRequest } from '../../src/sandbox/wire.js';
import { Bot, createRunDir, sleep, type AppKeys, type PushedEvent } from './spawn-bot.js';

const REPO = resolve(import.meta.dirname, '../..');

/** What one replica's /healthz says about the cluster: its leases, and the shared store's pending work. */
export interface ReplicaHealth {
  sender: boolean;
  scheduler: boolean;
  inbox: { pending: number };
  outbox: { pending: number };
  feishu: { ws?: { state: string } };
}

/**
 * Builds dist/ now if a source is newer, as `npm start`'s prestart would: three replicas started together would
 * otherwise wait on one build inside a timed test.
 */
export function buildOnce(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: REPO, stdio: 'inherit' });
}

/** Starts `n` replicas with `npm start`, each in a run directory of its own, all on one database; resolves when all are healthy. */
export async function startReplicas(n: number, opts: { databaseUrl: string; domain: string; keys: AppKeys; botOpenId: string; admins: string[]; env?: Record<string, string> }): Promise<Bot[]> {
  const bots = await Promise.all(
    Array.from({ length: n }, () =>
      Bot.start(createRunDir(), {
        feishu: { domain: opts.domain, keys: opts.keys, botOpenId: opts.botOpenId, admins: opts.admins },
        env: { DUBAN_DATABASE_URL: opts.databaseUrl, LOG_LEVEL: 'warn', ...opts.env },
      }),
    ),
  );
  await Promise.all(bots.map((b) => b.waitHealthy(120_000)));
  return bots;
}

/** A replica's /healthz, or undefined when it does not answer. */
export async function healthOf(bot: Bot): Promise<ReplicaHealth | undefined> {
  try {
    const res = await fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    return (await res.json()) as ReplicaHealth;
  } catch {
    return undefined;
  }
}

/** The one running replica whose /healthz says it holds `lease`, waiting up to `ms` for exactly one to say so. */
export async function holderOf(bots: readonly Bot[], lease: 'sender' | 'scheduler', ms = 90_000): Promise<Bot> {
  const until = Date.now() + ms;
  for (;;) {
    const live = bots.filter((b) => b.running);
    const health = await Promise.all(live.map(healthOf));
    const holders = live.filter((_, i) => health[i]?.[lease] === true);
    if (holders.length === 1) return holders[0]!;
    if (Date.now() > until) throw new Error(`no single ${lease} among ${live.length} replicas after ${ms} ms (${holders.length} say they hold it)`);
    await sleep(250);
  }
}

/**
 * Pushes an event to a replica's webhook as Feishu does, signed with `skewMs` added to the time (a replica on a
 * faked clock checks freshness against its own); the HTTP status, or 0 when nothing answered.
 */
export async function pushTo(bot: Bot, e: PushedEvent, skewMs = 0): Promise<number> {
  const req = toRequest(bot.keys, e.body, { timestamp: Math.floor((Date.now() + skewMs) / 1000) });
  try {
    const res = await fetch(`${bot.url}/webhook/event`, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Polls `cond` every 250 ms until it holds; throws naming `what` (and `detail()` then) after `ms`. */
export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, ms: number, detail?: () => string): Promise<number> {
  const started = performance.now();
  while (!(await cond())) {
    if (performance.now() - started > ms) throw new Error(`not within ${ms} ms: ${what}${detail ? ` (${detail()})` : ''}`);
    await sleep(250);
  }
  return performance.now() - started;
}

/** A test file's database, replicas and fake platforms, killed, closed and dropped after its tests. */
export function replicaRun(): { db: ReturnType<typeof testDatabase>; bots: Bot[]; fakes: FakeFeishu[] } {
  const run = { db: testDatabase(), bots: [] as Bot[], fakes: [] as FakeFeishu[] };
  afterAll(async () => {
    for (const b of run.bots) if (b.running) await b.kill9();
    for (const f of run.fakes) await f.close();
    await run.db.drop();
  });
  return run;
}
