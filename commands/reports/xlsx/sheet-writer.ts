import { escapeCell } from '../../shared/escape.js';
import { yieldIfBusy } from '../../shared/event-loop.js';
import type { StyleId } from './styles.js';
import { Utf8Chunks } from './utf8-chunks.js';
import { columnLetter, excelDay, xmlText } from './xml.js';
import type { ZipEntryWriter } from './zip-writer.js';

/** A cell's content: text, a number, a calendar day, or nothing (an empty cell that still carries its border). */
export type CellValue = string | number | { day: string } | null | undefined;

/** A value and the style it is printed in. */
export interface Cell {
  value: CellValue;
  style: StyleId;
}

/** How a sheet looks on screen and on paper. */
export interface SheetLayout {
  /** Shown in full on the tab; Excel allows 31 characters and none of `[]:*?/\`. */
  name: string;
  /** Widths in Excel's character units. */
  widths: readonly number[];
  /** The last row of the column header: it stays in view while scrolling and is printed atop every page. */
  headerRow: number;
  /** The first header row repeated on printed pages (rows above it, the title, print on page one only). */
  printTitleFrom: number;
  /** Columns whose values repeat down the sheet (支部, 形式, 日期): their cells are rendered once per distinct value. */
  repeating?: readonly boolean[];
}

const MAIN_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const FLUSH_AT = 64 * 1024;

/** One worksheet streamed row by row into its zip entry; only the merge list is kept until the end. */
export class SheetWriter {
  private rowNumber = 0;
  private readonly pending = new Utf8Chunks();
  private readonly merges: string[] = [];
  private readonly letters: string[];
  private readonly memos: (ColumnMemo | undefined)[];

  constructor(
    private readonly entry: ZipEntryWriter,
    readonly layout: SheetLayout,
  ) {
    this.letters = layout.widths.map((_, i) => columnLetter(i + 1));
    this.memos = layout.widths.map((_, i) => (layout.repeating?.[i] ? new ColumnMemo() : undefined));
    const split = layout.headerRow;
    this.pending.put(
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${MAIN_NS}>` +
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
        `<sheetViews><sheetView workbookViewId="0"><pane ySplit="${split}" topLeftCell="A${split + 1}" activePane="bottomLeft" state="frozen"/>` +
        '<selection pane="bottomLeft"/></sheetView></sheetViews>' +
        '<sheetFormatPr defaultRowHeight="15"/>' +
        `<cols>${layout.widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}" customWidth="1"/>`).join('')}</cols>` +
        '<sheetData>',
    );
  }

  /** Rows written so far. */
  get rows(): number {
    return this.rowNumber;
  }

  /** Appends a row (cells from column A) at the given height in points and sends it on when enough rows are due. */
  async row(cells: readonly Cell[], heightPt?: number): Promise<number> {
    const r = this.add(cells, heightPt);
    if (this.due) await this.flush();
    return r;
  }

