import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { messageEvent, newAppId, newChatId, newEventId, newMessageId, newOpenId } from '../../src/sandbox/wire.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { postgresReachable } from '../storage/postgres-db.js';
import { FakeFeishu } from '../support/replicas-fake.js';
import { FEISHU_LIMITS, maxInWindow } from '../support/replicas-platform.js';
import { buildOnce, healthOf, holderOf, pushTo, replicaRun, startReplicas, waitUntil } from '../support/replicas.js';
import { sleep, type PushedEvent } from '../support/spawn-bot.js';

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
const { db, bots, fakes } = replicaRun();

describe.runIf(reachable && faketime)('three replicas: the holder of the scheduler and sender leases killed before a job slot', () => {
  it('another replica takes over within a minute and runs the slot once: one digest per branch chat, one reminder per problem due', async () => {
    buildOnce();
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'sched-enc-key', verificationToken: 'sched-token' };
    const fake = await FakeFeishu.start({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
    fakes.push(fake);
    const admin = newOpenId();
    await fake.setUser(admin, '王主任');
    const chats = Array.from({ length: BRANCHES }, (_, i) => ({ chat: newChatId(), branch: `第${i + 1}支部`, lead: newOpenId() }));
    for (const [i, c] of chats.entries()) await fake.setUser(c.lead, `负责人${i + 1}`);
    const url = await db.location();

    // Every job at 10:00, so none is due at start-up (a catch-up would run it before the kill).
    const setupStarted = Date.now();
    const skewMs = Math.round((SLOT - LEAD_MS - Date.now()) / 1000) * 1000;
    const fakeNow = () => Date.now() + skewMs;
    const start = (n: number) =>
      startReplicas(n, {
        databaseUrl: url,
        domain: fake.url,
        keys,
        botOpenId: BOT,
        admins: [admin],
        env: { LD_PRELOAD: LIBFAKETIME, FAKETIME: `${skewMs >= 0 ? '+' : ''}${skewMs / 1000}`, DONT_FAKE_MONOTONIC: '1', DUBAN_SCHEDULE: JOBS.map((j) => `${j}=10:00`).join(',') },
      });
    // The first replica up takes both leases: the one killed is then the sender too, so the notices of the slot it
    // misses must also wait for a new sender.
    const first = await start(1);
    const replicas = [...first, ...(await start(2))];
    bots.push(...replicas);
    const binds: PushedEvent[] = chats.map((c) => {
      const e = replicas[0]!.event(admin, c.chat, `/绑定 ${c.branch}`);
      void fake.recordInbound(e.messageId, c.chat);
      return e;
    });
    for (const [i, e] of binds.entries()) expect(await pushTo(replicas[i % 3]!, e, skewMs)).toBe(200);
    await waitUntil('a reply to every /绑定', () => binds.every((e) => fake.repliesTo(e.messageId) > 0), 30_000);
    // Half the branches have a problem due on the slot's day: on a digest day its reminder goes to the lead privately.
    const problems: PushedEvent[] = chats.slice(0, BRANCHES / 2).map((c, i) => {
      const messageId = newMessageId();
      const eventId = newEventId();
      const mentions = [
        { key: '@_user_1', openId: BOT, name: '督办' },
        { key: '@_user_2', openId: c.lead, name: `负责人${i + 1}` },
      ];
      const text = `@_user_1 /问题 学习制度落实不到位${i + 1} 责任单位:${c.branch} 时限:2026-12-07 负责人:@_user_2`;
      void fake.recordInbound(messageId, c.chat);
      return { eventId, messageId, body: messageEvent(keys, { text, senderOpenId: admin, chatId: c.chat, messageId, eventId, mentions, createTime: new Date(Date.now() + skewMs) }) };
    });
    for (const [i, e] of problems.entries()) expect(await pushTo(replicas[i % 3]!, e, skewMs)).toBe(200);
    await waitUntil('a reply to every /问题', () => problems.every((e) => fake.repliesTo(e.messageId) > 0), 30_000);
    await waitUntil('the cluster settled before the slot', async () => {
      const h = await healthOf(replicas[0]!);
      return h?.inbox.pending === 0 && h.outbox.pending === 0;
    }, 30_000);

    // Each lead was told privately when the problem was opened; the reminders come on top. Counted before the kill:
    // the replica that takes over may send the reminders before the test sees it holding the lease.
    const leads = new Set(chats.map((c) => c.lead));
    const privately = () => fake.sent.filter((m) => m.kind === 'create' && leads.has(m.receiveId ?? ''));
    const told = privately().length;
    expect(told).toBe(BRANCHES / 2);

    const leader = await holderOf(replicas, 'scheduler');
    expect(leader).toBe(replicas[0]);
    expect(await holderOf(replicas, 'sender')).toBe(leader);
    const setupMs = Date.now() - setupStarted;
    const spare = SLOT - KILL_BEFORE_MS - fakeNow();
    expect(spare, 'start-up and binding took longer than the lead before the slot').toBeGreaterThan(0);
    await sleep(spare);
    const killedAt = fakeNow();
    await leader.kill9();
    const survivors = replicas.filter((b) => b.running);
    const [next, sender] = await Promise.all(
      (['scheduler', 'sender'] as const).map(async (lease) => ({ bot: await holderOf(survivors, lease, 90_000), ms: fakeNow() - killedAt })),
    );

    const branchChats = new Set(chats.map((c) => c.chat));
    const notices = () => fake.sent.filter((m) => m.kind === 'create' && m.chatId !== undefined && branchChats.has(m.chatId));
    await waitUntil('a digest in every branch chat and a reminder to each lead with a problem due', () => notices().length >= BRANCHES && privately().length >= told + BRANCHES / 2, 60_000, () => `${notices().length} digests, ${privately().length - told} reminders`);
    const lastNotice = Math.max(...[...notices(), ...privately()].map((m) => m.at));
    await waitUntil('the cluster settled', async () => {
      const h = await healthOf(next!.bot);
      return h?.inbox.pending === 0 && h.outbox.pending === 0;
    }, 30_000);
    // Past one more renewal period: a second run of the slot, or a second copy of a notice, would show by now.
    await sleep(21_000);
    for (const b of survivors) expect((await b.sigterm()).code, b.stderr).toBe(0);

    const store = await openPostgresStore(url, { mode: 'feishu' });
    const [runs, outbound] = await store.read(async (tx) => [await tx.listJobRuns(), await tx.listOutbound()] as const);
    await store.close();
    const queued = outbound.filter((o) => o.to.kind !== 'reply');
    const sentUuids = fake.sent.map((m) => m.uuid);
    const { sends, refusals } = await fake.counts();
    const runOf = (job: string) => runs.filter((r) => r.job === job);
    const bySource = (source: string) => new Set(queued.filter((o) => o.source === source).map((o) => o.id));
    const of = (source: string) => fake.sent.filter((m) => bySource(source).has(m.uuid ?? ''));
    console.log(
      JSON.stringify({
        killed: `the scheduler and sender, ${KILL_BEFORE_MS / 1000} s before the 10:00 slot`,
        setupMs,
        schedulerTakeoverMs: next!.ms,
        senderTakeoverMs: sender!.ms,
        lastNoticeAfterSlotMs: lastNotice + skewMs - SLOT,
        runs: runs.map((r) => `${r.job} ${r.slot} ${r.trigger} sent ${r.sent}`),
        queued: queued.length,
        digests: notices().length,
        reminders: privately().length - told,
        sends: sends.length,
        maxPerSecond: maxInWindow(sends.map((s) => s.at), 1000),
        refusals: refusals.length,
      }),
    );

    // The lease runs out at most its 60 s ttl after the dead holder's last renewal; /healthz is polled every 250 ms.
    expect(next!.ms).toBeLessThan(61_000);
    expect(sender!.ms).toBeLessThan(61_000);
    // The slot ran once, by the replica that took over (catching up the slot it found missed), never by the dead one.
    expect(runOf('weekly-digest')).toEqual([expect.objectContaining({ slot: '2026-12-07', trigger: 'catch-up', sent: BRANCHES })]);
    expect(runOf('reminders')).toEqual([expect.objectContaining({ slot: '2026-12-07', trigger: 'catch-up', sent: BRANCHES / 2 })]);
    expect(new Set(runs.map((r) => `${r.job} ${r.slot}`)).size).toBe(runs.length);
    // One digest per branch chat and one private reminder per lead with a problem due reached Feishu, nothing else
    // went to those chats and people, and every queued notice was sent once under its own uuid.
    for (const [i, c] of chats.entries()) {
      expect(of('weekly-digest').filter((m) => m.chatId === c.chat), c.branch).toHaveLength(1);
      expect(of('reminders').filter((m) => m.receiveId === c.lead), c.branch).toHaveLength(i < BRANCHES / 2 ? 1 : 0);
    }
    expect(notices()).toHaveLength(BRANCHES);
    expect(privately()).toHaveLength(told + BRANCHES / 2);
    for (const o of queued) {
      expect(o.status, o.id).toBe('sent');
      expect(sentUuids.filter((u) => u === o.id), o.id).toHaveLength(1);
    }
    expect(refusals).toEqual([]);
    expect(maxInWindow(sends.map((s) => s.at), 1000)).toBeLessThanOrEqual(FEISHU_LIMITS.perAppPerSecond);
  }, 300_000);
});
