import { participantsOf, type Form, type StudyRecord } from '../../storage/study.js';
import type { LocalDate } from '../shared/calendar.js';
import { openLedgerSheet, rowHeight, type LedgerColumn } from './ledger-sheet.js';
import type { Names } from './names.js';
import type { Cell } from './xlsx/sheet-writer.js';
import { STYLE } from './xlsx/styles.js';
import { XlsxWriter } from './xlsx/workbook-writer.js';

/** Forms led by someone: the lecturer of a 专题党课, the host of a collective session; the logger is that person. */
const LEADER_OF: Partial<Record<Form, true>> = { 专题党课: true, 理论学习中心组集中研讨: true, 支部集体学习: true, 读书班: true };

const VOLUNTEER: Form = '志愿服务';

/** The study ledger's sheet names, in full. */
export const STUDY_SHEETS = { study: '学习台账', volunteer: '志愿服务台账' } as const;

type Column = LedgerColumn & { cell: (r: StudyRecord, people: string[], names: Names) => Cell['value'] };

const hours = (r: StudyRecord) => (r.minutes === undefined ? null : Math.round((r.minutes / 60) * 10) / 10);
const COLUMN = {
  seq: { header: '序号', width: 7, style: STYLE.centered, cell: () => null },
  branch: { header: '支部', width: 14, style: STYLE.centered, repeats: true, cell: (r, _, n) => n.branch(r.branchId) },
  date: { header: '日期', width: 11, style: STYLE.date, repeats: true, cell: (r) => ({ day: r.date }) },
  form: { header: '形式', width: 14, style: STYLE.centered, repeats: true, cell: (r) => r.form },
  content: { header: '主题/内容', width: 32, style: STYLE.text, cell: (r) => r.content },
  service: { header: '服务内容', width: 32, style: STYLE.text, cell: (r) => r.content },
  leader: { header: '主讲人/主持人', width: 10, style: STYLE.centered, repeats: true, cell: (r, _, n) => (LEADER_OF[r.form] || r.meeting ? n.person(r.personId) : null) },
  recorder: { header: '记录人', width: 8, style: STYLE.centered, repeats: true, cell: (r, _, n) => (r.meeting?.recorder ? n.person(r.meeting.recorder) : null) },
  place: { header: '地点', width: 12, style: STYLE.text, repeats: true, cell: (r) => r.place ?? null },
  people: { header: '参加人员', width: 28, style: STYLE.text, cell: (_, people, n) => people.map((id) => n.person(id)).join('、') },
  count: { header: '参加人数', width: 9, style: STYLE.centered, repeats: true, cell: (_, people) => people.length },
  // A meeting's minutes (/会议): 应到 as recorded that day, and who was on leave or absent, with any 补学.
  expected: { header: '应到', width: 6, style: STYLE.centered, repeats: true, cell: (r) => r.meeting?.expected.length ?? null },
  missed: { header: '请假/缺席', width: 22, style: STYLE.text, cell: (r, _, n) => (r.meeting ? missedText(r.meeting, n) : null) },
  hours: { header: '时长（小时）', width: 9, style: STYLE.hours, repeats: true, cell: hours },
  reflection: { header: '心得体会', width: 26, style: STYLE.text, cell: (r) => r.reflection ?? null },
} satisfies Record<string, Column>;

/** `请假：赵六（出差）；缺席：王五（已补学）`, or null when everyone on 应到 came. */
function missedText(m: NonNullable<StudyRecord['meeting']>, n: Names): string | null {
  const made = new Set((m.makeups ?? []).map((x) => x.personId));
  const who = (id: string, why?: string) => `${n.person(id)}${why || made.has(id) ? `（${[why, made.has(id) ? '已补学' : ''].filter(Boolean).join('，')}）` : ''}`;
  const parts = [...(m.leave.length ? [`请假：${m.leave.map((l) => who(l.personId, l.reason)).join('、')}`] : []), ...(m.absent.length ? [`缺席：${m.absent.map((id) => who(id)).join('、')}`] : [])];
  return parts.length ? parts.join('；') : null;
}

/** The study-ledger columns; 支部 only in a file that spans branches. */
export function studyColumns(withBranch: boolean): readonly LedgerColumn[] {
  return columnsFor(false, withBranch);
}

function columnsFor(volunteer: boolean, withBranch: boolean): Column[] {
  const c = COLUMN;
  const list = volunteer
    ? [c.seq, c.branch, c.date, c.service, c.place, c.people, c.count, c.hours, c.reflection]
    : // A meeting's minutes (记录人, 应到, 请假/缺席) close the row, so the columns every record has keep their places.
      [c.seq, c.branch, c.date, c.form, c.content, c.leader, c.place, c.people, c.count, c.hours, c.reflection, c.recorder, c.expected, c.missed];
  return list.filter((x) => withBranch || x !== c.branch);
}

/**
 * The study ledger (学习台账): one row per activity, counted once, with everyone it counts for; volunteer service
 * on its own sheet. `unit` is the branch, or undefined for the bureau-wide file, which gets a 支部 column.
 */
export async function studyLedgerWorkbook(input: { records: readonly StudyRecord[]; names: Names; unit?: string; periodLabel: string; today: LocalDate }): Promise<Buffer> {
  const book = new XlsxWriter('督办 Duban');
  const unit = input.unit ?? '全局';
  const whose = input.unit ?? '全局党员干部';
  const records = input.records.filter((r) => !r.voided);
  for (const volunteer of [false, true]) {
    const columns = columnsFor(volunteer, input.unit === undefined);
    const title = `${whose}${volunteer ? '志愿服务台账' : '学习台账'}（${input.periodLabel}）`;
    const ws = await openLedgerSheet(book, { name: volunteer ? STUDY_SHEETS.volunteer : STUDY_SHEETS.study, title, unit, date: input.today, columns });
    let seq = 0;
    // One array refilled per row: row() reads it before returning, and 100,000 rows of fresh cells kept the GC busy.
    const cells: Cell[] = columns.map((c) => ({ value: null, style: c.style }));
    for (const r of records) {
      if ((r.form === VOLUNTEER) !== volunteer) continue;
      const people = participantsOf(r);
      for (let i = 0; i < columns.length; i++) {
        const c = columns[i]!;
        cells[i]!.value = c === COLUMN.seq ? ++seq : c.cell(r, people, input.names);
      }
      ws.add(cells, rowHeight(cells, columns));
      if (ws.due) await ws.flush();
    }
    await ws.close();
  }
  return book.finish();
}
