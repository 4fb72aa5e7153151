import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildScaleStore, ISSUE_SCALE } from '../../bench/scale-store.js';
import { createOpenPlatform } from '../../src/sandbox/open-platform.js';
import { newAppId } from '../../src/sandbox/wire.js';
import type { Ack, ProbeStart } from '../support/ack-prober.js';
import { Bot, createRunDir, type PushedEvent } from '../support/spawn-bot.js';

// Monday 2026-11-30 09:00 China time: the weekly digest's day and hour.
const ANCHOR = Date.parse('2026-11-30T01:00:00.000Z');
const BOT = 'ou_bot0000000000000000000000000000';
// The admin API runs the digest at a chosen moment instead of waiting for 09:00 (the only extra setting here).
const ADMIN_TOKEN = 'ack-test-admin-token';

const bots: Bot[] = [];
// After each attempt, so that a retried one does not share the machine with the bot of the one before.
afterEach(async () => {
  for (const b of bots.splice(0)) if (b.running) await b.kill9();
});

function quantile(acks: Ack[], q: number): number {
  const sorted = acks.map((a) => a.ms).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!;
}

describe('acknowledging events never waits for a report', () => {
  // A measurement of time on a shared machine: an attempt that another process's burst (a disk flush, a busy core)
  // pushed over is run again, up to twice, from a fresh start; every attempt prints its figures.
  it('keeps ack p99 under 100 ms while the whole year’s study ledger is exported and the weekly digest runs, on npm start', { timeout: 240_000, retry: 2 }, async () => {
    const dir = createRunDir();
    // The bureau is generated into the default ./data/duban.json of the run directory before the bot starts.
    mkdirSync(join(dir, 'data'));
    // The issue's bureau: 50 branches, 2,000 members, 100,000 study records, 5,000 problems, with message history.
    const manifest = await buildScaleStore(join(dir, 'data', 'duban.json'), ISSUE_SCALE, new Date(ANCHOR));
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'ack-enc-key', verificationToken: 'ack-token' };
    const platform = createOpenPlatform({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
    const fake = await platform.listen();
    const bot = await Bot.start(dir, { feishu: { domain: fake.url, keys, botOpenId: BOT, admins: manifest.admins }, env: { DUBAN_ADMIN_TOKEN: ADMIN_TOKEN } });
    bots.push(bot);
    await bot.waitHealthy();
    const admin = manifest.admins[0]!;
    const branch = manifest.branches[0]!;
    const event = (from: string, chat: string, text: string): PushedEvent => {
      const e = bot.event(from, chat, text);
      platform.recordInbound(e.messageId, chat);
      return e;
    };
    const runDigest = async (at: number) => {
      const res = await fetch(`${bot.url}/admin/jobs/weekly-digest/run`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ at: new Date(at).toISOString() }) });
      return (await res.json()) as { sent: unknown[] };
    };
    const exportReply = async (text: string) => {
      const e = event(admin, manifest.leadershipChat, text);
      expect(await bot.send(e)).toBe(200);
      return platform.waitFor((m) => m.replyTo === e.messageId, 120_000);
    };

    // A process's first export and first digest compile their code (a few hundred ms, once): last week's digest and
    // one branch's ledger run first, so what is measured is a report running, not a process starting.
    await runDigest(ANCHOR - 7 * 86_400_000);
    await exportReply(`/导出 学习台账 ${branch.name} 本月`);

    // Acks are timed by a process that does nothing else (test/support/ack-prober.ts): this one also plays Feishu,
    // receiving the digest's cards and the export's upload, and its own busy turns would be counted as the bot's.
    // Two members' chats send in turn, 5 ms apart, each a signed `/帮助` as Feishu would deliver it.
    const probe = async (until: Promise<unknown> | undefined, count: number): Promise<Ack[]> => {
      const requests = Array.from({ length: count }, (_, i) => bot.request(event(branch.members[i % 2]!, branch.chatId, '/帮助')));
      const child = fork(fileURLToPath(new URL('../support/ack-prober.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
      const result = new Promise<{ acks: Ack[]; exhausted: boolean }>((resolve, reject) => {
        child.once('message', resolve as (m: unknown) => void);
        child.once('exit', (code) => reject(new Error(`ack prober exited (${code})`)));
      });
      child.send({ url: `${bot.url}/webhook/event`, requests, senders: 2, gapMs: 5 } satisfies ProbeStart);
      void until?.finally(() => child.send('stop'));
      const { acks, exhausted } = await result;
      // Ran out of events before the reports finished: some of the time under reports went unmeasured.
      if (until) expect(exhausted).toBe(false);
      expect(acks.map((a) => a.status)).toEqual(acks.map(() => 200));
      return acks;
    };
    // The same two chats with no report running: what the disk and the machine give an ack on their own, printed
    // beside the figure under reports so that a slow run shows which one was slow.
    const idle = await probe(undefined, 200);
    // Three rounds of the year's whole study ledger exported while a weekly digest runs (this week's, then the two
    // before it, each a slot not yet sent). Only acks sent while a report ran are counted.
    const acks: Ack[] = [];
    let rows = 0;
    for (const weeksBack of [0, 2, 3]) {
      const exported = exportReply('/导出 学习台账 全部 2026年');
      const digest = runDigest(ANCHOR - weeksBack * 7 * 86_400_000);
      acks.push(...(await probe(Promise.all([exported, digest]), 2000)));
      const [reply, report] = await Promise.all([exported, digest]);
      // The export is the whole year's ledger, not a slice of it.
      rows = Number(/（(\d+) 条记录）/.exec(JSON.stringify(reply.content))?.[1]);
      expect(rows).toBeGreaterThan(80_000);
      expect(report.sent.length).toBeGreaterThan(0);
    }
    expect(acks.length).toBeGreaterThanOrEqual(50);
    const summary = (xs: Ack[]) => `${xs.length}, p50 ${quantile(xs, 0.5).toFixed(0)} ms, p99 ${quantile(xs, 0.99).toFixed(0)} ms, max ${quantile(xs, 1).toFixed(0)} ms`;
    console.log(`acks with no report running: ${summary(idle)}; while a ${rows}-row ledger was exported and the digest ran: ${summary(acks)}`);
    // Measured from a separate process over HTTP, as Feishu sees it: issue 11's target.
    expect(quantile(acks, 0.99), `acks (ms): ${acks.map((a) => a.ms.toFixed(0)).join(' ')}`).toBeLessThan(100);
  });
});
