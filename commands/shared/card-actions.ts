import { z } from 'zod';
import { card, md, type Card, type CardElement } from './card.js';
import { markdown } from './markdown.js';
import { LIMITS } from './limits.js';

/** What kind of item a button acts on; decides which buttons it gets. */
export type ItemKind = 'problem' | 'measure' | 'task';

/** The forms a button can open, each turned into exactly the chat command a person would type. */
const FORMS = {
  progress: { title: '更新进展', fields: [{ name: 'note', label: '进展情况', kind: 'input', max: LIMITS.进展 }], command: (ref: string, v: Values) => `/整改 ${ref} ${v.note}` },
  done: { title: '标记完成', fields: [{ name: 'note', label: '完成情况说明', kind: 'input', max: LIMITS.完成说明 }], command: (ref: string, v: Values) => (ref.startsWith('T') ? `/完成 ${ref} ${v.note}` : `/整改 ${ref} 完成 ${v.note}`) },
  extend: {
    title: '申请延期',
    fields: [
      { name: 'date', label: '新时限', kind: 'date' },
      { name: 'reason', label: '延期理由', kind: 'input', max: LIMITS.延期理由 },
    ],
    command: (ref: string, v: Values) => `/延期 ${ref} ${v.date} ${v.reason}`,
  },
  reject: { title: '驳回', fields: [{ name: 'reason', label: '驳回理由', kind: 'input', max: LIMITS.审核意见 }], command: (ref: string, v: Values) => `/审核 ${ref} 驳回 ${v.reason}` },
} as const;
type Values = Record<string, string>;
export type FormName = keyof typeof FORMS;

/** The value a Duban button carries back in `card.action.trigger`. */
export const ActionValue = z.discriminatedUnion('a', [
  z.object({ a: z.literal('form'), form: z.enum(['progress', 'done', 'extend', 'reject']), ref: z.string().regex(/^[PT]\d+(-\d+)?$/) }),
  z.object({ a: z.literal('submit'), form: z.enum(['progress', 'done', 'extend', 'reject']), ref: z.string().regex(/^[PT]\d+(-\d+)?$/) }),
  z.object({ a: z.literal('run'), command: z.enum(['approve', 'approve-extension']), ref: z.string().regex(/^[PT]\d+$/) }),
  // 这份材料属于哪个事项？ — files the evidence `file` (E3) under `ref`.
  z.object({ a: z.literal('attach'), ref: z.string().regex(/^[PT]\d+(-\d+)?$/), file: z.string().regex(/^E\d+$/) }),
]);
export type ActionValue = z.infer<typeof ActionValue>;

const button = (text: string, value: ActionValue, type: 'default' | 'primary' | 'danger' = 'default'): CardElement => ({
  tag: 'button',
  text: { tag: 'plain_text', content: text },
  type,
  size: 'small',
  behaviors: [{ type: 'callback', value }],
});

const row = (buttons: CardElement[]): CardElement => ({
  tag: 'column_set',
  flex_mode: 'flow',
  columns: buttons.map((b) => ({ tag: 'column', width: 'auto', elements: [b] })),
});

/**
 * The buttons of a reminder or due-item line: 更新进展, 申请延期 for problems only (/延期 takes a problem: a
 * measure's deadline moves with its problem's, asked for by the lead person), and 标记完成 for measures and tasks.
 */
export function itemButtons(kind: ItemKind, ref: string): CardElement {
  const buttons: CardElement[] = [];
  if (kind !== 'task') buttons.push(button('更新进展', { a: 'form', form: 'progress', ref }));
  if (kind !== 'measure') buttons.push(button('申请延期', { a: 'form', form: 'extend', ref }));
  if (kind !== 'problem') buttons.push(button('标记完成', { a: 'form', form: 'done', ref }, 'primary'));
  return row(buttons);
}

/** One button per open item for an evidence file: pressing it runs `/佐证 <ref> <file>` as the presser. */
export function attachButtons(file: string, items: readonly { ref: string; label: string }[]): CardElement {
  return row(items.map((i) => button(i.label, { a: 'attach', ref: i.ref, file })));
}

/** The buttons of a review card: 通过 / 驳回 for a close-out, 同意延期 / 驳回 for an extension. */
export function reviewButtons(ref: string, what: 'close' | 'extension'): CardElement {
  return row([
    button(what === 'close' ? '通过' : '同意延期', { a: 'run', command: what === 'close' ? 'approve' : 'approve-extension', ref }, 'primary'),
    button('驳回', { a: 'form', form: 'reject', ref }, 'danger'),
  ]);
}

