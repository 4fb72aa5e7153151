import { checkedCard, type Card } from '../shared/card.js';
import type { HistoryEntry } from '../../storage/ledger.js';
import type { Outbound } from '../../storage/records.js';
import type { Tx } from '../../storage/store.js';
import { withOutcome } from '../shared/card-actions.js';
import { decidedReview, decisionOf, isReviewFor, outcomeLine } from './card-outcome.js';

/** Feishu lets a sent card be updated for 14 days. */
const UPDATE_WINDOW_MS = 14 * 24 * 3_600_000;

interface ItemState {
  latest: HistoryEntry | undefined;
  finished: boolean;
  /** The problem still waits for a decision (待审核 / 申请延期). */
  pending: boolean;
}

async function stateOf(tx: Tx, ref: string): Promise<ItemState | undefined> {
  if (/^P\d+-\d+$/.test(ref)) {
    const m = await tx.getMeasure(ref);
    return m && { latest: m.history.at(-1), finished: m.status !== '整改中', pending: false };
  }
  if (/^P\d+$/.test(ref)) {
    const p = await tx.getProblem(ref);
    return p && { latest: p.history.at(-1), finished: p.status === '已整改销号' || p.voided !== undefined, pending: !p.voided && (p.status === '待审核' || p.status === '申请延期') };
  }
  const t = await tx.getTask(ref);
  return t && { latest: t.history.at(-1), finished: t.status !== '办理中', pending: t.extensionRequest?.pending === true };
}

/**
 * Brings every card already posted about `refs` up to date with the items' current state, in the caller's
 * transaction: a pending card is rewritten before it goes out; a sent one is rewritten and a PATCH of it is queued
 * (within Feishu's 14 days), so it reaches Feishu exactly once and paced per message. A decided review card stops
 * following its item. Answers the new card of each rewritten outbox item, by id.
 */
export async function refreshCards(tx: Tx, refs: Iterable<string>, now: Date, source: string): Promise<Map<string, Card>> {
  const changed = new Map<string, Card>();
  for (const ref of new Set(refs)) {
    const state = await stateOf(tx, ref);
    if (!state?.latest) continue;
    const name = (await tx.getPerson(state.latest.by))?.name ?? `用户${state.latest.by.slice(-4)}`;
    const line = outcomeLine(state.latest, name);
    for (const o of await tx.listOutboundAbout(ref)) {
      if (o.content.type !== 'card' || !updatable(o, now)) continue;
      const before = (changed.get(o.id) ?? o.content.card) as unknown as Card;
      const review = isReviewFor(before, ref);
      if (review && state.pending) continue;
      const decision = review ? (decisionOf(state.latest) ?? { label: '已撤回', template: 'grey' as const }) : undefined;
      const after = checkedCard(decision ? decidedReview(before, ref, decision, line) : withOutcome(before, { ref }, line, state.finished));
      changed.set(o.id, after);
      await save(tx, o, after, decision ? [] : undefined);
    }
  }
  for (const [id, card] of changed) {
    const o = (await tx.getOutbound(id))!;
    if (o.status !== 'sent' || !o.feishuMessageId) continue;
    const expiresAt = new Date(Date.parse(o.sentAt ?? o.createdAt) + UPDATE_WINDOW_MS).toISOString();
    await tx.enqueue({ id: `${id}~${source}`, to: { kind: 'update', messageId: o.feishuMessageId }, content: { type: 'card', card: card as unknown as Record<string, unknown> }, createdAt: now.toISOString(), expiresAt, source });
  }
  return changed;
}

function updatable(o: Outbound, now: Date): boolean {
  if (o.status === 'pending') return true;
  if (o.status !== 'sent' || !o.feishuMessageId) return false;
  return now.getTime() - Date.parse(o.sentAt ?? o.createdAt) < UPDATE_WINDOW_MS;
}

async function save(tx: Tx, o: Outbound, card: Card, about: string[] | undefined): Promise<void> {
  await tx.updateOutbound(o.id, { content: { type: 'card', card: card as unknown as Record<string, unknown> }, ...(about ? { about } : {}) });
}
