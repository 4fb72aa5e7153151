import { describe, expect, it } from 'vitest';
import { createPrng } from '../../src/sandbox/prng.js';
import { newAppId, newChatId, newOpenId } from '../../src/sandbox/wire.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { postgresReachable } from '../storage/postgres-db.js';
import { deliverStream } from '../support/replicas-load.js';
import { FakeFeishu } from '../support/replicas-fake.js';
import { maxInWindow, maxPerChatSecond } from '../support/replicas-platform.js';
import { buildOnce, holderOf, pushTo, replicaRun, startReplicas } from '../support/replicas.js';
import { commandMix, expectExactlyOnce, settle } from '../support/replicas-checks.js';
import type { PushedEvent } from '../support/spawn-bot.js';

const COMMANDS = 2000;
const CHATS = 20;
const BOT = 'ou_bot0000000000000000000000000000';
// Printed with every failure, so a run's choices (which commands, where, which are redelivered) can be replayed.
const SEED = Number(process.env.REPLICAS_SEED ?? Date.now() % 2 ** 31);

const reachable = await postgresReachable();
const { db, bots, fakes } = replicaRun();

describe.runIf(reachable)('three replicas on one PostgreSQL database (npm start, a load balancer in front)', () => {
  it('2,000 commands to random replicas with redelivery and a replica killed mid-stream: each effect and reply once, Feishu limits held', async () => {
    buildOnce();
    const prng = createPrng(SEED);
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'replicas-enc-key', verificationToken: 'replicas-token' };
    const fake = await FakeFeishu.start({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
    fakes.push(fake);
    const admin = newOpenId();
    await fake.setUser(admin, '王主任');
    // Twenty branch chats of two members: every chat's 4 replies a second together exceed the app's 45.
    const chats = Array.from({ length: CHATS }, (_, i) => ({ chat: newChatId(), members: [newOpenId(), newOpenId()], branch: `第${i + 1}支部` }));
    for (const [i, c] of chats.entries()) for (const [j, m] of c.members.entries()) await fake.setUser(m, `党员${i + 1}-${j + 1}`);

    const url = await db.location();
    const replicas = await startReplicas(3, { databaseUrl: url, domain: fake.url, keys, botOpenId: BOT, admins: [admin] });
    bots.push(...replicas);
    const event = (from: string, chat: string, text: string): PushedEvent => {
      const e = replicas[0]!.event(from, chat, text);
      void fake.recordInbound(e.messageId, chat);
      return e;
    };
    const binds = chats.map((c) => event(admin, c.chat, `/绑定 ${c.branch}`));
    for (const e of binds) expect(await pushTo(prng.pick(replicas), e)).toBe(200);

    const { commands, studies } = commandMix(chats, COMMANDS, prng, event);

    // A replica other than the sender is killed, not restarted: the load balancer pushes again elsewhere what it did
    // not answer, and the sender adopts what it acknowledged and left. (replicas-scheduler kills the lease holder.)
    const sender = await holderOf(replicas, 'sender');
    const victim = prng.pick(replicas.filter((b) => b !== sender));
    let killedAt = 0;
    let killing: Promise<void> | undefined;
    const started = Date.now();
    const stream = await deliverStream({
      events: commands,
      replicas,
      prng,
      redeliverShare: 0.2,
      concurrency: 8,
      perSecond: 40,
      onAcknowledged: (n) => {
        if (n !== COMMANDS / 2) return;
        killedAt = Date.now();
        killing = victim.kill9();
      },
    });
    const streamMs = Date.now() - started;
    await killing;
    const survivors = replicas.filter((b) => b.running);
    expect(survivors).toHaveLength(2);

    const all = [...binds, ...commands];
    const replyMs = await settle(fake, all, survivors, SEED);

    const counts = await fake.counts();
    const { sends, refusals } = counts;
    const perSecond = maxInWindow(sends.map((s) => s.at), 1000);
    const perMinute = maxInWindow(sends.map((s) => s.at), 60_000);
    const perChat = maxPerChatSecond(sends);
    const store = await openPostgresStore(url, { mode: 'feishu' });
    const records = await store.read((tx) => tx.listStudyRecords({ includeVoided: true }));
    await store.close();
    console.log(
      JSON.stringify({
        seed: SEED,
        events: all.length,
        pushes: stream.pushes,
        acknowledged: stream.acknowledged + binds.length,
        refused: stream.refused,
        redeliveries: stream.redeliveries,
        concurrentRedeliveries: stream.concurrent,
        killed: 'a replica other than the sender, at 1,000 acknowledged; not restarted',
        killedAtMs: Math.round(killedAt - started),
        streamMs: Math.round(streamMs),
        lastReplyAfterStreamMs: Math.round(replyMs),
        records: records.length,
        replies: fake.sent.filter((m) => m.replyTo).length,
        sends: sends.length,
        maxPerSecond: perSecond,
        maxPerMinute: perMinute,
        maxPerChatSecond: perChat,
        refusals: refusals.map((r) => `${r.limit} at ${Math.round(r.at - started)} ms`),
      }),
    );

    expect(stream.acknowledged).toBe(COMMANDS);
    expect(stream.redeliveries).toBeGreaterThan(COMMANDS * 0.15);
    expect(victim.running).toBe(false);
    expectExactlyOnce({ records, studies, all, fake, counts, seed: SEED });
  }, 420_000);
});