/** The chat command a button press or form submit stands for; a UserError-worthy message when a field is empty. */
export function commandFor(v: ActionValue, formValue: Record<string, unknown> | undefined): { text: string } | { missing: string } {
  if (v.a === 'run') return { text: v.command === 'approve' ? `/审核 ${v.ref} 通过` : `/审核 ${v.ref} 同意延期` };
  if (v.a === 'attach') return { text: `/佐证 ${v.ref} ${v.file}` };
  if (v.a === 'form') return { missing: '' };
  const form = FORMS[v.form];
  const values: Values = {};
  for (const f of form.fields) {
    const raw = formValue?.[f.name];
    const text = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ') : '';
    if (!text) return { missing: `请填写「${f.label}」` };
    values[f.name] = text;
  }
  return { text: form.command(v.ref, values) };
}

/** The one-step form a button opens for `ref`: its fields and a submit button that carries the form back. */
function formElement(v: Extract<ActionValue, { a: 'form' }>): CardElement {
  const form = FORMS[v.form];
  const elements: CardElement[] = form.fields.map((f) =>
    f.kind === 'date'
      ? { tag: 'date_picker', name: f.name, required: true, placeholder: { tag: 'plain_text', content: f.label } }
      : { tag: 'input', name: f.name, required: true, placeholder: { tag: 'plain_text', content: f.label }, label: { tag: 'plain_text', content: f.label }, ...('max' in f ? { max_length: f.max } : {}) },
  );
  elements.push({
    tag: 'button',
    name: `submit-${v.form}-${v.ref}`,
    text: { tag: 'plain_text', content: `提交${form.title}（${v.ref}）` },
    type: 'primary',
    form_action_type: 'submit',
    behaviors: [{ type: 'callback', value: { a: 'submit', form: v.form, ref: v.ref } }],
  });
  return { tag: 'form', name: `form-${v.form}-${v.ref.replace('-', '_')}`, elements };
}

/** The card with a one-step form for `ref` inserted after the pressed button's row (a private chat, where only the presser sees it). */
export function withForm(card: Card, v: Extract<ActionValue, { a: 'form' }>): Card {
  const formEl = formElement(v);
  return replaceRowOf(card, v, (rowEl) => (rowEl ? [rowEl, formEl] : [formEl]));
}

/** A card holding only the form, sent ephemerally (仅对你可见) to the presser in a group. */
export function formCard(v: Extract<ActionValue, { a: 'form' }>): Card {
  return card(`${FORMS[v.form].title} · ${v.ref}`, [formElement(v)], { template: 'blue', summary: `${FORMS[v.form].title} ${v.ref}（仅你可见）` });
}

/**
 * The card with the latest change to `ref` shown on its line: a finished item loses its buttons to the line; an
 * open one keeps them under it. The line has an element id, so a later change replaces it instead of piling up.
 */
export function withOutcome(card: Card, v: ActionValue | { ref: string }, line: string, finished = true): Card {
  const ref = v.ref;
  const id = `out_${ref.replace(/-/g, '_')}`;
  const outcome: CardElement = { ...md(finished ? markdown`✅ ${line}` : markdown`${line}`), element_id: id } as CardElement;
  const out: CardElement[] = [];
  let placed = false;
  for (const e of card.body.elements as CardElement[]) {
    if (e.tag === 'markdown' && (e as { element_id?: string }).element_id === id) continue;
    if (e.tag === 'form' && pressedIn(e, ref)) continue;
    if (!placed && e.tag === 'column_set' && pressedIn(e, ref)) {
      out.push(outcome, ...(finished ? [] : [e]));
      placed = true;
    } else out.push(e);
  }
  if (!placed) out.push(outcome);
  return { ...card, body: { elements: out as Card['body']['elements'] } };
}

function pressedIn(e: CardElement, ref: string): boolean {
  return JSON.stringify(e).includes(`"ref":"${ref}"`);
}

function replaceRowOf(card: Card, v: ActionValue, replace: (row?: CardElement) => CardElement[]): Card {
  const out: CardElement[] = [];
  let done = false;
  for (const e of card.body.elements as CardElement[]) {
    // Drop a form left open earlier for the same item; it is re-added (or replaced by the outcome) below.
    if (e.tag === 'form' && pressedIn(e, v.ref)) continue;
    if (!done && e.tag === 'column_set' && pressedIn(e, v.ref)) {
      out.push(...replace(e));
      done = true;
    } else out.push(e);
  }
  if (!done) out.push(...replace().filter((e) => e.tag !== 'column_set'));
  return { ...card, body: { elements: out as Card['body']['elements'] } };
}
