import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../storage/errors.js';
import type { Store } from '../../storage/store.js';
import { Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a command the store could not keep (a full disk after the ack)', () => {
  it('is run again until it lands, once, and the member never sees an internal error', async () => {
    // The transaction that finishes the target event fails as a full disk fails it: all of its writes undone.
    let target = '';
    let failures = 0;
    const wrapStore = (store: Store): Store => ({
      ...store,
      transact: (fn) =>
        store.transact((tx) =>
          fn({
            ...tx,
            async completeInbound(id, at) {
              if (id === target && failures > 0) {
                failures--;
                throw new StoreUnavailableError('could not write duban.json.wal (ENOSPC: no space left on device)');
              }
              return tx.completeInbound(id, at);
            },
          }),
        ),
    });
    h = await Harness.start({ wrapStore });
    const admin = await h.makeAdmin('王主任');
    const chat = h.newChat();
    await h.say(admin, chat, '/绑定 第一支部');
    const member = h.person('张三');
    await h.say(member, chat, '/帮助');

    const ev = h.event(member, chat, '/学习 1小时 自学 党章', { eventId: 'ev_disk_full_after_ack' });
    target = 'ev_disk_full_after_ack';
    // The processing and the first retry find the disk full; the ack itself was written.
    failures = 2;
    const res = await h.deliver(ev.body);
    expect(res.status).toBe(200);
    const reply = await h.platform.waitFor((m) => m.replyTo === ev.messageId, 20_000);
    expect(JSON.stringify(reply.content)).not.toContain('内部错误');
    const records = await h.app.store.read((tx) => tx.listStudyRecords({ personId: member.openId }));
    expect(records.map((r) => r.content)).toEqual(['党章']);
    expect(h.platform.sent.filter((m) => m.replyTo === ev.messageId)).toHaveLength(1);
    expect(failures).toBe(0);
    expect(await h.app.store.read((tx) => tx.countInbound())).toMatchObject({ pending: 0 });
  }, 30_000);
});
