import type { Evidence, HistoryEntry, Measure, Problem } from '../../storage/ledger.js';
import { isSpecial, PROBLEM_SOURCES } from '../../storage/ledger.js';
import { formatRate, ledgerFigures, NO_SOURCE } from '../figures/ledger-figures.js';
import type { LocalDate } from '../shared/calendar.js';
import { yieldIfBusy } from '../shared/event-loop.js';
import { heightFor, linesIn, openLedgerSheet, rowHeight, type LedgerColumn } from './ledger-sheet.js';
import type { Names } from './names.js';
import type { Cell } from './xlsx/sheet-writer.js';
import { STYLE } from './xlsx/styles.js';
import { XlsxWriter } from './xlsx/workbook-writer.js';

/** The official problem-ledger columns, in order. */
export const PROBLEM_COLUMNS: readonly LedgerColumn[] = [
  { header: '序号', width: 5, style: STYLE.centered },
  { header: '问题来源', width: 8, style: STYLE.centered, repeats: true },
  { header: '问题描述', width: 26, style: STYLE.text },
  { header: '整改措施', width: 30, style: STYLE.text },
  { header: '整改目标', width: 16, style: STYLE.text },
  { header: '整改时限', width: 11, style: STYLE.date, repeats: true },
  { header: '牵头负责人', width: 10, style: STYLE.centered, repeats: true },
  { header: '责任单位', width: 11, style: STYLE.centered, repeats: true },
  { header: '整改进展', width: 28, style: STYLE.text },
  { header: '是否完成', width: 10, style: STYLE.centered, repeats: true },
  { header: '销号时间', width: 11, style: STYLE.date, repeats: true },
  { header: '佐证材料', width: 18, style: STYLE.text },
];

/** Columns that belong to the measure, one row each; every other column is the problem's, merged over them. */
const MEASURE_COLUMNS = new Set([4, 10]);

/** The problem ledger's sheet names, in full. */
export const PROBLEM_SHEETS = { ledger: '检视问题整改台账', summary: '整改情况汇总' } as const;

/**
 * The problem ledger (问题整改台账) as a Party affairs office files it: title, 填报单位/填报日期, the official
 * header, one row per measure with the problem's cells merged over its measures, A4 landscape one page wide, then
 * a summary by source from the shared figure definitions. Voided problems are left out, as from every count.
 */
export async function problemLedgerWorkbook(input: { problems: readonly Problem[]; measures: readonly Measure[]; evidence?: readonly Evidence[]; names: Names; today: LocalDate; unit?: string }): Promise<Buffer> {
  const { names, today } = input;
  const unit = input.unit ?? '全局';
  const book = new XlsxWriter('督办 Duban');
  const order = [...PROBLEM_SOURCES, NO_SOURCE];
  const problems = input.problems.filter((p) => !p.voided).sort((a, b) => order.indexOf(a.source ?? NO_SOURCE) - order.indexOf(b.source ?? NO_SOURCE) || a.number - b.number);
  const measuresOf = new Map<string, Measure[]>();
  for (const m of input.measures) {
    const list = measuresOf.get(m.problemId);
    if (list) list.push(m);
    else measuresOf.set(m.problemId, [m]);
  }
  // Evidence filed under a problem or one of its measures (P12, P12-3), by problem.
  const filesOf = new Map<string, Evidence[]>();
  for (const e of input.evidence ?? []) {
    const id = e.ref?.startsWith('P') ? e.ref.split('-')[0]! : undefined;
    if (id) filesOf.set(id, [...(filesOf.get(id) ?? []), e].sort((a, b) => a.number - b.number));
  }

  const ws = await openLedgerSheet(book, { name: PROBLEM_SHEETS.ledger, title: `${unit}主题教育检视问题整改台账`, unit, date: today, columns: PROBLEM_COLUMNS });
  for (const [i, p] of problems.entries()) {
    const measures = (measuresOf.get(p.id) ?? []).sort((a, b) => a.seq - b.seq);
    const shared = problemCells(p, i + 1, measures, filesOf.get(p.id) ?? [], names, today);
    const rows: Cell[][] = (measures.length ? measures : [undefined]).map((m) => shared.map((c, col) => (MEASURE_COLUMNS.has(col + 1) ? measureCell(col + 1, m, p, names, today) : c)));
    const first = ws.rows + 1;
    const heights = rows.map((cells) => rowHeight(cells.map((c, col) => (MEASURE_COLUMNS.has(col + 1) ? c : { ...c, value: null })), PROBLEM_COLUMNS));
    const need = Math.max(...shared.map((c, col) => (typeof c.value === 'string' && !MEASURE_COLUMNS.has(col + 1) ? heightFor(linesIn(c.value, PROBLEM_COLUMNS[col]!.width)) : 0)));
    const short = need - heights.reduce((a, b) => a + b, 0);
    // A merged cell is as tall as the rows under it; spread what it lacks over them so its text is not cut off.
    for (const [k, cells] of rows.entries()) await ws.row(cells, Math.ceil(heights[k]! + Math.max(0, short) / rows.length));
    if (rows.length > 1) for (let col = 1; col <= PROBLEM_COLUMNS.length; col++) if (!MEASURE_COLUMNS.has(col)) ws.merge(first, col, first + rows.length - 1, col);
    await yieldIfBusy();
  }
  await ws.close();
  await summarySheet(book, { problems, measures: input.measures, today, unit });
  return book.finish();
}

