import { describe, expect, it } from 'vitest';
import { newAppId, newChatId, newOpenId } from '../../src/sandbox/wire.js';
import { postgresReachable } from '../storage/postgres-db.js';
import { FakeFeishu } from '../support/replicas-fake.js';
import { buildOnce, holderOf, pushTo, replicaRun, startReplicas } from '../support/replicas.js';
import { sleep } from '../support/spawn-bot.js';

const BOT = 'ou_bot0000000000000000000000000000';
const ASKS = 10;

const reachable = await postgresReachable();
const { db, bots, fakes } = replicaRun();

describe.runIf(reachable)('two replicas on one PostgreSQL database, at a quiet time (npm start)', () => {
  it('a command answered by the replica that does not send is replied to within a second, not at the sender’s next 2 s poll', async () => {
    buildOnce();
    const keys = { appId: newAppId(), appSecret: 'secret', encryptKey: 'notify-enc-key', verificationToken: 'notify-token' };
    const fake = await FakeFeishu.start({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
    fakes.push(fake);
    const [admin, member, chat] = [newOpenId(), newOpenId(), newChatId()];
    await fake.setUser(admin, '王主任');
    await fake.setUser(member, '李四');
    const replicas = await startReplicas(2, { databaseUrl: await db.location(), domain: fake.url, keys, botOpenId: BOT, admins: [admin] });
    bots.push(...replicas);
    const sender = await holderOf(replicas, 'sender');
    const other = replicas.find((b) => b !== sender)!;

    const ask = async (to: typeof sender, from: string, text: string) => {
      const e = to.event(from, chat, text);
      await fake.recordInbound(e.messageId, chat);
      const pushed = Date.now();
      expect(await pushTo(to, e)).toBe(200);
      while (fake.repliesTo(e.messageId) === 0) {
        if (Date.now() - pushed > 30_000) throw new Error(`no reply to "${text}" in 30 s`);
        await sleep(10);
      }
      return Date.now() - pushed;
    };
    await ask(sender, admin, '/绑定 第一支部');
    // One ask at a time, a random pause between: nothing else the sender does wakes it, as at night in a province.
    const delays: number[] = [];
    for (let i = 0; i < ASKS; i++) {
      await sleep(200 + Math.floor(Math.random() * 800));
      delays.push(await ask(other, member, i % 2 === 0 ? '/帮助' : '/我的'));
    }
    console.log(`replies from the replica that does not send, ms after the push: ${delays.join(', ')}`);
    // Waiting for the poll, half of them would take over a second (uniform over 0–2 s): all ten under one is 1 in 1,000.
    expect(Math.max(...delays), `reply delays ${delays.join(', ')} ms`).toBeLessThan(1000);
  });
});
