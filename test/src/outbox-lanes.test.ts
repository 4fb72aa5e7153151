import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/feishu/client.js';
import { createMessenger } from '../../src/feishu/messenger.js';
import { createLogger } from '../../src/logger.js';
import { createOutboxSender } from '../../src/outbox.js';
import { createOpenPlatform } from '../../src/sandbox/open-platform.js';
import { newAppId } from '../../src/sandbox/wire.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';

describe('outbox lanes', () => {
  it('a chat held back by its own rate limit does not hold up a message to another chat queued later', async () => {
    const appId = newAppId();
    const platform = createOpenPlatform({ appId, appSecret: 's' });
    const fake = await platform.listen();
    const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-lanes-')), 'duban.json'));
    const logger = createLogger('silent');
    const sender = createOutboxSender({ store, messenger: createMessenger(createClient({ appId, appSecret: 's', domain: fake.url, logger })), clock: () => new Date(), logger });
    try {
      const at = new Date().toISOString();
      await store.transact(async (tx) => {
        for (let i = 0; i < 9; i++) await tx.enqueue({ id: `busy-${i}`, to: { kind: 'chat', chatId: 'oc_busy' }, content: { type: 'text', text: `第 ${i} 条` }, createdAt: at });
      });
      sender.start();
      await platform.waitFor((m) => m.uuid === 'busy-0');
      await store.transact((tx) => tx.enqueue({ id: 'other', to: { kind: 'chat', chatId: 'oc_other' }, content: { type: 'text', text: '别的群' }, createdAt: new Date().toISOString() }));
      sender.kick();
      await platform.waitFor((m) => m.uuid === 'busy-8', 10_000);
      await sender.idle();
      const order = platform.sent.map((m) => m.uuid);
      // Four a second for the busy chat: its ninth goes out two seconds in, long after the other chat's message.
      expect(order.indexOf('other')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('other')).toBeLessThan(order.indexOf('busy-8'));
      expect(order.filter((u) => u?.startsWith('busy-'))).toEqual(Array.from({ length: 9 }, (_, i) => `busy-${i}`));
    } finally {
      await sender.stop();
      await store.close();
      await fake.close();
    }
  }, 20_000);
});
