import type { HistoryAction, HistoryEntry, Measure, Problem, Task } from '../../storage/ledger.js';
import { diffDays, formatDate, toLocalDate, type LocalDate } from '../shared/calendar.js';
import type { Calendar } from '../shared/working-calendar.js';

/** Past its deadline and not finished; 逾期 is always derived from today, never stored. */
export function isOverdue(deadline: LocalDate, today: LocalDate, finished: boolean): boolean {
  return !finished && deadline < today;
}

/** Still being worked on: neither closed out nor voided. */
export function isOpenProblem(p: Problem): boolean {
  return p.status !== '已整改销号' && p.voided === undefined;
}

/** A measure still to do: not done, and its problem still open. */
export function isOpenMeasure(m: Measure, problem: Problem | undefined): boolean {
  return m.status === '整改中' && (problem === undefined || isOpenProblem(problem));
}

/** The status words leaders report in, with 逾期 appended when past the deadline: `整改中·逾期`. */
export function problemStatusLabel(p: Problem, today: LocalDate): string {
  if (p.voided) return '已作废';
  return isOverdue(p.deadline, today, !isOpenProblem(p)) ? `${p.status}·逾期` : p.status;
}

export function measureStatusLabel(m: Measure, problem: Problem | undefined, today: LocalDate): string {
  if (problem?.voided) return '已作废';
  return isOverdue(m.deadline, today, !isOpenMeasure(m, problem)) ? `${m.status}·逾期` : m.status;
}

export function taskStatusLabel(t: Task, today: LocalDate): string {
  return isOverdue(t.deadline, today, t.status !== '办理中') ? `${t.status}·逾期` : t.status;
}

/** `还有 5 个工作日` · `今天到期` · `已逾期 3 个工作日`, counted on the loaded calendar (the office's /假期 entries first). */
export function describeDue(deadline: LocalDate, today: LocalDate, cal: Pick<Calendar, 'workingDaysUntil'>): string {
  if (deadline === today) return '今天到期';
  const wd = cal.workingDaysUntil(today, deadline);
  const days = diffDays(today, deadline);
  if (days > 0) return wd > 0 ? `还有 ${wd} 个工作日` : `还有 ${days} 天（其间无工作日）`;
  return wd < 0 ? `已逾期 ${-wd} 个工作日` : `已逾期 ${-days} 天`;
}

/** `时限：2026-12-31（周四），还有 28 个工作日`: every deadline is echoed this way so a misparse shows at once. */
export function deadlineLine(deadline: LocalDate, today: LocalDate, cal: Pick<Calendar, 'workingDaysUntil'>, finished = false): string {
  return `时限：${formatDate(deadline)}${finished ? '' : `，${describeDue(deadline, today, cal)}`}`;
}

/** The loud note for years whose 调休 arrangement the calendar lacks (see calendarNoteOnce: each person hears it once a year). */
export function calendarGapNote(years: readonly number[]): string | undefined {
  if (years.length === 0) return undefined;
  return `⚠ ${years.join('、')}年的调休安排尚未录入：法定假日已按放假计算，调休上班日未知，请以国务院公布的安排为准（管理员可用 /假期 录入）。`;
}

/** An instant as `2026-11-23 10:05` in Asia/Shanghai. */
export function formatInstant(iso: string): string {
  const t = new Date(iso);
  const shanghai = new Date(t.getTime() + 8 * 3_600_000);
  const hh = String(shanghai.getUTCHours()).padStart(2, '0');
  const mm = String(shanghai.getUTCMinutes()).padStart(2, '0');
  return `${toLocalDate(t)} ${hh}:${mm}`;
}

/** `措施完成情况：` and one line per measure with its outcome (已完成 with the note, 已撤销 with the reason, 未完成), for close-out. */
export function measureOutcomes(measures: readonly Measure[]): string[] {
  if (measures.length === 0) return [];
  const outcome = (m: Measure) => (m.cancelled ? `已撤销（${clip(m.cancelled.reason, 40)}）` : m.done ? `已完成（${clip(m.done.note, 40)}）` : '未完成');
  return ['措施完成情况：', ...measures.map((m) => `　${m.id} ${clip(m.content, 20)}：${outcome(m)}`)];
}

/** Shortens free text for one-line lists. */
export function clip(text: string, max = 24): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : text;
}

const ACTION_WORDS: Record<HistoryAction, string> = {
  open: '登记问题',
  edit: '修改',
  progress: '进展',
  'measure-add': '新增措施',
  'measure-done': '措施完成',
  'close-request': '申请销号',
  'close-approve': '审核通过，已整改销号',
  'close-reject': '驳回销号（已驳回），退回整改中',
  'extend-request': '申请延期',
  'extend-approve': '同意延期',
  'extend-reject': '驳回延期，退回整改中',
  void: '作废',
  'task-add': '交办',
  'task-report': '报告办理结果',
  'task-accept': '办结',
  'task-return': '退回办理结果',
  'task-reassign': '改派负责人',
  'task-cancel': '取消督办',
  'measure-cancel': '撤销措施',
  'evidence-add': '添加佐证材料',
  mark: '标记',
};

const FIELD_WORDS: Record<string, string> = {
  status: '状态',
  deadline: '时限',
  leadPerson: '牵头负责人',
  owner: '负责人',
  responsibleUnit: '责任单位',
  description: '问题描述',
  content: '内容',
  target: '整改目标',
  source: '问题来源',
  special: '专项整治',
};

/** One history line: `2026-11-23 10:05 张三 同意延期：时限 2026-12-31 → 2027-01-29（理由）`. */
export function renderHistory(e: HistoryEntry, nameOf: (openId: string) => string, label?: string): string {
  const head = `${formatInstant(e.at)} ${nameOf(e.by)} ${label ? `${label} ` : ''}${ACTION_WORDS[e.action]}`;
  const isPerson = e.field === 'leadPerson' || e.field === 'owner';
  const show = (v: string | undefined) => (v === undefined ? '（无）' : isPerson ? nameOf(v) : e.field === 'special' ? (v === 'true' ? '是' : '否') : v);
  // The opening entry's deadline is the original one; it is shown so later extensions can be traced.
  const change =
    e.field && (e.action !== 'open' && e.action !== 'measure-add' && e.action !== 'task-add')
      ? `：${FIELD_WORDS[e.field] ?? e.field} ${show(e.from)} → ${show(e.to)}`
      : e.field === 'deadline' && e.to
        ? `（时限 ${e.to}）`
        : '';
  const note = e.note && e.action !== 'open' && e.action !== 'measure-add' && e.action !== 'task-add' ? `${change ? '，' : '：'}${e.note}` : '';
  return `${head}${change}${note}`;
}
