import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type Person } from '../support/harness.js';

const COMMANDS = 2000;
const CHATS = 100;

let h: Harness;
beforeAll(async () => {
  // Twenty half-hour sessions a member on one day stay under the 12-hour question (issue 13), so each one lands.
  // Volume, not pacing, is under test here: Feishu's 1,000/min would make 2,000 replies take two minutes.
  h = await Harness.start({ unthrottled: true });
});
afterAll(async () => {
  await h?.close();
});

describe('redelivery', () => {
  it('2,000 commands each delivered 3 times, concurrently and out of order: 2,000 effects and 2,000 replies', async () => {
    const admin = await h.makeAdmin('王主任');
    // Replies spread over many chats, so the per-chat send limit (4/s) does not set the pace.
    const chats = Array.from({ length: CHATS }, () => h.newChat());
    const members = chats.map((_, i) => h.person(`党员${i + 1}`));
    for (const [i, c] of chats.entries()) await h.say(admin, c, `/绑定 第${(i % 10) + 1}支部`);
    const events = Array.from({ length: COMMANDS }, (_, i) => h.event(members[i % CHATS] as Person, chats[i % CHATS]!, `/学习 30分钟 自学 《党章》第${i + 1}遍`));
    const deliveries = fc.sample(fc.shuffledSubarray([0, 1, 2].flatMap(() => events), { minLength: COMMANDS * 3 }), { numRuns: 1, seed: 42 })[0]!;
    expect(deliveries).toHaveLength(COMMANDS * 3);
    const statuses: number[] = [];
    for (let i = 0; i < deliveries.length; i += 60) {
      const batch = deliveries.slice(i, i + 60);
      const res = await Promise.all(batch.map((e) => h.deliver(e.body)));
      statuses.push(...res.map((r) => r.status));
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    await h.app.settle();
    const records = await h.app.store.read((tx) => tx.listStudyRecords());
    expect(records).toHaveLength(COMMANDS);
    expect(new Set(records.map((r) => r.content)).size).toBe(COMMANDS);
    const ids = new Set(events.map((e) => e.messageId));
    const replies = h.platform.sent.filter((m) => m.replyTo && ids.has(m.replyTo));
    expect(replies).toHaveLength(COMMANDS);
    expect(new Set(replies.map((m) => m.replyTo)).size).toBe(COMMANDS);
  }, 120_000);

  it('the same event re-signed (a new nonce and timestamp, as Feishu retries) is still processed once', async () => {
    const admin = h.person('王主任');
    const chat = h.newChat();
    const ev = h.event(admin, chat, '/绑定 第十一支部');
    const tries = await Promise.all([1, 2, 3, 4, 5].map((n) => h.deliver(ev.body, { nonce: String(n), timestamp: Math.floor(Date.now() / 1000) - n })));
    expect(tries.map((t) => t.status)).toEqual([200, 200, 200, 200, 200]);
    await h.app.settle();
    expect(h.platform.sent.filter((m) => m.replyTo === ev.messageId)).toHaveLength(1);
  });
});
