import { md, type Card, type CardElement } from '../shared/card.js';
import { markdown } from '../shared/markdown.js';
import type { HistoryAction, HistoryEntry } from '../../storage/ledger.js';
import { formatInstant } from './ledger-status.js';

/** How a change reads on a card, in the words a cadre would use. */
const OUTCOME_WORDS: Partial<Record<HistoryAction, string>> = {
  edit: '修改了事项',
  progress: '更新进展',
  'measure-done': '标记完成',
  'task-report': '报告办理结果',
  'task-accept': '办结办理结果',
  'task-return': '退回办理结果',
  'task-reassign': '改派负责人',
  'task-cancel': '取消督办',
  'measure-cancel': '撤销措施',
  'evidence-add': '添加佐证材料',
  'close-request': '申请销号',
  'close-approve': '审核通过，已整改销号',
  'close-reject': '驳回销号申请',
  'extend-request': '申请延期',
  'extend-approve': '同意延期',
  'extend-reject': '驳回延期申请',
  void: '作废了该问题',
};

/** Decisions that settle a review card, with the header they give it. */
const DECISIONS: Partial<Record<HistoryAction, { label: string; template: 'green' | 'red' | 'grey' }>> = {
  'close-approve': { label: '已通过', template: 'green' },
  'extend-approve': { label: '已同意延期', template: 'green' },
  'close-reject': { label: '已驳回', template: 'red' },
  'extend-reject': { label: '已驳回', template: 'red' },
  void: { label: '已撤回', template: 'grey' },
  'task-cancel': { label: '已撤回', template: 'grey' },
};

const OUTCOME_CHARS = 120;

/** `陈红 于 12-03 10:15 标记完成：接口已联调上线`: one plain line for a history entry, never a command. */
export function outcomeLine(e: HistoryEntry, name: string): string {
  const words = OUTCOME_WORDS[e.action] ?? '更新了事项';
  const line = `${name} 于 ${formatInstant(e.at).slice(5)} ${words}${e.note ? `：${e.note}` : ''}`;
  return [...line].length > OUTCOME_CHARS ? [...line].slice(0, OUTCOME_CHARS - 1).join('') + '…' : line;
}

/** The review decision an entry records, if it is one. */
export function decisionOf(e: HistoryEntry | undefined): { label: string; template: 'green' | 'red' | 'grey' } | undefined {
  return e ? DECISIONS[e.action] : undefined;
}

/** The ledger items (P12, P12-1, T3) whose buttons a card carries: what the card is about. */
export function refsOf(card: unknown): string[] {
  const refs = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as { tag?: string; behaviors?: { value?: { ref?: unknown } }[] };
      const ref = o.tag === 'button' ? o.behaviors?.[0]?.value?.ref : undefined;
      if (typeof ref === 'string') refs.add(ref);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return [...refs];
}

/** Whether the card asks a reviewer to decide on `ref` (it carries 通过 / 同意延期 for it). */
export function isReviewFor(card: Card, ref: string): boolean {
  return JSON.stringify(card.body.elements).includes(`"a":"run"`) && mentions(card.body.elements, ref);
}

/** A review card once decided: no buttons, the decision line, and a header naming the decision in its colour. */
export function decidedReview(card: Card, ref: string, decision: { label: string; template: 'green' | 'red' | 'grey' }, line: string): Card {
  const elements = withoutRef(card.body.elements as CardElement[], ref).map(withoutReviewHint);
  elements.push(md(markdown`**审核结果**：${line}`));
  const title = card.header?.title.content.replace(/^(待审核|已通过|已同意延期|已驳回|已撤回) · /, '') ?? ref;
  return {
    ...card,
    header: { ...card.header, title: { tag: 'plain_text', content: `${decision.label} · ${title}` }, template: decision.template },
    body: { elements: elements as Card['body']['elements'] },
  };
}

// Removing whole lines keeps already escaped Markdown safe.
function withoutReviewHint(e: CardElement): CardElement {
  if (e.tag !== 'markdown') return e;
  const kept = e.content.split('\n').filter((l) => !l.startsWith('审核：/审核'));
  return { ...e, content: kept.join('\n') as typeof e.content };
}

function mentions(els: readonly CardElement[], ref: string): boolean {
  return JSON.stringify(els).includes(`"ref":"${ref}"`);
}

function withoutRef(els: readonly CardElement[], ref: string): CardElement[] {
  return els.filter((e) => !((e.tag === 'column_set' || e.tag === 'form') && mentions([e], ref)));
}
