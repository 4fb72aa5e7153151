import { startApp } from '../src/app.js';
import { readConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createOpenPlatform } from '../src/sandbox/open-platform.js';
import { openLowdbStore } from '../storage/lowdb/open.js';
import { serverEnv } from './env.js';
import { listenLimited } from './limited-platform.js';
import { BENCH_BOT, BENCH_KEYS } from './payloads.js';

/** What the fan-out measured. */
export interface FanoutResult {
  chats: number;
  seconds: number;
  floorSeconds: number;
  ratio: number;
  lost: number;
  duplicates: number;
  rejected429: number;
}

/**
 * Queues one message to each of `chats` chats in the outbox of a store at scale, starts the bot against a fake
 * platform that enforces Feishu's limits (5 per chat and 50 per app per second, 429 over them), and times how long
 * until every message has arrived exactly once. The floor is what the app limit alone allows: chats / 50 seconds.
 */
export async function runFanout(dataFile: string, chats = 1000, limits = { perChatPerSecond: 5, perAppPerSecond: 50 }): Promise<FanoutResult> {
  const platform = createOpenPlatform({ appId: BENCH_KEYS.appId, appSecret: BENCH_KEYS.appSecret, botOpenId: BENCH_BOT });
  const gateway = await listenLimited(platform, limits);
  const store = await openLowdbStore(dataFile);
  const now = new Date().toISOString();
  await store.transact(async (tx) => {
    for (let i = 0; i < chats; i++) {
      const chatId = `oc_fanout${String(i).padStart(24, '0')}`;
      await tx.enqueue({ id: `fanout-${i}`, to: { kind: 'chat', chatId }, content: { type: 'text', text: `提醒 ${i}：本周有事项到期` }, createdAt: now, source: 'bench-fanout' });
    }
  });
  const seen = new Set<string>();
  let all!: () => void;
  const done = new Promise<void>((r) => (all = r));
  platform.on('message', (m) => {
    if (m.uuid?.startsWith('fanout-')) seen.add(m.uuid);
    if (seen.size === chats) all();
  });
  const config = readConfig({ ...serverEnv({ platformUrl: gateway.url, dataFile }), PORT: '0', HOST: '127.0.0.1' });
  const t0 = performance.now();
  const app = await startApp({ config, logger: createLogger('silent'), store });
  const limit = new Promise<void>((r) => setTimeout(r, 150_000).unref());
  await Promise.race([done, limit]);
  const seconds = (performance.now() - t0) / 1000;
  await app.close();
  await gateway.close();
  const delivered = platform.sent.filter((m) => m.uuid?.startsWith('fanout-'));
  const floorSeconds = chats / limits.perAppPerSecond;
  return {
    chats,
    seconds: Math.round(seconds * 100) / 100,
    floorSeconds,
    ratio: Math.round((seconds / floorSeconds) * 100) / 100,
    lost: chats - seen.size,
    duplicates: delivered.length - seen.size,
    rejected429: gateway.rejected,
  };
}
