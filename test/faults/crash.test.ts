import { afterAll, describe, expect, it } from 'vitest';
import { createOpenPlatform } from '../../src/sandbox/open-platform.js';
import { createPrng } from '../../src/sandbox/prng.js';
import { newAppId, newChatId, newOpenId } from '../../src/sandbox/wire.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { Bot, createRunDir, sleep, type PushedEvent } from '../support/spawn-bot.js';

const COMMANDS = 600;
const MIN_KILLS = 12;
const BOT = 'ou_bot0000000000000000000000000000';
// Printed with every failure, so a run's kill moments can be replayed.
const SEED = Number(process.env.CRASH_SEED ?? Date.now() % 2 ** 31);

const bots: Bot[] = [];
afterAll(async () => {
  for (const b of bots) if (b.running) await b.kill9();
});

describe('crash: kill -9 at random moments while commands stream in, on the default ./data/duban.json', () => {
  it('keeps every acknowledged command exactly once, and the data file always loads', async () => {
    const prng = createPrng(SEED);
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'crash-enc-key', verificationToken: 'crash-token' };
    const platform = createOpenPlatform({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
    const fake = await platform.listen();
    const admin = newOpenId();
    platform.setUser(admin, { name: '王主任' });
    // Twenty branch chats with one member each, so replies are not all queued behind one chat's 4 per second.
    const chats = Array.from({ length: 20 }, (_, i) => ({ chat: newChatId(), member: newOpenId(), branch: `第${i + 1}支部` }));
    for (const [i, c] of chats.entries()) platform.setUser(c.member, { name: `党员${i + 1}` });
    const dir = createRunDir();

    let bot!: Bot;
    const start = async () => {
      bot = await Bot.start(dir, { feishu: { domain: fake.url, keys, botOpenId: BOT, admins: [admin] } });
      bots.push(bot);
      // A data file that does not load is the failure this test looks for: waitHealthy throws with the bot's stderr.
      await bot.waitHealthy();
    };
    const event = (from: string, chat: string, text: string): PushedEvent => {
      const e = bot.event(from, chat, text);
      platform.recordInbound(e.messageId, chat);
      return e;
    };

    await start();
    for (const c of chats) expect(await bot.send(event(admin, c.chat, `/绑定 ${c.branch}`))).toBe(200);

    const pending = Array.from({ length: COMMANDS }, (_, i) => {
      const c = chats[i % chats.length]!;
      // Ten minutes each: thirty a member stay under the 12-hours-a-day question, so every one is stored.
      return event(c.member, c.chat, `/学习 10分钟 自学 《党章》第${i + 1}遍`);
    });
    const acked = new Set<string>();
    let kills = 0;
    // Feishu pushes again whatever was not acknowledged with 200; a few acknowledged ones are pushed twice as well.
    while (acked.size < COMMANDS || kills < MIN_KILLS) {
      // Starting takes seconds, so the window must too, or each life acknowledges next to nothing.
      const killAfter = prng.int(200, 2000);
      const victim = bot;
      const killer = setTimeout(() => void victim.kill9(), killAfter);
      const todo = pending.filter((e) => !acked.has(e.messageId)).slice(0, 150);
      const again = [...acked].slice(0, 3).map((id) => pending.find((e) => e.messageId === id)!);
      const batch = todo.length > 0 ? todo : again;
      for (let i = 0; i < batch.length && victim.running; i += 15) {
        const slice = batch.slice(i, i + 15);
        const results = await Promise.all(slice.map((e) => victim.send(e)));
        slice.forEach((e, j) => results[j] === 200 && acked.add(e.messageId));
      }
      await sleep(killAfter + 20);
      clearTimeout(killer);
      await victim.kill9();
      kills++;
      await start();
    }

    // Let the last process finish its journal and outbox, then stop it cleanly.
    await bot.settle();
    expect.soft((await bot.sigterm()).code, `seed ${SEED}: ${bot.stderr}`).toBe(0);

    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(acked.size).toBe(COMMANDS);
    const store = await openLowdbStore(bot.dataFile, { readOnly: true });
    const records = await store.read((tx) => tx.listStudyRecords({ includeVoided: true }));
    await store.close();
    const byContent = new Map<string, number>();
    for (const r of records) byContent.set(r.content, (byContent.get(r.content) ?? 0) + 1);
    expect(records, `seed ${SEED}`).toHaveLength(COMMANDS);
    expect([...byContent.values()].every((n) => n === 1), `seed ${SEED}`).toBe(true);
    // One reply per acknowledged command reached Feishu (retries carry the same uuid).
    const replies = new Map<string, number>();
    for (const m of platform.sent) if (m.replyTo) replies.set(m.replyTo, (replies.get(m.replyTo) ?? 0) + 1);
    for (const e of pending) expect(replies.get(e.messageId), `seed ${SEED}`).toBe(1);
    await fake.close();
  }, 600_000);
});
