import { expect } from 'vitest';
import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { at, bureau as inputBureau, type Bureau as InputBureau } from '../input/setup.js';

export { at };

/** test/input's bureau with the admin endpoint: jobs run on the fake clock. */
export interface Bureau extends InputBureau {
  /** Runs a scheduled job at the clock's time through the admin endpoint and waits for its sends. */
  run(job: string): Promise<{ sent: { to: string; summary: string }[]; skipped: { reason: string; detail?: string }[] }>;
  /** Messages the bot created (not replies) after `seq`, to a chat or to a person privately. */
  posted(to: { chatId: string } | { openId: string }, after?: number): SentMessage[];
  lastSeq(): number;
}

/** test/input's bureau (第一支部 with 王书记 张三 李四, a leadership chat, 赵局长 without a branch) with the admin endpoint on. */
export async function bureau(start = '2026-11-23T10:00:00'): Promise<Bureau> {
  const base = await inputBureau(start);
  const { h, clock } = base;
  h.opts.adminToken = 'tok';
  await h.restart();
  const lastSeq = () => h.platform.sent.at(-1)?.seq ?? 0;
  return {
    ...base,
    lastSeq,
    async run(job) {
      const res = await fetch(`${h.app.url}/admin/jobs/${job}/run`, {
        method: 'POST',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        body: JSON.stringify({ at: clock.now.toISOString() }),
      });
      expect(res.status).toBe(200);
      const report = await res.json();
      await h.app.settle();
      return report;
    },
    posted(to, after = 0) {
      return h.platform.sent.filter(
        (m) => m.seq > after && m.kind === 'create' && ('chatId' in to ? m.receiveIdType === 'chat_id' && m.receiveId === to.chatId : m.receiveIdType === 'open_id' && m.receiveId === to.openId),
      );
    },
  };
}

/** The open_ids a message @-mentions. */
export function atIds(m: SentMessage): string[] {
  return [...JSON.stringify(m.content).matchAll(/<at id=([^>\\]+)>/g)].map((x) => x[1]!);
}
