import { escapeMarkdown } from './escape.js';
import { longestPrefix } from './text.js';
import type { CardElement } from './card.js';

/** The content of a markdown element, which only `md` makes. */
type MarkdownContent = Extract<CardElement, { tag: 'markdown' }>['content'];

const OPEN_ID = /^ou_[A-Za-z0-9_-]{1,64}$/;
// Only this module holds the key, so only the functions below can make a Markdown.
const KEY = Symbol('markdown');

/**
 * Card markdown that is safe to send: markup written in Duban's code, with every interpolated value escaped.
 * It is made only by the `markdown` tag, `joinMarkdown` and `mention`, so user text never reaches a card as
 * markup, and an @-mention exists only where the code built one from an open_id.
 */
export class Markdown {
  constructor(
    key: symbol,
    readonly source: string,
  ) {
    if (key !== KEY) throw new Error('Markdown is made by the markdown tag, joinMarkdown or mention');
  }
}

/** Tagged template: `markdown\`**${ref}** ${title}\`` keeps the literal markup and escapes each value (Markdown values pass through). */
export function markdown(strings: TemplateStringsArray, ...values: readonly unknown[]): Markdown {
  let out = strings[0] ?? '';
  values.forEach((v, i) => (out += render(v, out === '' || out.endsWith('\n')) + (strings[i + 1] ?? '')));
  return new Markdown(KEY, out);
}

/** Joins pieces with one of the separators Duban writes. */
export function joinMarkdown(parts: readonly Markdown[], sep: '\n' | '、' | '；' | '，' | ' ' | ''): Markdown {
  return new Markdown(KEY, parts.map((p) => p.source).join(sep));
}

/** An @-mention of one person by open_id; anything that is not an open_id (such as `all`) is shown as plain text. */
export function mention(openId: string): Markdown {
  return OPEN_ID.test(openId) ? new Markdown(KEY, `<at id=${openId}></at>`) : markdown`@${openId}`;
}

function render(v: unknown, atLineStart: boolean): string {
  if (v instanceof Markdown) return v.source;
  return escapeMarkdown(String(v ?? ''), atLineStart);
}

/**
 * Splits markdown into pieces of at most `maxBytes` (UTF-8) at line breaks; a single longer line is cut short
 * with `…`, never inside an entity or a tag, so every piece is still safe markdown.
 */
export function splitMarkdown(m: Markdown | MarkdownContent, maxBytes: number): Markdown[] {
  const pieces: string[] = [];
  let current = '';
  for (const raw of (m instanceof Markdown ? m.source : m).split('\n')) {
    const line = bytes(raw) > maxBytes ? cutLine(raw, maxBytes) : raw;
    const joined = current === '' ? line : `${current}\n${line}`;
    if (current !== '' && bytes(joined) > maxBytes) {
      pieces.push(current);
      current = line;
    } else current = joined;
  }
  pieces.push(current);
  return pieces.map((p) => new Markdown(KEY, p));
}

function cutLine(line: string, maxBytes: number): string {
  const out = longestPrefix(line, (p) => bytes(p) <= maxBytes - 3);
  // Drop a half-cut entity (`&#6`) or tag (`<at id=ou_`) so the cut never changes what the rest means.
  return out.replace(/&#?\w*$/, '').replace(/<[^>]*$/, '') + '…';
}

function bytes(s: string): number {
  return Buffer.byteLength(s);
}
