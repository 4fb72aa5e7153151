import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { newAppId, newChatId, newOpenId } from '../../src/sandbox/wire.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { postgresReachable, testDatabase } from '../storage/postgres-db.js';
import { FakeFeishu } from '../support/replicas-fake.js';
import { FEISHU_LIMITS, maxInWindow } from '../support/replicas-platform.js';
import { buildOnce, healthOf, holderOf, pushTo, startReplicas, waitUntil } from '../support/replicas.js';
import { sleep, type Bot, type PushedEvent } from '../support/spawn-bot.js';

// Debian's libfaketime (apt-get install faketime; .ci/run installs it): the replicas' wall clock is moved to a
// Monday morning just before the weekly digest's slot, their monotonic clock (timers) left alone.
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const BOT = 'ou_bot0000000000000000000000000000';
const BRANCHES = 10;
// Monday 7 December 2026, a working day and the first of its week: the weekly digest's day.
const SLOT = Date.parse('2026-12-07T10:00:00+08:00');
const JOBS = ['reminders', 'quota-reminders', 'org-life-reminders', 'weekly-digest', 'monthly-bulletin', 'holiday-notice'];
/** Faked time at start-up: before the slot by enough to start three replicas and bind the branch chats. */
const LEAD_MS = 45_000;
const KILL_BEFORE_MS = 12_000;

const reachable = await postgresReachable();
const faketime = existsSync(LIBFAKETIME);
if (!faketime) {
  // .ci/run installs it: in CI a missing libfaketime is a failure, as an unreachable PostgreSQL is.
  if (process.env.CI) throw new Error(`${LIBFAKETIME} is missing in CI (.ci/run installs Debian's faketime)`);
  console.warn(`replica scheduler test skipped: no ${LIBFAKETIME} (apt-get install faketime)`);
}
const db = testDatabase();
const bots: Bot[] = [];
const fakes: FakeFeishu[] = [];
afterAll(async () => {
  for (const b of bots) if (b.running) await b.kill9();
  for (const f of fakes) await f.close();
  await db.drop();
});

