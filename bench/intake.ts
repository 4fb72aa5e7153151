import { createOpenPlatform } from '../src/sandbox/open-platform.js';
import { serverEnv } from './env.js';
import { closedLoop, openLoop, percentiles, type LoadResult } from './load.js';
import { BENCH_BOT, BENCH_KEYS, buildEvents } from './payloads.js';
import type { ScaleManifest } from './scale-store.js';
import { startServer } from './server-process.js';

/** Intake figures for the bot and the bare SDK baseline, measured side by side in one run. */
export interface IntakeResult {
  baseline: LoadResult;
  duban: LoadResult;
  ratio: number;
  at300: { duban: LoadResult; baseline: LoadResult };
  /** Memory of the bot's process once the runs were answered. */
  rssAfterMb: number;
}

const WORKERS = 32;
const ROUNDS = 3;

/** Waits until the bot has processed everything it acknowledged (its journal has nothing pending). */
async function drained(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const h = (await (await fetch(url + '/healthz')).json()) as { inbox?: { pending: number } };
    if (h.inbox?.pending === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sums closed-loop rounds into one figure: all requests over all the time they took, latencies pooled. */
function pooled(rounds: LoadResult[]): LoadResult {
  const sent = rounds.reduce((n, r) => n + r.sent, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  const statuses: Record<string, number> = {};
  for (const r of rounds) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  return { sent, ok: statuses['200'] ?? 0, statuses, seconds, rps: Math.round(sent / seconds), latency: percentiles(rounds.flatMap((r) => r.samples ?? [])) };
}

/**
 * Signed, encrypted pushes with the command mix, posted to the bot (`src/main.ts` on the scale store, its replies
 * going to a fake platform) and to a bare Koa + SDK EventDispatcher server whose handler does nothing. Both get the
 * same bytes and a warm-up first. Then a fixed 300 events/s for 15 s each, and as fast as each answers with 32
 * connections in alternating rounds, the bot having processed its backlog before every round (so neither server's
 * round shares the machine with the other's leftovers).
 */
export async function runIntake(m: ScaleManifest, dataFile: string, opts: { roundCount: number; rateSeconds: number }): Promise<IntakeResult> {
  const platform = createOpenPlatform({ appId: BENCH_KEYS.appId, appSecret: BENCH_KEYS.appSecret, botOpenId: BENCH_BOT });
  const fake = await platform.listen();
  const env = serverEnv({ platformUrl: fake.url, dataFile });
  const bot = await startServer('src/main.ts', env);
  const bare = await startServer('bench/baseline-server.ts', env);
  try {
    const warm = buildEvents(m, 1500, 'warm', 4).map((e) => e.shot);
    await openLoop(bare.url + '/webhook/event', warm, 300);
    await openLoop(bot.url + '/webhook/event', warm, 300);
    await drained(bot.url);
    const rated = buildEvents(m, 300 * opts.rateSeconds, 'r300', 3).map((e) => e.shot);
    const at300 = {
      baseline: await openLoop(bare.url + '/webhook/event', rated, 300),
      duban: await openLoop(bot.url + '/webhook/event', rated, 300),
    };
    const base: LoadResult[] = [];
    const ours: LoadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const shots = buildEvents(m, opts.roundCount, `max${round}`, 5 + round).map((e) => e.shot);
      await drained(bot.url);
      base.push(await closedLoop(bare.url + '/webhook/event', shots, WORKERS));
      await drained(bot.url);
      ours.push(await closedLoop(bot.url + '/webhook/event', shots, WORKERS));
    }
    const baseline = pooled(base);
    const duban = pooled(ours);
    return { baseline, duban, ratio: Math.round((duban.rps / baseline.rps) * 100) / 100, at300, rssAfterMb: bot.memory().rssMb };
  } finally {
    await bot.kill();
    await bare.kill();
    await fake.close();
  }
}
