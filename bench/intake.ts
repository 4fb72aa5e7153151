import { createOpenPlatform } from '../src/sandbox/open-platform.js';
import { serverEnv } from './env.js';
import { closedLoop, median, openLoop, percentiles, type LoadResult } from './load.js';
import { BENCH_BOT, BENCH_KEYS, buildEvents } from './payloads.js';
import type { ScaleManifest } from './scale-store.js';
import { startServer, type Runtime, type ServerProcess } from './server-process.js';

/** One bot's intake figures against the baseline of the same run. */
export interface BotIntake {
  /** All its closed-loop rounds pooled. */
  duban: LoadResult;
  /** The median of its per-round ratios, each round against the baseline round run just before or after it. */
  ratio: number;
  /** Every round's ratio, to show the spread. */
  roundRatios: number[];
  /** Memory of the bot's process once the runs were answered. */
  rssAfterMb: number;
}

/** Intake figures for the bot under each runtime and the bare SDK baseline, measured side by side in one run. */
export interface IntakeResult {
  baseline: LoadResult;
  bots: Record<Runtime, BotIntake>;
  /** A fixed 300 events/s: the baseline and the bot under the first runtime (the deployment). */
  at300: { duban: LoadResult; baseline: LoadResult };
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
 * Signed, encrypted pushes with the command mix, posted to the bot (`src/main.ts` on the scale store under each
 * runtime, its replies going to a fake platform) and to a bare Koa + SDK EventDispatcher server (compiled, run by
 * plain node) whose handler does nothing. All get the same bytes and a warm-up first. Then a fixed 300 events/s, and as fast as each answers with 32 connections in rounds that take turns (the order rotating), every
 * bot having processed its backlog first. Each round's ratio is taken against the baseline round beside it and the
 * median kept: a busy moment of the shared machine then spoils one round, not the figure.
 */
export async function runIntake(m: ScaleManifest, dataFile: (runtime: Runtime) => string, runtimes: readonly Runtime[], opts: { roundCount: number; rateSeconds: number }): Promise<IntakeResult> {
  const platform = createOpenPlatform({ appId: BENCH_KEYS.appId, appSecret: BENCH_KEYS.appSecret, botOpenId: BENCH_BOT });
  const fake = await platform.listen();
  const started: ServerProcess[] = [];
  try {
    const bots = new Map<Runtime, ServerProcess>();
    for (const runtime of runtimes) {
      const bot = await startServer('src/main.ts', serverEnv({ platformUrl: fake.url, dataFile: dataFile(runtime) }), { runtime });
      started.push(bot);
      bots.set(runtime, bot);
    }
    const bare = await startServer('bench/baseline-server.ts', serverEnv({ platformUrl: fake.url, dataFile: dataFile(runtimes[0]!) }), { runtime: 'compiled' });
    started.push(bare);
    const allDrained = () => Promise.all([...bots.values()].map((b) => drained(b.url)));
    const warm = buildEvents(m, 1000, 'warm', 4).map((e) => e.shot);
    await openLoop(bare.url + '/webhook/event', warm, 300);
    for (const bot of bots.values()) await openLoop(bot.url + '/webhook/event', warm, 300);
    await allDrained();
    const rated = buildEvents(m, 300 * opts.rateSeconds, 'r300', 3).map((e) => e.shot);
    const first = bots.get(runtimes[0]!)!;
    const at300 = { baseline: await openLoop(bare.url + '/webhook/event', rated, 300), duban: await openLoop(first.url + '/webhook/event', rated, 300) };
    const base: LoadResult[] = [];
    const ours = new Map<Runtime, LoadResult[]>(runtimes.map((r) => [r, []]));
    const servers: (Runtime | 'baseline')[] = ['baseline', ...runtimes];
    for (let round = 0; round < ROUNDS; round++) {
      const shots = buildEvents(m, opts.roundCount, `max${round}`, 5 + round).map((e) => e.shot);
      for (let k = 0; k < servers.length; k++) {
        const who = servers[(round + k) % servers.length]!;
        await allDrained();
        const r = await closedLoop((who === 'baseline' ? bare : bots.get(who)!).url + '/webhook/event', shots, WORKERS);
        (who === 'baseline' ? base : ours.get(who)!).push(r);
      }
    }
    const result = {} as Record<Runtime, BotIntake>;
    for (const [runtime, rounds] of ours) {
      const roundRatios = rounds.map((r, i) => Math.round((r.rps / base[i]!.rps) * 100) / 100);
      result[runtime] = { duban: pooled(rounds), ratio: median(roundRatios), roundRatios, rssAfterMb: bots.get(runtime)!.memory().rssMb };
    }
    return { baseline: pooled(base), bots: result, at300 };
  } finally {
    for (const s of started) await s.kill();
    await fake.close();
  }
}
