import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/feishu/client.js';
import { createMessenger } from '../../src/feishu/messenger.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxSender } from '../../src/outbox.js';
import { createOpenPlatform, type OpenPlatform } from '../../src/sandbox/open-platform.js';
import { newAppId } from '../../src/sandbox/wire.js';
import { Throttle } from '../../src/throttle.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

const TEN_MINUTES = 10 * 60_000;
const logger = createLogger('silent');
/** Steps the wall clock (Date) the way NTP does; timers and performance.now() go on undisturbed. */
const stepWallClock = (ms: number) => vi.setSystemTime(Date.now() + ms);
/** Real elapsed time, which the stepped wall clock cannot tell. */
const elapsed = () => performance.now();

let cleanup: (() => Promise<void>)[] = [];
beforeEach(() => {
  // Only Date is faked, and it runs at (about) real speed, so a step is the only thing that differs from production.
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true, advanceTimeDelta: 5 });
  vi.setSystemTime(new Date('2026-11-30T10:00:00+08:00'));
});
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
  vi.useRealTimers();
});

async function rig(): Promise<{ store: Store; platform: OpenPlatform; sender: ReturnType<typeof createOutboxSender> }> {
  const appId = newAppId();
  // The fake platform times arrivals by the monotonic clock too, so pacing is judged in real time.
  const platform = createOpenPlatform({ appId, appSecret: 's', now: () => performance.timeOrigin + elapsed() });
  const fake = await platform.listen();
  const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-clock-')), 'duban.json'));
  const messenger = createMessenger(createClient({ appId, appSecret: 's', domain: fake.url, logger }));
  const sender = createOutboxSender({ store, messenger, clock: () => new Date(), logger, pollMs: 100 });
  cleanup.push(async () => {
    await sender.stop();
    await store.close();
    await fake.close();
  });
  return { store, platform, sender };
}

async function until(pred: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const end = elapsed() + ms;
  while (!(await pred())) {
    if (elapsed() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const text = (id: string, chatId: string) => ({ id, to: { kind: 'chat' as const, chatId }, content: { type: 'text' as const, text: id }, createdAt: new Date().toISOString() });

describe('throttle under a stepped wall clock', () => {
  it('keeps granting after the clock steps back 10 minutes, and keeps 4 a second per chat after it steps forward', async () => {
    const t = new Throttle();
    const grants: number[] = [];
    const take = (n: number) => Promise.all(Array.from({ length: n }, () => t.acquire('c:oc_a').then(() => grants.push(elapsed()))));
    await take(4);
    stepWallClock(-TEN_MINUTES);
    const inTime = await Promise.race([take(4).then(() => true), new Promise<boolean>((r) => setTimeout(r, 3000, false))]);
    expect(inTime).toBe(true);
    stepWallClock(2 * TEN_MINUTES);
    await take(4);
    // The ninth grant is the fifth in its second unless a full second has passed since the fifth.
    expect(grants[8]! - grants[4]!).toBeGreaterThanOrEqual(990);
  }, 10_000);
});

describe('outbox under a stepped wall clock', () => {
  it('a retry due in half a second is not held for 10 minutes when the clock steps back', async () => {
    const { store, platform, sender } = await rig();
    platform.faults.next(/\/im\/v1\/messages/, { status: 500 }, 1);
    await store.transact((tx) => tx.enqueue(text('retried', 'oc_a')));
    sender.start();
    await until(async () => (await store.read((tx) => tx.getOutbound('retried')))?.attempts === 1, 5000);
    const failedAt = elapsed();
    stepWallClock(-TEN_MINUTES);
    await platform.waitFor((m) => m.uuid === 'retried', 5000);
    // Backoff is still kept, by the clock that cannot step.
    expect(elapsed() - failedAt).toBeGreaterThanOrEqual(400);
  }, 15_000);

  it('a retry is not sent early when the clock steps forward', async () => {
    const { store, platform, sender } = await rig();
    platform.faults.next(/\/im\/v1\/messages/, { status: 500 }, 2);
    await store.transact((tx) => tx.enqueue(text('patient', 'oc_a')));
    sender.start();
    await until(async () => (await store.read((tx) => tx.getOutbound('patient')))?.attempts === 2, 5000);
    const failedAt = elapsed();
    stepWallClock(TEN_MINUTES);
    sender.kick();
    await platform.waitFor((m) => m.uuid === 'patient', 5000);
    // The second backoff is a second long.
    expect(elapsed() - failedAt).toBeGreaterThanOrEqual(900);
  }, 15_000);

  it('replies keep flowing, each once, while the clock steps back and forward mid-stream', async () => {
    const { store, platform, sender } = await rig();
    const chats = ['oc_a', 'oc_b', 'oc_c', 'oc_d'];
    const enqueue = (from: number, to: number) =>
      store.transact(async (tx) => {
        for (let i = from; i < to; i++) await tx.enqueue(text(`m-${i}`, chats[i % 4]!));
      });
    await enqueue(0, 40);
    sender.start();
    await platform.waitFor((m) => m.uuid === 'm-10', 5000);
    stepWallClock(-TEN_MINUTES);
    // Written after the step: these carry earlier timestamps than the ones still queued.
    await enqueue(40, 60);
    sender.kick();
    await platform.waitFor((m) => m.uuid === 'm-30', 5000);
    stepWallClock(2 * TEN_MINUTES);
    await enqueue(60, 80);
    sender.kick();
    // 20 a chat at 4 a second: about 5 s without any step.
    await until(() => platform.sent.length >= 80, 9000);
    await sender.idle();
    expect(new Set(platform.sent.map((m) => m.uuid)).size).toBe(80);
    expect(platform.sent).toHaveLength(80);
    expect(await store.read((tx) => tx.listOutbound({ status: 'pending' }))).toEqual([]);
  }, 30_000);

  it('after a restart, a stored retry time further ahead than any backoff counts as due', async () => {
    const { store, platform, sender } = await rig();
    await store.transact(async (tx) => {
      await tx.enqueue(text('from-the-future', 'oc_a'));
      await tx.enqueue(text('soon', 'oc_b'));
    });
    // As written by a process whose wall clock ran 10 minutes ahead, and one whose retry is due in 2 s.
    await store.transact(async (tx) => {
      await tx.updateOutbound('from-the-future', { attempts: 1, nextAt: new Date(Date.now() + TEN_MINUTES).toISOString() });
      await tx.updateOutbound('soon', { attempts: 1, nextAt: new Date(Date.now() + 2000).toISOString() });
    });
    const started = elapsed();
    sender.start();
    await platform.waitFor((m) => m.uuid === 'from-the-future', 3000);
    const soon = await platform.waitFor((m) => m.uuid === 'soon', 5000);
    expect(soon.arrivedAt!.getTime() - performance.timeOrigin - started).toBeGreaterThanOrEqual(1900);
  }, 15_000);
});
