import { card, CARD_LIMITS, checkedCard, countElements, md, type Card, type CardElement } from './card.js';
import { markdown, splitMarkdown } from './markdown.js';

// Packed below Feishu's 30 KB / 200 components so a form or an outcome line added by a button press still fits.
const BYTES = 26 * 1024;
const ELEMENTS = 180;
const PIECE = 8 * 1024;

/** Elements that stay together in one card, such as an item and its buttons. */
export type Block = CardElement | readonly CardElement[];

type CardOptions = NonNullable<Parameters<typeof card>[2]>;

/**
 * The blocks as one card, or as several (`标题（1/3）` …) when they do not fit in one: every card is within
 * Feishu's size, component, table and chart limits whatever the number of branches or the length of the text.
 */
export function fitCards(title: string, blocks: readonly Block[], opts: CardOptions = {}): Card[] {
  const pages = pack(title, blocks.flatMap(split), opts);
  return pages.map((els, i) => checkedCard(card(pages.length > 1 ? `${title}（${i + 1}/${pages.length}）` : title, els, opts)));
}

/** One card: what fits, then `…另有 N 项未显示` for the blocks left out (for a reply that must stay one card). */
export function fitCard(title: string, blocks: readonly Block[], opts: CardOptions = {}, more = '（内容过长）'): Card {
  const pieces = blocks.flatMap(split);
  const pages = pack(title, pieces, opts, 1);
  const shown = pages[0]!;
  const left = pieces.length - groupsIn(pages[0]!, pieces);
  if (left > 0) shown.push(md(markdown`…另有 ${left} 项未显示${more}`));
  return checkedCard(card(title, shown, opts));
}

type Piece = readonly CardElement[];

function pack(title: string, pieces: readonly Piece[], opts: CardOptions, maxPages = Infinity): CardElement[][] {
  const base = bytes(card(`${title}（99/99）`, [], opts)) + 64;
  const pages: CardElement[][] = [];
  let page: CardElement[] = [];
  let used = { bytes: base, elements: 0, tables: 0, charts: 0 };
  for (const piece of pieces) {
    const cost = { bytes: piece.reduce((n, e) => n + bytes(e) + 1, 0), elements: countElements(piece), tables: countTag(piece, 'table'), charts: countTag(piece, 'chart') };
    const full =
      used.bytes + cost.bytes > BYTES || used.elements + cost.elements > ELEMENTS || used.tables + cost.tables > CARD_LIMITS.tables || used.charts + cost.charts > CARD_LIMITS.charts;
    if (full && page.length > 0) {
      pages.push(page);
      if (pages.length >= maxPages) return pages;
      page = [];
      used = { bytes: base, elements: 0, tables: 0, charts: 0 };
    }
    page.push(...piece);
    used = { bytes: used.bytes + cost.bytes, elements: used.elements + cost.elements, tables: used.tables + cost.tables, charts: used.charts + cost.charts };
  }
  if (page.length > 0 || pages.length === 0) pages.push(page.length > 0 ? page : [md(markdown`（无内容）`)]);
  return pages;
}

// How many whole pieces the first page holds.
function groupsIn(page: readonly CardElement[], pieces: readonly Piece[]): number {
  let n = 0;
  let at = 0;
  for (const p of pieces) {
    if (at + p.length > page.length) break;
    at += p.length;
    n++;
  }
  return n;
}

// A block too big for any card is cut: long markdown at line breaks, long tables into tables of fewer rows.
function split(block: Block): Piece[] {
  const els: readonly CardElement[] = Array.isArray(block) ? block : [block as CardElement];
  if (els.length !== 1 || bytes(els[0]) <= PIECE) return [els];
  const e = els[0]!;
  if (e.tag === 'markdown') return splitMarkdown(e.content, PIECE / 2).map((m) => [{ ...e, content: (md(m) as typeof e).content }]);
  if (e.tag === 'table') {
    const tables: CardElement[][] = [];
    const head = bytes({ ...e, rows: [] });
    let rows: typeof e.rows = [];
    let size = head;
    for (const r of e.rows) {
      const cost = bytes(r) + 1;
      if (rows.length > 0 && size + cost > PIECE) {
        tables.push([{ ...e, rows }]);
        rows = [];
        size = head;
      }
      rows.push(r);
      size += cost;
    }
    if (rows.length > 0) tables.push([{ ...e, rows }]);
    return tables;
  }
  return [els];
}

function countTag(els: readonly CardElement[], tag: string): number {
  return JSON.stringify(els).split(`"tag":"${tag}"`).length - 1;
}

function bytes(v: unknown): number {
  return Buffer.byteLength(JSON.stringify(v));
}
