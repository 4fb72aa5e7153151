import { describe, expect, it } from 'vitest';
import { createPrng } from '../../src/sandbox/prng.js';
import { newAppId, newChatId, newOpenId } from '../../src/sandbox/wire.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { postgresReachable } from '../storage/postgres-db.js';
import { FakeFeishu } from '../support/replicas-fake.js';
import { deliverOverWs } from '../support/replicas-load.js';
import { maxInWindow, maxPerChatSecond } from '../support/replicas-platform.js';
import { buildOnce, healthOf, holderOf, replicaRun, startReplicas, waitUntil } from '../support/replicas.js';
import { commandMix, expectExactlyOnce, settle } from '../support/replicas-checks.js';
import type { PushedEvent } from '../support/spawn-bot.js';

const COMMANDS = 2000;
const CHATS = 20;
// The long connection's app id must be cli_ and 16 hex digits (newAppId), as the SDK's WSClient demands.
const BOT = 'ou_bot0000000000000000000000000000';
const SEED = Number(process.env.REPLICAS_SEED ?? Date.now() % 2 ** 31);

const reachable = await postgresReachable();
const { db, bots, fakes } = replicaRun();

describe.runIf(reachable)('three replicas with FEISHU_MODE=ws on one PostgreSQL database', () => {
  it('each event goes to one connected replica, some twice, one replica killed mid-stream: every effect and reply once', async () => {
    buildOnce();
    const prng = createPrng(SEED);
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'ws-enc-key', verificationToken: 'ws-token' };
    // Pings every 2 s: the gateway hands events only to a client that has pinged (the SDK drops frames before that).
    const fake = await FakeFeishu.start({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT, ws: { clientConfig: { PingInterval: 2, ReconnectInterval: 1, ReconnectNonce: 0 }, retryMs: 500 } });
    fakes.push(fake);
    const admin = newOpenId();
    await fake.setUser(admin, '王主任');
    const chats = Array.from({ length: CHATS }, (_, i) => ({ chat: newChatId(), members: [newOpenId(), newOpenId()], branch: `第${i + 1}支部` }));
    for (const [i, c] of chats.entries()) for (const [j, m] of c.members.entries()) await fake.setUser(m, `党员${i + 1}-${j + 1}`);

    const url = await db.location();
    const replicas = await startReplicas(3, { databaseUrl: url, domain: fake.url, keys, botOpenId: BOT, admins: [admin], env: { FEISHU_MODE: 'ws' } });
    bots.push(...replicas);
    await waitUntil('three long connections', async () => (await fake.counts()).connections === 3, 30_000);
    await waitUntil('every replica connected', async () => (await Promise.all(replicas.map(healthOf))).every((h) => h?.feishu.ws?.state === 'connected'), 30_000);

    const event = (from: string, chat: string, text: string): PushedEvent => {
      const e = replicas[0]!.event(from, chat, text);
      void fake.recordInbound(e.messageId, chat);
      return e;
    };
    const binds = chats.map((c) => event(admin, c.chat, `/绑定 ${c.branch}`));
    for (const e of binds) expect(await fake.push(e.body)).toMatchObject({ code: 200 });
    const { commands, studies } = commandMix(chats, COMMANDS, prng, event);
    // A replica other than the sender dies with its connection: pushes on it are lost and Feishu pushes them again to
    // another; what it acknowledged and left, the sender adopts after a minute.
    const sender = await holderOf(replicas, 'sender');
    const victim = prng.pick(replicas.filter((b) => b !== sender));
    let killing: Promise<void> | undefined;
    const started = Date.now();
    const stream = await deliverOverWs({
      events: commands,
      push: (b) => fake.push(b),
      prng,
      redeliverShare: 0.2,
      concurrency: 8,
      perSecond: 40,
      onAcknowledged: (n) => {
        if (n === COMMANDS / 2) killing = victim.kill9();
      },
    });
    const streamMs = Date.now() - started;
    await killing;
    const survivors = replicas.filter((b) => b.running);
    expect(survivors).toHaveLength(2);

    const all = [...binds, ...commands];
    const replyMs = await settle(fake, all, survivors, SEED);

    const deliveries = await fake.deliveries();
    const byEvent = new Map<string, Set<number>>();
    for (const d of deliveries) if (d.outcome === 'acked') byEvent.set(d.eventId, (byEvent.get(d.eventId) ?? new Set()).add(d.connection));
    const counts = await fake.counts();
    const { sends, refusals } = counts;
    const store = await openPostgresStore(url, { mode: 'feishu' });
    const records = await store.read((tx) => tx.listStudyRecords({ includeVoided: true }));
    await store.close();
    console.log(
      JSON.stringify({
        seed: SEED,
        events: all.length,
        pushes: deliveries.length,
        acked: deliveries.filter((d) => d.outcome === 'acked').length,
        outcomes: Object.fromEntries(['failed', 'timeout', 'lost', 'late'].map((o) => [o, deliveries.filter((d) => d.outcome === o).length])),
        redeliveries: stream.redeliveries,
        killed: 'a replica other than the sender, at 1,000 acknowledged; not restarted',
        ackedByTwoReplicas: [...byEvent.values()].filter((s) => s.size > 1).length,
        connectionsUsed: new Set(deliveries.map((d) => d.connection)).size,
        streamMs,
        lastReplyAfterStreamMs: Math.round(replyMs),
        records: records.length,
        replies: fake.sent.filter((m) => m.replyTo).length,
        sends: sends.length,
        maxPerSecond: maxInWindow(sends.map((s) => s.at), 1000),
        maxPerMinute: maxInWindow(sends.map((s) => s.at), 60_000),
        maxPerChatSecond: maxPerChatSecond(sends),
        refusals: refusals.map((r) => `${r.limit} at ${Math.round(r.at - started)} ms`),
      }),
    );

    expect(stream.failed).toEqual([]);
    expect(new Set(deliveries.map((d) => d.connection)).size).toBe(3);
    // Some events were taken by two replicas: the case that needs the database's deduplication.
    expect([...byEvent.values()].filter((s) => s.size > 1).length).toBeGreaterThan(COMMANDS * 0.05);
    expectExactlyOnce({ records, studies, all, fake, counts, seed: SEED });
  }, 300_000);
});
