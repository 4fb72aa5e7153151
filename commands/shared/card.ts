import { z } from 'zod';
import type { Markdown as SafeMarkdown } from './markdown.js';
import type { CardMessage } from '../types.js';
import { escapeText } from './escape.js';

const PlainText = z.strictObject({ tag: z.literal('plain_text'), content: z.string() });

// Branded so a markdown element can only be built by `md` from safe Markdown, never from a raw string.
const Markdown = z.strictObject({ tag: z.literal('markdown'), element_id: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,19}$/).optional(), content: z.string().brand<'SafeMarkdown'>(), text_size: z.enum(['normal', 'heading', 'notation']).optional() });
const Hr = z.strictObject({ tag: z.literal('hr') });
const Table = z.strictObject({
  tag: z.literal('table'),
  page_size: z.number().int().min(1).max(10).optional(),
  row_height: z.enum(['low', 'middle', 'high']).optional(),
  header_style: z.strictObject({ bold: z.boolean().optional(), background_style: z.enum(['grey', 'none']).optional() }).optional(),
  columns: z
    .array(
      z.strictObject({
        name: z.string(),
        display_name: z.string(),
        // No lark_md: table cells are plain text, so a cell can never carry markup.
        data_type: z.enum(['text', 'number']),
        width: z.string().optional(),
        horizontal_align: z.enum(['left', 'center', 'right']).optional(),
      }),
    )
    .min(1)
    .max(50),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
});
const Chart = z.strictObject({
  tag: z.literal('chart'),
  chart_spec: z.record(z.string(), z.unknown()),
  aspect_ratio: z.enum(['1:1', '2:1', '4:3', '16:9']).optional(),
  height: z.string().optional(),
  color_theme: z.string().optional(),
  preview: z.boolean().optional(),
});
const Behavior = z.strictObject({ type: z.literal('callback'), value: z.record(z.string(), z.unknown()) });
const Button = z.strictObject({
  tag: z.literal('button'),
  name: z.string().optional(),
  text: PlainText,
  type: z.enum(['default', 'primary', 'danger', 'primary_filled', 'danger_filled', 'laser']).optional(),
  size: z.enum(['tiny', 'small', 'medium', 'large']).optional(),
  behaviors: z.array(Behavior).optional(),
  form_action_type: z.enum(['submit', 'reset']).optional(),
});
const Input = z.strictObject({
  tag: z.literal('input'),
  name: z.string(),
  required: z.boolean().optional(),
  placeholder: PlainText.optional(),
  label: PlainText.optional(),
  max_length: z.number().int().optional(),
});
const DatePicker = z.strictObject({ tag: z.literal('date_picker'), name: z.string(), required: z.boolean().optional(), placeholder: PlainText.optional(), initial_date: z.string().optional() });

type Leaf = z.infer<typeof Markdown> | z.infer<typeof Hr> | z.infer<typeof Chart> | z.infer<typeof Button> | z.infer<typeof Input> | z.infer<typeof DatePicker>;
/** A card element of the subset Duban sends. */
export type CardElement = Leaf | z.infer<typeof Table> | ColumnSet | Form;
interface ColumnSet {
  tag: 'column_set';
  flex_mode?: 'none' | 'stretch' | 'flow' | 'bisect' | 'trisect';
  columns: { tag: 'column'; width?: string; weight?: number; elements: CardElement[] }[];
}
interface Form {
  tag: 'form';
  name: string;
  elements: CardElement[];
}

const Nested: z.ZodType<CardElement> = z.lazy(() =>
  z.union([
    Markdown,
    Hr,
    Chart,
    Button,
    Input,
    DatePicker,
    z.strictObject({
      tag: z.literal('column_set'),
      flex_mode: z.enum(['none', 'stretch', 'flow', 'bisect', 'trisect']).optional(),
      columns: z.array(z.strictObject({ tag: z.literal('column'), width: z.string().optional(), weight: z.number().optional(), elements: z.array(Nested) })),
    }),
    z.strictObject({ tag: z.literal('form'), name: z.string(), elements: z.array(Nested) }),
  ]),
);
// Tables may only sit at the root of the body (Feishu rejects them inside other components).
const RootElement = z.union([Table, Nested]);

