import { expect } from 'vitest';
import type { Prng } from '../../src/sandbox/prng.js';
import type { StudyRecord } from '../../storage/study.js';
import type { FakeCounts, FakeFeishu } from './replicas-fake.js';
import { FEISHU_LIMITS, maxInWindow, maxPerChatSecond } from './replicas-platform.js';
import { healthOf, waitUntil } from './replicas.js';
import type { Bot, PushedEvent } from './spawn-bot.js';

/** A branch chat of the replica tests: its chat id, its two members and the branch it is bound to. */
export interface TestChat {
  chat: string;
  members: string[];
  branch: string;
}

/**
 * The command stream both replica tests send, round the chats: six in ten `/学习` (each creates an S-numbered record,
 * its content unique so each can be found once), the rest `/我的` or `/帮助 学习`, which only reply.
 */
export function commandMix(chats: readonly TestChat[], count: number, prng: Prng, event: (from: string, chat: string, text: string) => PushedEvent): { commands: PushedEvent[]; studies: string[] } {
  const studies: string[] = [];
  const commands = Array.from({ length: count }, (_, i) => {
    const c = chats[i % chats.length]!;
    const member = c.members[Math.floor(i / chats.length) % 2]!;
    if (prng.chance(0.6)) {
      const content = `《党章》第${i + 1}遍`;
      studies.push(content);
      return event(member, c.chat, `/学习 10分钟 自学 ${content}`);
    }
    return event(member, c.chat, prng.chance(0.5) ? '/我的' : '/帮助 学习');
  });
  return { commands, studies };
}

/**
 * Waits for a reply to every event (events a killed replica acknowledged and left are adopted by the sender once a
 * minute old) and for the cluster to go idle, then stops the survivors with SIGTERM; how long the replies took.
 */
export async function settle(fake: FakeFeishu, all: readonly PushedEvent[], survivors: readonly Bot[], seed: number): Promise<number> {
  const unanswered = () => all.filter((e) => fake.repliesTo(e.messageId) === 0).length;
  const replyMs = await waitUntil('a reply to every command', () => unanswered() === 0, 240_000, () => `seed ${seed}: ${unanswered()} unanswered`);
  await waitUntil('the cluster settled (no event pending, no message queued)', async () => {
    const h = await healthOf(survivors[0]!);
    return h?.inbox.pending === 0 && h.outbox.pending === 0;
  }, 60_000);
  for (const b of survivors) expect((await b.sigterm()).code, b.stderr).toBe(0);
  return replyMs;
}

/** What both replica tests hold the run to: each effect once, each reply once, Feishu's app-wide limits kept. */
export function expectExactlyOnce(o: { records: readonly StudyRecord[]; studies: readonly string[]; all: readonly PushedEvent[]; fake: FakeFeishu; counts: FakeCounts; seed: number }): void {
  const { records, studies, fake, seed } = o;
  // One record per /学习, numbered S1…Sn without a gap or a repeat.
  expect(records, `seed ${seed}`).toHaveLength(studies.length);
  expect(new Set(records.map((r) => r.content)), `seed ${seed}`).toEqual(new Set(studies));
  expect(records.map((r) => Number(r.id.slice(1))).sort((a, b) => a - b)).toEqual(studies.map((_, i) => i + 1));
  // One reply per command, and no message sent twice under one idempotency key.
  for (const e of o.all) expect(fake.repliesTo(e.messageId), `seed ${seed}: replies to ${e.messageId}`).toBe(1);
  const uuids = fake.sent.map((m) => m.uuid).filter(Boolean);
  expect(new Set(uuids).size).toBe(uuids.length);
  // Feishu's limits for the app as a whole, as the platform counted what arrived; nothing refused.
  const times = o.counts.sends.map((s) => s.at);
  expect(o.counts.refusals).toEqual([]);
  expect(maxInWindow(times, 1000)).toBeLessThanOrEqual(FEISHU_LIMITS.perAppPerSecond);
  expect(maxInWindow(times, 60_000)).toBeLessThanOrEqual(FEISHU_LIMITS.perAppPerMinute);
  expect(maxPerChatSecond(o.counts.sends)).toBeLessThanOrEqual(FEISHU_LIMITS.perChatPerSecond);
}
