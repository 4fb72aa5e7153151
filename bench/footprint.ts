import { createOpenPlatform } from '../src/sandbox/open-platform.js';
import { serverEnv } from './env.js';
import { median } from './load.js';
import { BENCH_BOT, BENCH_KEYS } from './payloads.js';
import { startServer, type Runtime } from './server-process.js';

/** Start-up figures of `npm start`'s entry point under one runtime. */
export interface ColdStart {
  /** Each start, spawn to the first 200 from /healthz, in ms. */
  startsMs: number[];
  medianMs: number;
  /** Resident memory one second after the server became healthy (the store loaded), the largest of the starts. */
  rssMb: number;
}

/**
 * Starts `src/main.ts` `times` times under each runtime, alternating (so a busy moment of the shared machine falls
 * on both alike), each start after the last stopped cleanly, on the data file `dataFile(runtime, i)` names.
 */
export async function runColdStarts(runtimes: readonly Runtime[], dataFile: (runtime: Runtime, i: number) => string, times: number): Promise<Record<Runtime, ColdStart>> {
  const platform = createOpenPlatform({ appId: BENCH_KEYS.appId, appSecret: BENCH_KEYS.appSecret, botOpenId: BENCH_BOT });
  const fake = await platform.listen();
  const starts = new Map<Runtime, { ms: number[]; rss: number }>(runtimes.map((r) => [r, { ms: [], rss: 0 }]));
  try {
    for (let i = 0; i < times; i++) {
      for (const runtime of i % 2 === 0 ? runtimes : [...runtimes].reverse()) {
        const bot = await startServer('src/main.ts', serverEnv({ platformUrl: fake.url, dataFile: dataFile(runtime, i) }), { runtime });
        const s = starts.get(runtime)!;
        s.ms.push(Math.round(bot.startMs));
        await new Promise((r) => setTimeout(r, 1000));
        s.rss = Math.max(s.rss, bot.memory().rssMb);
        await bot.stop();
      }
    }
  } finally {
    await fake.close();
  }
  const result = {} as Record<Runtime, ColdStart>;
  for (const [runtime, s] of starts) result[runtime] = { startsMs: s.ms, medianMs: median(s.ms), rssMb: s.rss };
  return result;
}