/** The card JSON 2.0 subset Duban sends; unknown properties are errors in 2.0, so the schema is strict. */
export const CardSchema = z.strictObject({
  schema: z.literal('2.0'),
  config: z.strictObject({ update_multi: z.literal(true).optional(), width_mode: z.enum(['default', 'compact', 'fill']).optional(), summary: z.strictObject({ content: z.string() }).optional() }).optional(),
  header: z
    .strictObject({
      title: PlainText,
      subtitle: PlainText.optional(),
      template: z.enum(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']).optional(),
    })
    .optional(),
  body: z.strictObject({ elements: z.array(RootElement).min(1) }),
});
export type Card = z.infer<typeof CardSchema>;

/** Feishu's limits for a card message. */
export const CARD_LIMITS = { bytes: 30 * 1024, elements: 200, tables: 5, charts: 5 } as const;

/** Checks a card against the schema and Feishu's limits; returns the problems (empty when fine). `json` is the card's own. */
export function cardProblems(card: unknown, json = JSON.stringify(card) ?? ''): string[] {
  const problems: string[] = [];
  const fn = findFunction(card, '$');
  if (fn) problems.push(`function at ${fn} (chart specs must be plain JSON)`);
  const parsed = CardSchema.safeParse(card);
  if (!parsed.success) {
    for (const i of parsed.error.issues.slice(0, 5)) problems.push(`${i.path.join('.')}: ${i.message}`);
    return problems;
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > CARD_LIMITS.bytes) problems.push(`card is ${bytes} bytes (limit ${CARD_LIMITS.bytes})`);
  const els = parsed.data.body.elements;
  const count = countElements(els);
  if (count > CARD_LIMITS.elements) problems.push(`card has ${count} elements (limit ${CARD_LIMITS.elements})`);
  const tables = els.filter((e) => e.tag === 'table').length;
  if (tables > CARD_LIMITS.tables) problems.push(`card has ${tables} tables (limit ${CARD_LIMITS.tables})`);
  // Text inside a string has its quotes escaped, so only a component's own tag reads "tag":"chart".
  const charts = json.split('"tag":"chart"').length - 1;
  if (charts > CARD_LIMITS.charts) problems.push(`card has ${charts} charts (limit ${CARD_LIMITS.charts})`);
  return problems;
}

// Cards found valid, with their JSON when checked: a card packed by fitCard is checked again by cardMessage, and the
// schema parse costs ten times what the JSON does. A card changed in between is checked again in full.
const valid = new WeakMap<object, string>();

/** Returns the card if valid, else throws with every problem named (a bug, never the user's fault). */
export function checkedCard(card: Card): Card {
  const json = JSON.stringify(card);
  if (valid.get(card) === json) return card;
  const problems = cardProblems(card, json);
  if (problems.length > 0) throw new Error(`invalid card: ${problems.join('; ')}`);
  valid.set(card, json);
  return card;
}

/** How many components Feishu counts in `els` (columns and their children included). */
export function countElements(els: readonly CardElement[]): number {
  let n = 0;
  for (const e of els) {
    n += 1;
    if (e.tag === 'column_set') for (const c of e.columns) n += 1 + countElements(c.elements);
    if (e.tag === 'form') n += countElements(e.elements);
  }
  return n;
}

function findFunction(v: unknown, path: string): string | undefined {
  if (typeof v === 'function') return path;
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const hit = findFunction(x, `${path}.${k}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** A markdown element; its content is made by the `markdown` tag, so user text in it is escaped. */
export const md = (content: SafeMarkdown): CardElement => ({ tag: 'markdown', content: content.source as z.infer<typeof Markdown>['content'] });

/** A callback button; `value` comes back verbatim in `card.action.trigger`. */
export const button = (text: string, value: Record<string, unknown>, type: 'default' | 'primary' | 'danger' = 'default'): CardElement => ({
  tag: 'button',
  text: { tag: 'plain_text', content: text },
  type,
  behaviors: [{ type: 'callback', value }],
});

/**
 * A card with a header and elements, shared so everyone who taps it sees the same update. Header, summary and
 * table cells are plain text for Feishu; they still get `escapeText`, so no tag survives even if a client read one.
 */
export function card(title: string, elements: CardElement[], opts: { subtitle?: string; template?: NonNullable<Card['header']>['template']; summary?: string } = {}): Card {
  const plain = (content: string) => ({ tag: 'plain_text' as const, content: escapeText(content) });
  return {
    schema: '2.0',
    config: { update_multi: true, width_mode: 'fill', ...(opts.summary ? { summary: { content: escapeText(opts.summary) } } : {}) },
    header: { title: plain(title), ...(opts.subtitle ? { subtitle: plain(opts.subtitle) } : {}), template: opts.template ?? 'red' },
    body: { elements: elements.map(plainCells) },
  } as Card;
}

function plainCells(e: CardElement): CardElement {
  if (e.tag !== 'table') return e;
  return { ...e, rows: e.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? escapeText(v) : v]))) };
}

/** The card as a message a command or job may send: checked against the schema and Feishu's limits. */
export function cardMessage(c: Card): CardMessage {
  return { type: 'card', card: checkedCard(c) as unknown as Record<string, unknown> } as CardMessage;
}
