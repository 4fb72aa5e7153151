import type { LocalDate } from '../shared/calendar.js';
import type { Cell, SheetWriter } from './xlsx/sheet-writer.js';
import { STYLE, type StyleId } from './xlsx/styles.js';
import type { XlsxWriter } from './xlsx/workbook-writer.js';

/** A ledger column: its header, width in Excel character units and the style of its body cells. */
export interface LedgerColumn {
  header: string;
  width: number;
  style: StyleId;
  /** Few distinct values down the sheet (支部, 形式, 日期), so the writer renders each once. */
  repeats?: boolean;
}

/** Rows above the body: the title, the 填报单位/填报日期 line and the column header. */
export const HEADER_ROW = 3;

// Points per printed line of 11 pt CJK text (Noto/SimSun line boxes are ~1.45 em) and the cell's top+bottom padding.
const LINE_PT = 16;
const PAD_PT = 6;

/** How many lines `text` wraps to in a column `width` units wide: a CJK character takes two units, others one. */
export function linesIn(text: string, width: number): number {
  const usable = Math.max(2, width - 1.5);
  let lines = 0;
  let w = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c === 10) {
      lines += Math.max(1, Math.ceil(w / usable));
      w = 0;
    } else w += c >= 0x2e80 ? 2 : 1.1;
  }
  return lines;
}

/** The height in points a block of `lines` lines needs. */
export function heightFor(lines: number): number {
  return lines * LINE_PT + PAD_PT;
}

/** The height of a row whose cells are all unmerged: its tallest cell. */
export function rowHeight(cells: readonly Cell[], columns: readonly LedgerColumn[]): number {
  let lines = 1;
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i]!.value;
    if (typeof v === 'string' && v.length > 0) lines = Math.max(lines, linesIn(v, columns[i]!.width));
  }
  return heightFor(lines);
}

/** `2026年11月26日`, as a 填报日期 is written. */
export function chineseDate(d: LocalDate): string {
  const [y, m, day] = d.split('-').map(Number);
  return `${y}年${m}月${day}日`;
}

/** Opens a ledger sheet and writes its title, 填报单位/填报日期 line and header, ready for body rows. */
export async function openLedgerSheet(
  book: XlsxWriter,
  opts: { name: string; title: string; unit: string; date: LocalDate; columns: readonly LedgerColumn[] },
): Promise<SheetWriter> {
  const { columns } = opts;
  const n = columns.length;
  const ws = book.sheet({ name: opts.name, widths: columns.map((c) => c.width), headerRow: HEADER_ROW, printTitleFrom: HEADER_ROW, repeating: columns.map((c) => c.repeats === true) });
  const blank = (style: StyleId) => ({ value: null, style });
  await ws.row([{ value: opts.title, style: STYLE.title }, ...Array.from({ length: n - 1 }, () => blank(STYLE.title))], 40);
  ws.merge(1, 1, 1, n);
  const half = Math.ceil(n / 2);
  await ws.row(
    Array.from({ length: n }, (_, i) =>
      i === 0 ? { value: `填报单位：${opts.unit}`, style: STYLE.infoLeft } : i === half ? { value: `填报日期：${chineseDate(opts.date)}`, style: STYLE.infoRight } : blank(STYLE.plain),
    ),
    24,
  );
  ws.merge(2, 1, 2, half);
  ws.merge(2, half + 1, 2, n);
  const header = columns.map((c) => ({ value: c.header, style: STYLE.header }));
  await ws.row(header, rowHeight(header, columns));
  return ws;
}
