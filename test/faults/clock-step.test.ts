import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpenPlatform } from '../../src/sandbox/open-platform.js';
import { newAppId, newChatId, newMessageId, newOpenId, toRequest } from '../../src/sandbox/wire.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { Bot, createRunDir, sleep, type PushedEvent } from '../support/spawn-bot.js';

// Debian's libfaketime (apt-get install faketime); the test is skipped where it is missing.
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const BOT = 'ou_bot0000000000000000000000000000';
const TEN_MINUTES = 10 * 60_000;
const BACKLOG = 200;

const bots: Bot[] = [];
afterAll(async () => {
  for (const b of bots) if (b.running) await b.waitExit(0);
});

/** libfaketime's absolute form: the faked clock starts at this moment (UTC here) and runs on from it. */
const faketimeAt = (ms: number) => `@${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}\n`;

describe.skipIf(!existsSync(LIBFAKETIME))('a real stepped wall clock (libfaketime)', () => {
  it('replies keep flowing when NTP steps a host clock that ran 10 minutes fast back to the right time', async () => {
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'clock-enc-key', verificationToken: 'clock-token' };
    const platform = createOpenPlatform({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
    const fake = await platform.listen();
    const admin = newOpenId();
    const chats = Array.from({ length: 4 }, () => newChatId());
    const dir = createRunDir();
    const dataFile = join(dir, 'data', 'duban.json');
    mkdirSync(dirname(dataFile), { recursive: true });
    const seeded = await openLowdbStore(dataFile, { mode: 'feishu' });
    const createdAt = new Date(Date.now() - 60_000).toISOString();
    await seeded.transact(async (tx) => {
      for (let i = 0; i < BACKLOG; i++) {
        await tx.enqueue({ id: `backlog-${i}`, to: { kind: 'reply', messageId: newMessageId(), chatId: chats[i % 4]! }, content: { type: 'text', text: `第 ${i} 条` }, createdAt });
      }
    });
    await seeded.close();

    // The bot's wall clock runs 10 minutes fast; its monotonic clock is left alone, as NTP leaves it.
    const clockFile = join(tmpdir(), `duban-faketime-${process.pid}-${Date.now()}`);
    let skew = TEN_MINUTES;
    writeFileSync(clockFile, faketimeAt(Date.now() + skew));
    const bot = await Bot.start(dir, {
      feishu: { domain: fake.url, keys, botOpenId: BOT, admins: [admin] },
      env: { LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: clockFile, FAKETIME_NO_CACHE: '1', DONT_FAKE_MONOTONIC: '1', TZ: 'UTC' },
    });
    bots.push(bot);
    await bot.waitHealthy();
    const started = performance.now();
    // Feishu signs with its own (right) time; the bot checks freshness against its clock, so the test signs with
    // the bot's time to keep the step the only difference.
    const push = async (n: number): Promise<PushedEvent[]> => {
      const events = Array.from({ length: n }, (_, i) => bot.event(admin, chats[i % 4]!, '/帮助'));
      for (const e of events) {
        const req = toRequest(keys, e.body, { timestamp: Math.floor((Date.now() + skew) / 1000) });
        const res = await fetch(`${bot.url}/webhook/event`, { method: 'POST', headers: req.headers, body: req.body });
        expect(res.status).toBe(200);
      }
      return events;
    };

    const before = await push(20);
    await waitFor(() => platform.sent.length >= 60, 20_000);
    writeFileSync(clockFile, faketimeAt(Date.now()));
    skew = 0;
    const stepped = platform.sent.length;
    const after = await push(20);
    // 4 chats at 4 a second: the whole stream takes about 15 s; a stall would take the 10 minutes of the step.
    await waitFor(() => platform.sent.length >= BACKLOG + 40, 45_000);
    expect(platform.sent.length - stepped).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(45_000);
    expect((await bot.sigterm()).code, bot.stderr).toBe(0);
    await fake.close();

    // The bot's own records show the step: replies to the later commands were stamped 10 minutes before the earlier ones.
    const store = await openLowdbStore(dataFile, { readOnly: true });
    const stamp = async (e: PushedEvent) => (await store.read((tx) => tx.listOutbound({ source: e.eventId })))[0]!.createdAt;
    const early = Date.parse(await stamp(before.at(-1)!));
    const late = Date.parse(await stamp(after[0]!));
    await store.close();
    expect(early - late).toBeGreaterThan(TEN_MINUTES - 60_000);
    for (const e of [...before, ...after]) expect(platform.sent.filter((m) => m.replyTo === e.messageId)).toHaveLength(1);
  }, 120_000);
});

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > until) throw new Error(`not within ${ms} ms`);
    await sleep(50);
  }
}
