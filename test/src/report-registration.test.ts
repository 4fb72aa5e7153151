import { afterEach, describe, expect, it } from 'vitest';
import type { Store, Tx } from '../../storage/store.js';
import { Harness } from '../support/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * A store that keeps, for each transaction, the verbs it called (in order), and in `calls` every transaction, read
 * and view with its verbs, in the order they began.
 */
function recording(): { wrap: (s: Store) => Store; transactions: string[][]; calls: { kind: 'transact' | 'read' | 'view'; called: string[] }[] } {
  const transactions: string[][] = [];
  const calls: { kind: 'transact' | 'read' | 'view'; called: string[] }[] = [];
  const logging = (kind: 'transact' | 'read' | 'view', tx: Tx): Tx => {
    const called: string[] = [];
    calls.push({ kind, called });
    if (kind === 'transact') transactions.push(called);
    return new Proxy(tx, {
      get: (t, name: string) => {
        const v = t[name as keyof Tx];
        return typeof v === 'function' ? (...args: unknown[]) => (called.push(name), (v as (...a: unknown[]) => unknown).apply(t, args)) : v;
      },
    });
  };
  const wrap = (store: Store): Store => ({
    ...store,
    transact: (fn) => store.transact((tx) => fn(logging('transact', tx))),
    read: (fn, o) => store.read((tx) => fn(logging('read', tx)), o),
    view: (fn, o) => store.view((tx) => fn(logging('view', tx)), o),
  });
  return { wrap, transactions, calls };
}

/** A harness over a recording store, a chat bound to 第一支部 and 张三 (not yet registered) to talk in it. */
async function branchChat() {
  const rec = recording();
  const harness = await Harness.start({ wrapStore: rec.wrap });
  h = harness;
  const admin = await harness.makeAdmin('王主任');
  const chat = harness.newChat();
  await harness.say(admin, chat, '/绑定 第一支部');
  return { h: harness, rec, chat, member: harness.person('张三') };
}

describe('a report (/进度, /帮助) takes the writer lock only for what it writes', () => {
  it('from a known sender: no registration transaction between journalling the event and its reply; a newcomer is still registered', async () => {
    const { h, rec, chat, member } = await branchChat();

    // A newcomer's first report registers them (named from the contact directory, joining the chat's branch).
    rec.transactions.length = 0;
    expect(await h.say(member, chat, '/帮助')).toContain('/学习');
    const registered = await h.app.store.read((tx) => tx.getPerson(member.openId));
    expect(registered).toMatchObject({ name: '张三', nameSource: 'contact', branchId: expect.any(String) });
    expect(rec.transactions.filter((t) => t.includes('savePerson'))).toHaveLength(1);

    // Known now: between the journal (recordInbound) and the commit of its answers (completeInbound), no registration
    // (which reads the chat and the sender); the outbox marking an earlier reply sent may come between, and is not it.
    rec.transactions.length = 0;
    expect(await h.say(member, chat, '/进度')).toContain('张三');
    const journal = rec.transactions.findIndex((t) => t.includes('recordInbound'));
    const answered = rec.transactions.findIndex((t) => t.includes('completeInbound'));
    expect(journal).toBeGreaterThanOrEqual(0);
    expect(answered).toBeGreaterThan(journal);
    expect(rec.transactions.slice(journal + 1, answered).filter((t) => t.includes('getChat') || t.includes('getPerson'))).toEqual([]);
    expect(rec.transactions.some((t) => t.includes('savePerson'))).toBe(false);
  });

  it('from a known sender named by the contact directory: one view looks them up and runs the report, no read before it', async () => {
    const { h, rec, chat, member } = await branchChat();
    await h.say(member, chat, '/帮助');

    for (const report of ['/进度', '/进度 第一支部', '/进度 本季度']) {
      rec.calls.length = 0;
      expect(await h.say(member, chat, report)).toMatch(/张三|第一支部/);
      const journal = rec.calls.findIndex((c) => c.called.includes('recordInbound'));
      const answered = rec.calls.findIndex((c) => c.called.includes('completeInbound'));
      expect(answered).toBeGreaterThan(journal);
      // Between the two, whatever asked about the sender (the outbox's own reads of what is due never do) is one view.
      const aboutSender = rec.calls.slice(journal + 1, answered).filter((c) => c.called.includes('getPerson'));
      expect(aboutSender.map((c) => c.kind)).toEqual(['view']);
    }

  });
});
