import { describe, expect, it } from 'vitest';
import type { Store } from '../../storage/store.js';

/** Opens a store on a location; opening the same location again must see what was committed. */
export type StoreFactory = () => { open(): Promise<Store> };

const stamp = { by: 'ou_admin', at: '2026-11-23T01:00:00.000Z' };

/** The behaviour every Store implementation must show; run it against each one. */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    it('keeps committed writes across a reopen', async () => {
      const loc = factory();
      const s1 = await loc.open();
      const b = await s1.transact((tx) => tx.createBranch('第一支部', stamp));
      await s1.transact((tx) => tx.savePerson({ id: 'ou_1', name: '张三', nameSource: 'contact', branchId: b.id }, stamp));
      await s1.close();
      const s2 = await loc.open();
      expect(await s2.read((tx) => tx.findBranchByName('第一支部'))).toMatchObject({ id: b.id, name: '第一支部' });
      expect(await s2.read((tx) => tx.listPeople({ branchId: b.id }))).toMatchObject([{ id: 'ou_1', name: '张三', role: 'member' }]);
      await s2.close();
    });

    it('rolls back every write of a transaction that throws', async () => {
      const s = await factory().open();
      await expect(
        s.transact(async (tx) => {
          await tx.createBranch('第二支部', stamp);
          await tx.nextNumber('S');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await s.read((tx) => tx.listBranches())).toEqual([]);
      expect(await s.transact((tx) => tx.nextNumber('S'))).toBe(1);
      await s.close();
    });

    it('refuses writes inside read', async () => {
      const s = await factory().open();
      await expect(s.read((tx) => tx.createBranch('x', stamp))).rejects.toThrow();
      expect(await s.read((tx) => tx.listBranches())).toEqual([]);
      await s.close();
    });

    it('numbers are unique under concurrent transactions', async () => {
      const s = await factory().open();
      const got = await Promise.all(Array.from({ length: 50 }, () => s.transact((tx) => tx.nextNumber('P'))));
      expect(new Set(got).size).toBe(50);
      expect(Math.max(...got)).toBe(50);
      await s.close();
    });

    it('deduplicates inbound events by event id and by message id, across a reopen', async () => {
      const loc = factory();
      const s = await loc.open();
      const ev = { id: 'ev1', messageId: 'om_1', kind: 'message' as const, receivedAt: stamp.at, payload: { x: 1 } };
      expect(await s.transact((tx) => tx.recordInbound(ev))).toBe('recorded');
      expect(await s.transact((tx) => tx.recordInbound(ev))).toBe('duplicate');
      expect(await s.transact((tx) => tx.recordInbound({ ...ev, id: 'ev2' }))).toBe('duplicate');
      expect((await s.read((tx) => tx.pendingInbound())).map((e) => e.id)).toEqual(['ev1']);
      await s.close();
      const s2 = await loc.open();
      expect(await s2.transact((tx) => tx.recordInbound(ev))).toBe('duplicate');
      await s2.transact((tx) => tx.completeInbound('ev1', stamp.at));
      expect(await s2.read((tx) => tx.pendingInbound())).toEqual([]);
      expect(await s2.read((tx) => tx.countInbound())).toEqual({ pending: 0, done: 1 });
      await s2.close();
    });

    it('queues outbound messages once per id and returns due ones oldest first', async () => {
      const s = await factory().open();
      const to = { kind: 'chat' as const, chatId: 'oc_1' };
      await s.transact(async (tx) => {
        await tx.enqueue({ id: 'm2', to, content: { type: 'text', text: 'b' }, createdAt: '2026-11-23T01:00:02.000Z' });
        await tx.enqueue({ id: 'm1', to, content: { type: 'text', text: 'a' }, createdAt: '2026-11-23T01:00:01.000Z' });
        await tx.enqueue({ id: 'm1', to, content: { type: 'text', text: 'again' }, createdAt: '2026-11-23T01:00:03.000Z' });
      });
      const due = await s.read((tx) => tx.dueOutbound('2026-11-23T01:00:05.000Z', 10));
      expect(due.map((o) => [o.id, o.content])).toEqual([
        ['m1', { type: 'text', text: 'a' }],
        ['m2', { type: 'text', text: 'b' }],
      ]);
      await s.transact((tx) => tx.updateOutbound('m1', { status: 'sent', attempts: 1 }));
      expect((await s.read((tx) => tx.dueOutbound('2026-11-23T01:00:05.000Z', 10))).map((o) => o.id)).toEqual(['m2']);
      await s.close();
    });

    it('binds chats and keeps an audit trail', async () => {
      const s = await factory().open();
      await s.transact(async (tx) => {
        const b = await tx.createBranch('第三支部', stamp);
        await tx.bindChat({ id: 'oc_9', kind: 'branch', branchId: b.id }, stamp);
        await tx.audit({ at: stamp.at, by: stamp.by, action: 'bind', subject: 'chat:oc_9', to: '第三支部' });
      });
      expect(await s.read((tx) => tx.getChat('oc_9'))).toMatchObject({ kind: 'branch' });
      await s.transact((tx) => tx.bindChat({ id: 'oc_9', kind: 'leadership' }, stamp));
      expect(await s.read((tx) => tx.listChats({ kind: 'leadership' }))).toHaveLength(1);
      expect(await s.read((tx) => tx.listAudit('chat:oc_9'))).toHaveLength(1);
      await expect(s.transact((tx) => tx.createBranch('第三支部', stamp))).rejects.toThrow('已存在');
      await s.close();
    });
  });
}