function problemCells(p: Problem, seq: number, measures: readonly Measure[], files: readonly Evidence[], names: Names, today: LocalDate): Cell[] {
  // 专项整治 is a mark (older data: the source 专项整治, printed as stored): bold source, named in the description.
  const special = isSpecial(p);
  const note = p.closed?.evidence ?? p.closeRequest?.evidence ?? '';
  const attached = files.length ? `附件：${files.map((f) => `${f.id} ${f.fileName}`).join('；')}` : '';
  const closed = p.status === '已整改销号';
  const col = (i: number) => PROBLEM_COLUMNS[i - 1]!.style;
  return [
    { value: seq, style: col(1) },
    { value: p.source ?? NO_SOURCE, style: special ? STYLE.marked : col(2) },
    { value: `${special ? '【专项整治】' : ''}${p.id} ${p.description}`, style: col(3) },
    { value: null, style: col(4) },
    { value: p.target ?? '', style: col(5) },
    { value: { day: p.deadline }, style: col(6) },
    { value: names.person(p.leadPerson), style: col(7) },
    { value: p.responsibleUnit, style: col(8) },
    { value: progressText(p, measures, today), style: col(9) },
    { value: null, style: col(10) },
    { value: closed && p.closed ? { day: p.closed.at.slice(0, 10) } : null, style: col(11) },
    { value: [note, attached].filter(Boolean).join('\n'), style: col(12) },
  ];
}

function measureCell(column: number, m: Measure | undefined, p: Problem, names: Names, today: LocalDate): Cell {
  const style = PROBLEM_COLUMNS[column - 1]!.style;
  if (column === 4) return { value: m ? `${m.seq}. ${m.content}（${names.person(m.owner)}，${m.deadline}前）${m.cancelled ? `（已撤销：${m.cancelled.reason}）` : ''}` : '尚未制定整改措施', style };
  if (m?.cancelled) return { value: '已撤销', style };
  const done = m ? m.status === '已完成' : p.status === '已整改销号';
  const deadline = m?.deadline ?? p.deadline;
  return { value: done ? '是' : deadline < today && p.status !== '已整改销号' ? '否（逾期）' : '否', style };
}

/** The status, then every progress note on the problem and its measures, oldest first. */
function progressText(p: Problem, measures: readonly Measure[], today: LocalDate): string {
  const overdue = p.status !== '已整改销号' && p.deadline < today ? '（逾期）' : '';
  const notes: { at: string; text: string }[] = [];
  const add = (h: HistoryEntry, prefix: string) => {
    if ((h.action === 'progress' || h.action === 'measure-done') && h.note) notes.push({ at: h.at, text: `${h.at.slice(5, 10)} ${prefix}${h.action === 'measure-done' ? '完成：' : ''}${h.note}` });
  };
  for (const h of p.history) add(h, '');
  for (const m of measures) for (const h of m.history) add(h, `措施${m.seq}`);
  notes.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return [`${p.status}${overdue}`, ...notes.map((n) => n.text)].join('\n');
}

const SUMMARY_COLUMNS: readonly LedgerColumn[] = [
  { header: '问题来源', width: 16, style: STYLE.centered },
  { header: '检视问题（个）', width: 12, style: STYLE.centered },
  { header: '已整改销号（个）', width: 12, style: STYLE.centered },
  { header: '整改中（个）', width: 12, style: STYLE.centered },
  { header: '逾期（个）', width: 10, style: STYLE.centered },
  { header: '整改措施（项）', width: 12, style: STYLE.centered },
  { header: '已完成措施（项）', width: 12, style: STYLE.centered },
  { header: '整改完成率', width: 12, style: STYLE.centered },
];

async function summarySheet(book: XlsxWriter, input: { problems: readonly Problem[]; measures: readonly Measure[]; today: LocalDate; unit: string }): Promise<void> {
  const figures = ledgerFigures({ problems: input.problems, measures: input.measures }, { asOf: input.today });
  const ws = await openLedgerSheet(book, { name: PROBLEM_SHEETS.summary, title: `${input.unit}检视问题整改情况汇总表`, unit: input.unit, date: input.today, columns: SUMMARY_COLUMNS });
  const sources = [...PROBLEM_SOURCES.filter((s) => s !== '专项整治'), NO_SOURCE].filter((s) => s !== NO_SOURCE || figures.bySource[s]);
  // 专项整治 is a subset across sources ("检视问题71个，其中专项整治问题2个"): its own line under the total.
  const special = ledgerFigures({ problems: input.problems.filter(isSpecial), measures: input.measures }, { asOf: input.today }).total;
  const line = (label: string, c: (typeof figures)['total'] | undefined) =>
    ws.row([label, c?.found ?? 0, c?.rectified ?? 0, c?.inProgress ?? 0, c?.overdue ?? 0, c?.measures ?? 0, c?.measuresDone ?? 0, formatRate(c?.rate ?? 0)].map((value) => ({ value, style: STYLE.centered })), heightFor(1));
  for (const s of sources) await line(s, figures.bySource[s]);
  await line('合计', figures.total);
  await line('其中：专项整治', special);
  await ws.row([{ value: `统计截至 ${input.today}；已作废的问题不计入。`, style: STYLE.plain }]);
  await ws.close();
}
