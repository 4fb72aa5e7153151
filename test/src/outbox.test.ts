import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/feishu/client.js';
import { createMessenger } from '../../src/feishu/messenger.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxSender } from '../../src/outbox.js';
import { FEISHU_RATES, Throttle } from '../../src/throttle.js';
import { createOpenPlatform, type OpenPlatform } from '../../src/sandbox/open-platform.js';
import { newAppId } from '../../src/sandbox/wire.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

const logger = createLogger('silent');
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function rig(): Promise<{ store: Store; platform: OpenPlatform; sender: ReturnType<typeof createOutboxSender> }> {
  const appId = newAppId();
  const platform = createOpenPlatform({ appId, appSecret: 's' });
  const fake = await platform.listen();
  const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-outbox-')), 'duban.json'));
  // A short client timeout so an injected slow answer counts as a timeout.
  const messenger = createMessenger(createClient({ appId, appSecret: 's', domain: fake.url, logger, timeoutMs: 400 }));
  const sender = createOutboxSender({ store, messenger, clock: () => new Date(), logger, pollMs: 100 });
  cleanup.push(async () => {
    await sender.stop();
    await store.close();
    await fake.close();
  });
  return { store, platform, sender };
}

async function until(pred: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The most messages any chat (or all chats) received within one window of `ms`. */
function peak(times: number[], ms: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= ms) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('throttle', () => {
  it('hands out at most 4 slots per second per chat', async () => {
    const t = new Throttle();
    const got: number[] = [];
    await Promise.all(Array.from({ length: 9 }, () => t.acquire('oc_x').then(() => got.push(Date.now()))));
    expect(got).toHaveLength(9);
    expect(peak(got, 1000)).toBeLessThanOrEqual(4);
  });
});

describe('outbox against a faulty platform', () => {
  it('delivers every message exactly once through 429s with a reset header, 5xx and timeouts, within the rate limits', async () => {
    const { store, platform, sender } = await rig();
    platform.faults.random({
      rate: 0.3,
      seed: 7,
      path: /\/im\/v1\/messages/,
      replies: [{ status: 429, headers: { 'x-ogw-ratelimit-reset': '1' } }, { status: 500 }, { status: 503 }, { delayMs: 1200 }],
    });
    const chats = ['oc_a', 'oc_b', 'oc_c', 'oc_d'];
    await store.transact(async (tx) => {
      for (let i = 0; i < 40; i++) {
        await tx.enqueue({ id: `m-${i}`, to: { kind: 'chat', chatId: chats[i % 4]! }, content: { type: 'text', text: `消息 ${i}` }, createdAt: new Date().toISOString() });
      }
    });
    sender.start();
    await until(async () => (await store.read((tx) => tx.listOutbound({ status: 'sent' }))).length === 40);
    const uuids = platform.sent.map((m) => m.uuid);
    expect(new Set(uuids).size).toBe(40);
    expect(uuids).toHaveLength(40);
    expect(platform.requests.filter((r) => r.fault).length).toBeGreaterThan(5);
    for (const chat of chats) {
      const times = platform.sent.filter((m) => m.chatId === chat).map((m) => m.arrivedAt!.getTime());
      expect(times).toHaveLength(10);
      // Our throttle allows 4 per second per chat when it hands out a slot; network jitter between that moment and
      // arrival may bunch one more into a window at the receiver, which is still within Feishu's 5 per second.
      expect(peak(times, 1000)).toBeLessThanOrEqual(5);
    }
    // Every request the platform saw, failed ones included, stayed under our per-app pace (jitter may bunch one more
    // into a window at the receiver), so well under Feishu's 50 per second.
    const all = platform.requests.filter((r) => r.path.includes('/im/v1/messages')).map((r) => r.at.getTime());
    expect(peak(all, 1000)).toBeLessThanOrEqual(FEISHU_RATES.global[0]!.max + 1);
  }, 60_000);

  it('refreshes an expired token once and sends; gives up on a permanent error; drops a message past its useful life', async () => {
    const { store, platform, sender } = await rig();
    await store.transact((tx) => tx.enqueue({ id: 'warm', to: { kind: 'chat', chatId: 'oc_a' }, content: { type: 'text', text: '预热' }, createdAt: new Date().toISOString() }));
    sender.start();
    await until(async () => (await store.read((tx) => tx.getOutbound('warm')))?.status === 'sent');
    platform.expireTokens();
    await store.transact(async (tx) => {
      await tx.enqueue({ id: 'after-expiry', to: { kind: 'chat', chatId: 'oc_b' }, content: { type: 'text', text: '令牌过期后' }, createdAt: new Date().toISOString() });
      await tx.enqueue({ id: 'stale', to: { kind: 'chat', chatId: 'oc_c' }, content: { type: 'text', text: '昨天的提醒' }, createdAt: new Date(Date.now() - 86_400_000).toISOString(), expiresAt: new Date(Date.now() - 3_600_000).toISOString() });
    });
    sender.kick();
    await until(async () => (await store.read((tx) => tx.listOutbound({ status: 'pending' }))).length === 0);
    platform.faults.next(/\/im\/v1\/messages/, { status: 400, body: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' } });
    await store.transact((tx) => tx.enqueue({ id: 'refused', to: { kind: 'chat', chatId: 'oc_d' }, content: { type: 'text', text: '机器人不在群里' }, createdAt: new Date().toISOString() }));
    sender.kick();
    await until(async () => (await store.read((tx) => tx.listOutbound({ status: 'pending' }))).length === 0);
    const [a, b, c] = await store.read(async (tx) => [await tx.getOutbound('after-expiry'), await tx.getOutbound('stale'), await tx.getOutbound('refused')]);
    // The expired token was dropped and fetched again, once, and the message went out.
    expect(a).toMatchObject({ status: 'sent', attempts: 1 });
    expect(platform.requests.filter((r) => r.path.includes('tenant_access_token'))).toHaveLength(2);
    expect(b).toMatchObject({ status: 'expired' });
    // A chat that refuses the bot is a permanent failure, recorded with Feishu's code and not retried.
    expect(c).toMatchObject({ status: 'failed', attempts: 1 });
    expect(c!.error).toContain('230002');
    expect(platform.sent.map((m) => m.uuid)).toEqual(['warm', 'after-expiry']);
  }, 30_000);
});