describe.runIf(reachable && faketime)('three replicas: the scheduler lease holder killed before a job slot', () => {
  it('another replica takes over within a minute and runs the slot once: one digest per branch chat', async () => {
    buildOnce();
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'sched-enc-key', verificationToken: 'sched-token' };
    const fake = await FakeFeishu.start({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
    fakes.push(fake);
    const admin = newOpenId();
    await fake.setUser(admin, '王主任');
    const chats = Array.from({ length: BRANCHES }, (_, i) => ({ chat: newChatId(), branch: `第${i + 1}支部` }));
    const url = await db.location();

    // Every job at 10:00, so none is due at start-up (a catch-up would run it before the kill).
    const setupStarted = Date.now();
    const skewMs = Math.round((SLOT - LEAD_MS - Date.now()) / 1000) * 1000;
    const fakeNow = () => Date.now() + skewMs;
    const replicas = await startReplicas(3, {
      databaseUrl: url,
      domain: fake.url,
      keys,
      botOpenId: BOT,
      admins: [admin],
      env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: `${skewMs >= 0 ? '+' : ''}${skewMs / 1000}`, DONT_FAKE_MONOTONIC: '1', DUBAN_SCHEDULE: JOBS.map((j) => `${j}=10:00`).join(',') },
    });
    bots.push(...replicas);
    const binds: PushedEvent[] = chats.map((c) => {
      const e = replicas[0]!.event(admin, c.chat, `/绑定 ${c.branch}`);
      void fake.recordInbound(e.messageId, c.chat);
      return e;
    });
    for (const [i, e] of binds.entries()) expect(await pushTo(replicas[i % 3]!, e, skewMs)).toBe(200);
    await waitUntil('a reply to every /绑定', () => binds.every((e) => fake.repliesTo(e.messageId) > 0), 30_000);

    const leader = await holderOf(replicas, 'scheduler');
    const leaderSent = (await healthOf(leader))?.sender === true;
    const setupMs = Date.now() - setupStarted;
    const spare = SLOT - KILL_BEFORE_MS - fakeNow();
    expect(spare, 'start-up and binding took longer than the lead before the slot').toBeGreaterThan(0);
    await sleep(spare);
    const killedAt = fakeNow();
    await leader.kill9();
    const survivors = replicas.filter((b) => b.running);
    const next = await holderOf(survivors, 'scheduler', 90_000);
    const takeoverMs = fakeNow() - killedAt;

    const digestChats = new Set(chats.map((c) => c.chat));
    const digests = () => fake.sent.filter((m) => m.kind === 'create' && m.chatId !== undefined && digestChats.has(m.chatId));
    await waitUntil('a digest in every branch chat', () => digests().length >= BRANCHES, 60_000, () => `${digests().length} of ${BRANCHES}`);
    const lastDigest = Math.max(...digests().map((m) => m.at));
    await waitUntil('the cluster settled', async () => {
      const h = await healthOf(next);
      return h?.inbox.pending === 0 && h.outbox.pending === 0;
    }, 30_000);
    // Past one more renewal period: a second run of the slot, or a second copy of a notice, would show by now.
    await sleep(21_000);
    for (const b of survivors) expect((await b.sigterm()).code, b.stderr).toBe(0);

    const store = await openPostgresStore(url, { mode: 'feishu' });
    const [runs, outbound] = await store.read(async (tx) => [await tx.listJobRuns(), await tx.listOutbound()] as const);
    await store.close();
    const notices = outbound.filter((o) => o.to.kind !== 'reply');
    const sentUuids = fake.sent.map((m) => m.uuid);
    const { sends, refusals } = await fake.counts();
    const digestRuns = runs.filter((r) => r.job === 'weekly-digest');
    console.log(
      JSON.stringify({
        killed: `the scheduler holder (${leaderSent ? 'also' : 'not'} the sender), ${KILL_BEFORE_MS / 1000} s before the 10:00 slot`,
        setupMs,
        takeoverMs,
        lastDigestAfterSlotMs: lastDigest + skewMs - SLOT,
        runs: runs.map((r) => `${r.job} ${r.slot} ${r.trigger} sent ${r.sent}`),
        notices: notices.map((o) => `${o.source ?? '?'} ${o.status}`),
        digests: digests().length,
        sends: sends.length,
        maxPerSecond: maxInWindow(sends.map((s) => s.at), 1000),
        refusals: refusals.length,
      }),
    );

    // The lease runs out at most its 60 s ttl after the dead holder's last renewal; /healthz is polled every 250 ms.
    expect(takeoverMs).toBeLessThan(61_000);
    // The slot ran once, by the replica that took over (catching up the slot it found missed), never by the dead one.
    expect(digestRuns).toHaveLength(1);
    expect(digestRuns[0]).toMatchObject({ slot: '2026-12-07', trigger: 'catch-up', sent: BRANCHES });
    expect(new Set(runs.map((r) => `${r.job} ${r.slot}`)).size).toBe(runs.length);
    // One digest per branch chat reached Feishu; every queued notice was sent, once, under its own uuid.
    for (const c of chats) expect(digests().filter((m) => m.chatId === c.chat), c.branch).toHaveLength(1);
    for (const o of notices) {
      expect(o.status, o.id).toBe('sent');
      expect(sentUuids.filter((u) => u === o.id), o.id).toHaveLength(1);
    }
    expect(notices.filter((o) => o.source === 'weekly-digest')).toHaveLength(BRANCHES);
    expect(refusals).toEqual([]);
    expect(maxInWindow(sends.map((s) => s.at), 1000)).toBeLessThanOrEqual(FEISHU_LIMITS.perAppPerSecond);
  }, 300_000);
});
