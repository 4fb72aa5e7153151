import { createOpenPlatform } from '../src/sandbox/open-platform.js';
import { serverEnv } from './env.js';
import { openLoop, percentiles, type Latency } from './load.js';
import { BENCH_BOT, BENCH_KEYS, buildEvents } from './payloads.js';
import type { ScaleManifest } from './scale-store.js';
import { machineCpuMs, startServer, type Runtime } from './server-process.js';

/** End-to-end figures: event posted → reply recorded at the fake platform. */
export interface LatencyResult {
  rate: number;
  seconds: number;
  events: number;
  replies: number;
  latency: Latency;
  byCommand: Record<string, Latency>;
  ackP99: number;
  rssAfterMb: number;
  /** The app-wide send budget the bot ran with (per second); undefined means Feishu's defaults. */
  appRate?: number;
  /** CPU time the host took from this virtual machine during the run, in ms over all cores (see machineCpuMs). */
  stolenMs: number;
}

/**
 * Posts the command mix at a fixed rate and times each event from its due moment to the arrival of its reply at
 * the fake platform. `appRate` raises the bot's app-wide send budget (Feishu allows 50 messages/s per app, so at
 * 200 events/s replies would otherwise queue behind the platform's limit rather than behind our pipeline).
 */
export async function runLatency(m: ScaleManifest, dataFile: string, opts: { rate: number; seconds: number; appRate?: number; tag: string; runtime: Runtime }): Promise<LatencyResult> {
  const platform = createOpenPlatform({ appId: BENCH_KEYS.appId, appSecret: BENCH_KEYS.appSecret, botOpenId: BENCH_BOT });
  const fake = await platform.listen();
  const extra: Record<string, string> = opts.appRate ? { BENCH_APP_RATE: String(opts.appRate) } : {};
  const bot = await startServer('bench/app-server.ts', serverEnv({ platformUrl: fake.url, dataFile, extra }), { runtime: opts.runtime });
  try {
    const events = buildEvents(m, opts.rate * opts.seconds, opts.tag, 7);
    const dueAt = new Map<string, { at: number; command: string }>();
    const samples: number[] = [];
    const byCommand: Record<string, number[]> = {};
    let all!: () => void;
    const done = new Promise<void>((r) => (all = r));
    platform.on('message', (msg) => {
      const d = msg.replyTo ? dueAt.get(msg.replyTo) : undefined;
      if (!d) return;
      dueAt.delete(msg.replyTo!);
      const ms = performance.now() - d.at;
      samples.push(ms);
      (byCommand[d.command] ??= []).push(ms);
      if (samples.length === events.length) all();
    });
    const machineFrom = machineCpuMs();
    const ack = await openLoop(
      bot.url + '/webhook/event',
      events.map((e) => e.shot),
      opts.rate,
      (i, at) => dueAt.set(events[i]!.messageId, { at, command: events[i]!.command }),
    );
    await Promise.race([done, new Promise((r) => setTimeout(r, 30_000).unref())]);
    const stolenMs = Math.round(machineCpuMs().steal - machineFrom.steal);
    return {
      rate: opts.rate,
      seconds: opts.seconds,
      events: events.length,
      replies: samples.length,
      latency: percentiles(samples),
      byCommand: Object.fromEntries(Object.entries(byCommand).map(([k, v]) => [k, percentiles(v)])),
      ackP99: ack.latency.p99,
      rssAfterMb: bot.memory().rssMb,
      appRate: opts.appRate,
      stolenMs,
    };
  } finally {
    await bot.kill();
    await fake.close();
  }
}
