import type { Prng } from '../../src/sandbox/prng.js';
import { pushTo } from './replicas.js';
import { sleep, type Bot, type PushedEvent } from './spawn-bot.js';

/** What the load balancer saw: pushes, answers by status, and the redeliveries it made. */
export interface StreamStats {
  events: number;
  pushes: number;
  /** Events answered 200 at least once. */
  acknowledged: number;
  /** Answers other than 200, by status (0: nothing answered, e.g. the killed replica). */
  refused: Record<string, number>;
  /** Events pushed a second time after a 200, always to another replica. */
  redeliveries: number;
  /** Of those, pushed to the second replica while the first push was still unanswered. */
  concurrent: number;
}

/**
 * Pushes every event to a random running replica as a load balancer would, pushing again elsewhere whatever was not
 * answered 200 (as Feishu does); a share is delivered a second time to another replica, half of them at the same
 * moment as the first push and half up to two seconds later. `onAcknowledged` hears the running count.
 */
export async function deliverStream(opts: {
  events: readonly PushedEvent[];
  replicas: readonly Bot[];
  prng: Prng;
  redeliverShare: number;
  concurrency: number;
  /** Events started per second at most: Feishu's pushes arrive as people type, not all at once. */
  perSecond: number;
  skewMs?: number;
  onAcknowledged?: (n: number) => void;
}): Promise<StreamStats> {
  const stats: StreamStats = { events: opts.events.length, pushes: 0, acknowledged: 0, refused: {}, redeliveries: 0, concurrent: 0 };
  const late: Promise<unknown>[] = [];
  const pick = (avoid?: Bot) => {
    const live = opts.replicas.filter((b) => b.running);
    const others = live.filter((b) => b !== avoid);
    return opts.prng.pick(others.length > 0 ? others : live);
  };
  const untilOk = async (e: PushedEvent, first: Bot): Promise<Bot> => {
    let bot = first;
    for (let attempt = 1; ; attempt++) {
      stats.pushes++;
      const status = await pushTo(bot, e, opts.skewMs);
      if (status === 200) return bot;
      stats.refused[status] = (stats.refused[status] ?? 0) + 1;
      if (attempt >= 60) throw new Error(`event ${e.eventId} not acknowledged after ${attempt} pushes (last status ${status})`);
      await sleep(200);
      bot = pick(bot);
    }
  };
  await paced(opts, async (e) => {
    const again = opts.prng.chance(opts.redeliverShare);
    const together = again && opts.prng.chance(0.5);
    const a = pick();
    if (together) {
      stats.redeliveries++;
      stats.concurrent++;
      await Promise.all([untilOk(e, a), untilOk(e, pick(a))]);
    } else {
      const answered = await untilOk(e, a);
      if (again) {
        stats.redeliveries++;
        const wait = opts.prng.int(0, 2000);
        late.push(sleep(wait).then(() => untilOk(e, pick(answered))));
      }
    }
    opts.onAcknowledged?.(++stats.acknowledged);
  });
  await Promise.all(late);
  return stats;
}

/** What the long-connection run saw: pushes made by the test (Feishu's own retries are in the fake's deliveries). */
export interface WsStreamStats {
  events: number;
  acknowledged: number;
  failed: string[];
  redeliveries: number;
}

/**
 * Pushes every event through the fake's long-connection gateway, which hands each push to one connected replica at
 * random and retries unacknowledged ones; a share is pushed a second time, half at once and half up to two seconds later.
 */
export async function deliverOverWs(opts: {
  events: readonly PushedEvent[];
  push: (envelope: object) => Promise<{ code: number } | { error: string }>;
  prng: Prng;
  redeliverShare: number;
  concurrency: number;
  perSecond: number;
  onAcknowledged?: (n: number) => void;
}): Promise<WsStreamStats> {
  const stats: WsStreamStats = { events: opts.events.length, acknowledged: 0, failed: [], redeliveries: 0 };
  const late: Promise<unknown>[] = [];
  const once = async (e: PushedEvent) => {
    const ack = await opts.push(e.body);
    if ('error' in ack) stats.failed.push(ack.error);
  };
  await paced(opts, async (e) => {
    const again = opts.prng.chance(opts.redeliverShare);
    if (again) stats.redeliveries++;
    if (again && opts.prng.chance(0.5)) await Promise.all([once(e), once(e)]);
    else {
      await once(e);
      if (again) late.push(sleep(opts.prng.int(0, 2000)).then(() => once(e)));
    }
    opts.onAcknowledged?.(++stats.acknowledged);
  });
  await Promise.all(late);
  return stats;
}

/** Runs `deliver` on each event in order from `concurrency` workers, the i-th starting no sooner than i / perSecond s in. */
async function paced(opts: { events: readonly PushedEvent[]; concurrency: number; perSecond: number }, deliver: (e: PushedEvent) => Promise<void>): Promise<void> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < opts.events.length) {
      const i = next++;
      await sleep(Math.max(0, started + (i * 1000) / opts.perSecond - performance.now()));
      await deliver(opts.events[i]!);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
}
