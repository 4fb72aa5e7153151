import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpenPlatform, type OpenPlatform } from '../../src/sandbox/open-platform.js';
import { newAppId, newChatId, newMessageId, newOpenId } from '../../src/sandbox/wire.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { Bot, createRunDir, sleep, type PushedEvent } from '../support/spawn-bot.js';

const BOT = 'ou_bot0000000000000000000000000000';
const SENDS = /\/im\/v1\/messages/;
const bots: Bot[] = [];
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const b of bots) if (b.running) await b.waitExit(0);
  for (const c of closers) await c();
});

/** A fake Open Platform and a run directory whose default data file already holds `backlog` unsent replies. */
async function setup(backlog: number) {
  const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'shutdown-enc-key', verificationToken: 'shutdown-token' };
  const platform = createOpenPlatform({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
  const fake = await platform.listen();
  closers.push(() => fake.close());
  const admin = newOpenId();
  const dir = createRunDir();
  const start = async () => {
    const bot = await Bot.start(dir, { feishu: { domain: fake.url, keys, botOpenId: BOT, admins: [admin] } });
    bots.push(bot);
    await bot.waitHealthy();
    return bot;
  };
  // The replies a busy day left queued, to fifty chats, as the outbox holds them.
  const queued: string[] = [];
  const dataFile = `${dir}/data/duban.json`;
  mkdirSync(dirname(dataFile), { recursive: true });
  const store = await openLowdbStore(dataFile, { mode: 'feishu' });
  const chats = Array.from({ length: 50 }, () => newChatId());
  const createdAt = new Date(Date.now() - 60_000).toISOString();
  await store.transact(async (tx) => {
    for (let i = 0; i < backlog; i++) {
      const id = `backlog-${i}`;
      queued.push(id);
      const chatId = chats[i % chats.length]!;
      await tx.enqueue({ id, to: { kind: 'reply', messageId: newMessageId(), chatId }, content: { type: 'text', text: `已记录第 ${i} 条` }, createdAt, source: id });
    }
  });
  await store.close();
  return { platform, admin, chats, queued, start };
}

/** How many times Feishu posted each uuid. */
function postings(platform: OpenPlatform): Map<string, number> {
  const n = new Map<string, number>();
  for (const m of platform.sent) if (m.uuid) n.set(m.uuid, (n.get(m.uuid) ?? 0) + 1);
  return n;
}

/** Pushes `/帮助` from `admin` into each chat; the events Feishu got a 200 for. */
async function pushCommands(bot: Bot, admin: string, chats: string[]): Promise<PushedEvent[]> {
  const events = chats.map((c) => bot.event(admin, c, '/帮助'));
  const statuses = await Promise.all(events.map((e) => bot.send(e)));
  return events.filter((_, i) => statuses[i] === 200);
}

function expectEachOnce(platform: OpenPlatform, queued: string[], acked: PushedEvent[]): void {
  const n = postings(platform);
  for (const id of queued) expect(n.get(id), id).toBe(1);
  for (const e of acked) expect(platform.sent.filter((m) => m.replyTo === e.messageId), `reply to ${e.messageId}`).toHaveLength(1);
  expect(platform.sent.filter((m) => m.kind !== 'patch').length).toBe(n.size);
}

describe('shutdown with a backlog while Feishu does not answer', () => {
  it('SIGTERM exits with 0 within 10 s; after a restart every queued and every acknowledged reply goes out exactly once', async () => {
    const { platform, admin, chats, queued, start } = await setup(2000);
    // Feishu takes every send and never answers (the SDK gives up after its 10 s timeout).
    platform.faults.next(SENDS, { delayMs: 120_000 }, 1_000_000);
    let bot = await start();
    await waitFor(() => platform.requests.filter((r) => SENDS.test(r.path)).length >= 20, 30_000);
    const acked = await pushCommands(bot, admin, chats.slice(0, 20));
    expect(acked.length).toBeGreaterThan(0);

    const signalled = performance.now();
    const exit = await bot.sigterm(30_000);
    const took = performance.now() - signalled;
    expect(exit, `shutdown:\n${bot.stderr}`).toEqual({ code: 0, signal: null });
    expect(took).toBeLessThan(10_000);

    platform.faults.clear();
    bot = await start();
    // Feishu's per-app limit is 1,000 a minute: two thousand replies take a little over two minutes.
    await bot.settle(300_000);
    expect((await bot.sigterm()).code, bot.stderr).toBe(0);
    expectEachOnce(platform, queued, acked);
  }, 480_000);

  it('a second signal exits at once, and nothing acknowledged is lost', async () => {
    const { platform, admin, chats, queued, start } = await setup(200);
    platform.faults.next(SENDS, { delayMs: 120_000 }, 1_000_000);
    let bot = await start();
    await waitFor(() => platform.requests.filter((r) => SENDS.test(r.path)).length >= 20, 30_000);
    const acked = await pushCommands(bot, admin, chats.slice(0, 10));

    const server = bot.serverPid();
    process.kill(server, 'SIGTERM');
    await sleep(200);
    const second = performance.now();
    process.kill(server, 'SIGTERM');
    const exit = await Promise.race([bot.exited, sleep(5000).then(() => undefined)]);
    expect(exit, 'still running 5 s after the second signal').toBeDefined();
    expect(performance.now() - second).toBeLessThan(1000);

    platform.faults.clear();
    bot = await start();
    await bot.settle(120_000);
    expect((await bot.sigterm()).code, bot.stderr).toBe(0);
    expectEachOnce(platform, queued, acked);
  }, 240_000);
});

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > until) throw new Error(`not within ${ms} ms`);
    await sleep(50);
  }
}
