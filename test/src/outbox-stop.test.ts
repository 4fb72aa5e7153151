import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/feishu/client.js';
import { createMessenger } from '../../src/feishu/messenger.js';
import { KeyedQueue } from '../../src/keyed-queue.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxSender } from '../../src/outbox.js';
import { createOpenPlatform } from '../../src/sandbox/open-platform.js';
import { newAppId } from '../../src/sandbox/wire.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';

const logger = createLogger('silent');

describe('stopping the outbox', () => {
  it('returns within its grace period while Feishu hangs, leaving every unsent message pending', async () => {
    const appId = newAppId();
    const platform = createOpenPlatform({ appId, appSecret: 's' });
    const fake = await platform.listen();
    const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-stop-')), 'duban.json'));
    const messenger = createMessenger(createClient({ appId, appSecret: 's', domain: fake.url, logger }));
    const sender = createOutboxSender({ store, messenger, clock: () => new Date(), logger, stopGraceMs: 500 });
    try {
      platform.faults.next(/\/im\/v1\/messages/, { delayMs: 60_000 }, 10_000);
      await store.transact(async (tx) => {
        for (let i = 0; i < 500; i++) await tx.enqueue({ id: `m-${i}`, to: { kind: 'chat', chatId: `oc_${i % 20}` }, content: { type: 'text', text: `${i}` }, createdAt: new Date().toISOString() });
      });
      sender.start();
      while (platform.requests.filter((r) => r.fault).length < 5) await new Promise((r) => setTimeout(r, 20));
      const started = performance.now();
      await sender.stop();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(await store.read((tx) => tx.listOutbound({ status: 'pending' }))).toHaveLength(500);
    } finally {
      await store.close();
      await fake.close();
    }
  }, 20_000);
});

describe('closing a keyed queue', () => {
  it('lets running tasks finish and skips the ones not yet started', async () => {
    const q = new KeyedQueue(1);
    const ran: string[] = [];
    let release!: () => void;
    q.push('a', async () => {
      ran.push('running');
      await new Promise<void>((r) => (release = r));
    });
    q.push('a', async () => void ran.push('same key, later'));
    q.push('b', async () => void ran.push('waiting for a slot'));
    await new Promise((r) => setImmediate(r));
    q.close();
    release();
    await q.idle();
    expect(ran).toEqual(['running']);
  });
});
