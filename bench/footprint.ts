import { createOpenPlatform } from '../src/sandbox/open-platform.js';
import { serverEnv } from './env.js';
import { BENCH_BOT, BENCH_KEYS } from './payloads.js';
import { startServer } from './server-process.js';

/** Start-up figures of `npm start`'s entry point on the scale store. */
export interface ColdStart {
  /** Each start, spawn to the first 200 from /healthz, in ms. */
  startsMs: number[];
  medianMs: number;
  /** Resident memory one second after the store was loaded and the server became healthy. */
  rssAfterLoadMb: number;
}

/** Starts `src/main.ts` on the data file `times` times (each after the last stopped cleanly) and times it. */
export async function runColdStarts(dataFile: string, times = 3): Promise<ColdStart> {
  const platform = createOpenPlatform({ appId: BENCH_KEYS.appId, appSecret: BENCH_KEYS.appSecret, botOpenId: BENCH_BOT });
  const fake = await platform.listen();
  const startsMs: number[] = [];
  let rssAfterLoadMb = 0;
  try {
    for (let i = 0; i < times; i++) {
      const bot = await startServer('src/main.ts', serverEnv({ platformUrl: fake.url, dataFile }));
      startsMs.push(Math.round(bot.startMs));
      await new Promise((r) => setTimeout(r, 1000));
      rssAfterLoadMb = Math.max(rssAfterLoadMb, bot.memory().rssMb);
      await bot.stop();
    }
  } finally {
    await fake.close();
  }
  const sorted = [...startsMs].sort((a, b) => a - b);
  return { startsMs, medianMs: sorted[Math.floor(sorted.length / 2)]!, rssAfterLoadMb };
}
