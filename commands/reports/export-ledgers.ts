import { PassThrough } from 'node:stream';
import type ExcelJS from 'exceljs';
import type { Measure, Problem } from '../../storage/ledger.js';
import { PROBLEM_SOURCES } from '../../storage/ledger.js';
import { participantsOf, type StudyRecord } from '../../storage/study.js';
import type { LocalDate } from '../shared/calendar.js';
import type { Names } from './names.js';
import { NO_SOURCE } from '../figures/ledger-figures.js';
import { escapeCell } from '../shared/escape.js';
import { yieldIfBusy } from '../shared/event-loop.js';


/** The official problem-ledger columns, in order, with their widths in characters. */
export const PROBLEM_COLUMNS = [
  ['序号', 6],
  ['问题来源', 12],
  ['问题描述', 40],
  ['整改措施', 48],
  ['整改目标', 24],
  ['整改时限', 12],
  ['牵头负责人', 10],
  ['责任单位', 14],
  ['整改进展', 40],
  ['完成情况/销号时间', 18],
  ['佐证材料', 30],
] as const;

/** The official study-ledger columns. */
export const STUDY_COLUMNS = [
  ['日期', 12],
  ['形式', 20],
  ['主题/篇目', 40],
  ['主讲人', 10],
  ['参加人员', 40],
  ['人数', 6],
  ['时长', 8],
  ['录入人', 10],
] as const;

const OTHER_SOURCE = NO_SOURCE;

/** Excel cells hold dates as dates: a Shanghai calendar day becomes midnight UTC of that day so no viewer shifts it. */
function excelDate(d: LocalDate): Date {
  return new Date(`${d}T00:00:00Z`);
}

/** A streaming workbook: rows are written and forgotten as they come, so memory stays flat whatever the size. */
interface StreamingBook {
  wb: ExcelJS.stream.xlsx.WorkbookWriter;
  /** Commits the workbook and hands back the whole file. */
  finish(): Promise<Buffer>;
}

/** exceljs is loaded on the first export: a server that never exports keeps its ~20 MB out of memory. */
async function newWorkbook(): Promise<StreamingBook> {
  const { default: Excel } = await import('exceljs');
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '督办 Duban';
  wb.created = new Date();
  return {
    wb,
    async finish() {
      await wb.commit();
      await ended;
      return Buffer.concat(chunks);
    },
  };
}

