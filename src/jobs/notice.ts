import type { Card } from '../../commands/shared/card.js';
import { checkedCard } from '../../commands/shared/card.js';
import { refsOf } from '../../commands/ledger/card-outcome.js';
import type { Tx } from '../../storage/store.js';
import { endOfSendingDay } from './gate.js';
import { noticeId } from './outbox-id.js';
import type { JobReport } from './types.js';

/** Queues a card for a chat (or a person) as one once-only notice, and notes it in the report. */
export async function queueNotice(
  tx: Tx,
  report: JobReport,
  n: { key: string; to: { chatId: string } | { openId: string }; card: Card; summary: string; now: Date; expires?: boolean },
): Promise<void> {
  const id = noticeId(n.key);
  const about = refsOf(n.card);
  const queued = await tx.enqueue({
    id,
    to: 'chatId' in n.to ? { kind: 'chat', chatId: n.to.chatId } : { kind: 'user', openId: n.to.openId },
    content: { type: 'card', card: checkedCard(n.card) as unknown as Record<string, unknown> },
    createdAt: n.now.toISOString(),
    // A reminder is useless tomorrow and must not arrive at night: it expires when the sending day ends.
    ...(n.expires === false ? {} : { expiresAt: endOfSendingDay(n.now) }),
    source: report.job,
    // The items whose buttons it carries: a change to one updates this card in place.
    ...(about.length ? { about } : {}),
  });
  // The same notice queued by an earlier run (its id is the notice's key): say so instead of counting it again.
  if (queued.createdAt !== n.now.toISOString()) report.skipped.push({ reason: '今天已发送过', detail: n.summary });
  else report.sent.push({ id, to: 'chatId' in n.to ? n.to.chatId : n.to.openId, summary: n.summary });
}

/** Gives a run that queued nothing and skipped nothing its reason, so the admin answer and the sandbox say why. */
export function explainSilence(report: JobReport, reason: string): JobReport {
  if (report.sent.length === 0 && report.skipped.length === 0) report.skipped.push({ reason });
  return report;
}

/** Queues the cards of one notice split to fit Feishu's limits; the first keeps the notice's key, the rest add `#2`, `#3` …. */
export async function queueNotices(
  tx: Tx,
  report: JobReport,
  n: { key: string; to: { chatId: string } | { openId: string }; cards: readonly Card[]; summary: string; now: Date; expires?: boolean },
): Promise<void> {
  for (const [i, card] of n.cards.entries()) {
    await queueNotice(tx, report, { ...n, key: i === 0 ? n.key : `${n.key}#${i + 1}`, card, summary: n.cards.length > 1 ? `${n.summary}（${i + 1}/${n.cards.length}）` : n.summary });
  }
}

/** An empty report for a run of `job` at `now`. */
export function newReport(job: string, now: Date): JobReport {
  return { job, at: now.toISOString(), sent: [], skipped: [] };
}

/** The first chat bound to a branch, if any. */
export async function branchChat(tx: Tx, branchId: string | undefined): Promise<string | undefined> {
  if (!branchId) return undefined;
  return (await tx.listChats({ branchId, kind: 'branch' }))[0]?.id;
}

/** The leadership chats. */
export async function leadershipChats(tx: Tx): Promise<string[]> {
  return (await tx.listChats({ kind: 'leadership' })).map((c) => c.id);
}