  /**
   * Appends a row like row() without sending anything on, for loops of many rows that await `flush()` only when
   * `due` (an await per row cost more than the row). Every text cell goes through escapeCell. The cells are read
   * before this returns, so a caller may refill the same array for its next row.
   */
  add(cells: readonly Cell[], heightPt?: number): number {
    const r = ++this.rowNumber;
    let xml = heightPt === undefined ? `<row r="${r}">` : `<row r="${r}" ht="${heightPt}" customHeight="1">`;
    // Only a row's first written cell carries its address (`r`, optional in the format): later cells follow on in
    // order, which keeps a 100,000-row sheet a quarter smaller and so faster to compress. An empty unstyled cell is
    // left out (readers such as exceljs drop it anyway), so the cell after it names itself.
    let addressed = false;
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      if (cell.style === 0 && (cell.value === null || cell.value === undefined || cell.value === '')) {
        addressed = false;
        continue;
      }
      const memo = this.memos[i];
      xml += addressed && memo ? memo.xml(cell) : cellXml(addressed ? '' : ` r="${this.letters[i]}${r}"`, cell);
      addressed = true;
    }
    this.pending.put(xml + '</row>');
    return r;
  }

  /** Whether enough rows are buffered to be sent on. */
  get due(): boolean {
    return this.pending.size >= FLUSH_AT;
  }

  /** Merges a rectangle given by 1-based rows and columns; a one-cell rectangle is skipped. */
  merge(fromRow: number, fromCol: number, toRow: number, toCol: number): void {
    if (fromRow === toRow && fromCol === toCol) return;
    this.merges.push(`<mergeCell ref="${this.letters[fromCol - 1]}${fromRow}:${this.letters[toCol - 1]}${toRow}"/>`);
  }

  /** Ends the sheet with its merges and the print setup: A4 landscape, one page wide, centred, numbered pages. */
  async close(): Promise<void> {
    this.pending.put(
      '</sheetData>' +
        (this.merges.length ? `<mergeCells count="${this.merges.length}">${this.merges.join('')}</mergeCells>` : '') +
        '<printOptions horizontalCentered="1"/>' +
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>' +
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>' +
        '<headerFooter><oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter></headerFooter>' +
        '</worksheet>',
    );
    await this.flush();
    await this.entry.close();
  }

  /** Sends the buffered rows into the zip entry, then lets waiting I/O run if this export has held the thread. */
  async flush(): Promise<void> {
    for (const bytes of this.pending.take()) await this.entry.write(bytes);
    await yieldIfBusy();
  }
}

// Anything escapeCell or xmlText would act on, or a leading space; most text has none and is written as it is.
const NEEDS_WORK = /^[=+\-@\s]|[&<>"\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
// Sticky, tried at the last character only: `\s$` unanchored would be tried at every position of the text.
const TRAILING_SPACE = /\s/y;
const EDGE_SPACE = /^\s|\s$/;
// The opening of an unaddressed text cell per style, built once rather than per cell.
const TEXT_OPEN: string[] = [];

function cellXml(ref: string, cell: Cell): string {
  const { value, style } = cell;
  if (value === null || value === undefined || value === '') return `<c${ref} s="${style}"/>`;
  if (typeof value === 'number') return `<c${ref} s="${style}"><v>${value}</v></c>`;
  if (typeof value === 'object') return `<c${ref} s="${style}"><v>${excelDay(value.day)}</v></c>`;
  TRAILING_SPACE.lastIndex = value.length - 1;
  if (!NEEDS_WORK.test(value) && !TRAILING_SPACE.test(value)) {
    if (ref === '') return (TEXT_OPEN[style] ??= `<c s="${style}" t="inlineStr"><is><t>`) + value + '</t></is></c>';
    return `<c${ref} s="${style}" t="inlineStr"><is><t>${value}</t></is></c>`;
  }
  const text = escapeCell(value);
  return `<c${ref} s="${style}" t="inlineStr"><is><t${EDGE_SPACE.test(text) ? ' xml:space="preserve"' : ''}>${xmlText(text)}</t></is></c>`;
}

// A column marked repeating but holding many values (地点 in a large bureau) stops memoising past this many.
const MEMO_CAP = 4096;

/** One column's rendered cells without an address, by style and value (calendar days apart from text). */
class ColumnMemo {
  private readonly maps: Map<string | number, string>[] = [];

  xml(cell: Cell): string {
    const { value, style } = cell;
    if (value === null || value === undefined) return cellXml('', cell);
    const day = typeof value === 'object';
    const map = (this.maps[style * 2 + (day ? 1 : 0)] ??= new Map());
    const key = day ? value.day : value;
    let xml = map.get(key);
    if (xml === undefined) {
      xml = cellXml('', cell);
      if (map.size < MEMO_CAP) map.set(key, xml);
    }
    return xml;
  }
}