function sheetWith(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: readonly (readonly [string, number])[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map(([header, width]) => ({ header, width }));
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  head.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF2F2F2' } };
  return ws;
}

/** Adds a row with every text cell escaped, so a description typed as `=HYPERLINK(…)` stays text. */
function addRow(ws: ExcelJS.Worksheet, cells: readonly (string | number | Date | null)[]): ExcelJS.Row {
  return ws.addRow(cells.map((c) => (typeof c === 'string' ? escapeCell(c) : c)));
}

/** Status text for the 完成情况/销号时间 column. */
function completion(p: Problem, today: LocalDate): string {
  if (p.status === '已整改销号' && p.closed) return `已整改销号 ${p.closed.at.slice(0, 10)}`;
  const overdue = p.deadline < today ? '（逾期）' : '';
  return `${p.status}${overdue}`;
}

/**
 * The problem ledger (问题清单/整改台账) in the official layout: one sheet per source plus a 汇总 sheet;
 * voided problems are left out, as they are left out of every count.
 */
export async function problemLedgerWorkbook(input: { problems: readonly Problem[]; measures: readonly Measure[]; names: Names; today: LocalDate; title?: string }): Promise<Buffer> {
  const { names, today } = input;
  const book = await newWorkbook();
  const problems = input.problems.filter((p) => !p.voided);
  const measuresOf = new Map<string, Measure[]>();
  for (const m of input.measures) {
    const list = measuresOf.get(m.problemId);
    if (list) list.push(m);
    else measuresOf.set(m.problemId, [m]);
  }
  const bySource = new Map<string, Problem[]>();
  for (const p of problems) {
    const source = p.source ?? OTHER_SOURCE;
    const list = bySource.get(source);
    if (list) list.push(p);
    else bySource.set(source, [p]);
  }
  const sources = [...PROBLEM_SOURCES, OTHER_SOURCE].filter((s) => s !== OTHER_SOURCE || bySource.has(OTHER_SOURCE));

  // The summary comes first in the file, so it is counted before any sheet is written.
  const summary = sheetWith(book.wb, '汇总', [
    ['问题来源', 14],
    ['检视问题', 10],
    ['已整改销号', 12],
    ['整改中', 10],
    ['逾期', 8],
    ['整改措施', 10],
    ['已完成措施', 12],
  ]);
  const totals = [0, 0, 0, 0, 0, 0];
  for (const source of sources) {
    const list = bySource.get(source) ?? [];
    const ms = list.flatMap((p) => measuresOf.get(p.id) ?? []);
    const row = [
      list.length,
      list.filter((p) => p.status === '已整改销号').length,
      list.filter((p) => p.status !== '已整改销号').length,
      list.filter((p) => p.status !== '已整改销号' && p.deadline < today).length,
      ms.length,
      ms.filter((m) => m.status === '已完成').length,
    ];
    row.forEach((v, i) => (totals[i]! += v));
    summary.addRow([source, ...row]).commit();
  }
  summary.addRow(['合计', ...totals]).font = { bold: true };
  summary.addRow([]);
  summary.addRow([`统计截至 ${today}；已作废的问题不计入。`]);
  summary.commit();

  for (const source of sources) {
    const list = bySource.get(source);
    if (!list) continue;
    const ws = sheetWith(book.wb, source, PROBLEM_COLUMNS);
    for (const [i, p] of list.entries()) {
      const measures = (measuresOf.get(p.id) ?? [])
        .map((m) => `${m.id} ${m.content}（${names.person(m.owner)}，${m.deadline}，${m.status}）`)
        .join('\n');
      const progress = p.history
        .filter((h) => h.action === 'progress' || h.action === 'measure-done')
        .map((h) => `${h.at.slice(0, 10)} ${h.note ?? ''}`.trim())
        .join('\n');
      const evidence = p.closed?.evidence ?? p.closeRequest?.evidence ?? '';
      const row = addRow(ws, [i + 1, source, `${p.id} ${p.description}`, measures, p.target ?? '', excelDate(p.deadline), names.person(p.leadPerson), p.responsibleUnit, progress, completion(p, today), evidence]);
      row.alignment = { vertical: 'top', wrapText: true };
      row.getCell(6).numFmt = 'yyyy-mm-dd';
      row.commit();
      await yieldIfBusy();
    }
    ws.commit();
  }
  return book.finish();
}

/** The study ledger (学习台账): one row per activity, counted once, with everyone it counts for. */
export async function studyLedgerWorkbook(input: { records: readonly StudyRecord[]; names: Names; title: string }): Promise<Buffer> {
  const book = await newWorkbook();
  const ws = sheetWith(book.wb, '学习台账', STUDY_COLUMNS);
  // Header text has its own codes (&P, &D …); a lone & would start one.
  ws.headerFooter.oddHeader = input.title.replace(/&/g, '&&');
  for (const r of input.records) {
    if (r.voided) continue;
    const people = participantsOf(r);
    const row = addRow(ws, [
      excelDate(r.date),
      r.form,
      r.content,
      input.names.person(r.personId),
      people.map((id) => input.names.person(id)).join('、'),
      people.length,
      r.minutes === undefined ? null : Math.round((r.minutes / 60) * 10) / 10,
      input.names.person(r.entered.by),
    ]);
    row.alignment = { vertical: 'top', wrapText: true };
    row.getCell(1).numFmt = 'yyyy-mm-dd';
    row.getCell(7).numFmt = '0.0"小时"';
    row.commit();
    await yieldIfBusy();
  }
  ws.commit();
  return book.finish();
}
