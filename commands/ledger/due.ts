import { textMessage } from '../shared/text.js';
import { readLedgerData } from '../figures/bureau-figures.js';
import { findBranch } from '../figures/find-branch.js';
import { isOverdueOn, openItems, overdueWorkingDays } from '../figures/open-items.js';
import { addDays, formatDate, weekday, type LocalDate } from '../shared/calendar.js';
import { branchName, calendarNoteOnce, namesFor, todayOf } from './ledger-common.js';
import { clip, describeDue } from './ledger-status.js';
import { UserError, type Command, type CommandContext } from '../types.js';

const LABEL = { problem: '问题', measure: '措施', task: '事项' } as const;
const DEFAULT_DAYS = 14;
const MAX_DAYS = 366;
const MAX_LINES = 60;
/** Up to this many open items of one person are all shown, grouped, instead of a 14-day window. */
const FEW_ITEMS = 8;

interface DueItem {
  label: string; // `问题 P12` · `措施 P12-1` · `事项 T3`
  text: string;
  deadline: LocalDate;
  status: string;
  /** Who still has to act: lead person, measure owner, or assignees yet to report. */
  who: string[];
}

type Scope = { kind: 'mine' } | { kind: 'branch'; branchId: string } | { kind: 'all' };

/** `/截止 [本支部|全部|逾期|30天]`: open problems, measures and tasks, overdue first, then those due within the window. */
export const due: Command = {
  name: '截止',
  aliases: ['due'],
  roles: ['member', 'secretary', 'leader'],
  summary: '查看我的（或本支部、全部）逾期和即将到期的问题、措施、督办事项',
  usage: '/截止 [本支部|全部] [逾期] [30天]',
  examples: ['/截止', '/截止 本支部', '/截止 逾期', '/截止 30天'],
  async run(ctx) {
    const { scope, overdueOnly, days, windowed } = await parseArgs(ctx);
    const today = todayOf(ctx);
    const until = addDays(today, days);
    const items = await collect(ctx, scope);
    const cal = ctx.calendar;
    if (scope.kind === 'mine' && !overdueOnly && !windowed && items.length > 0 && items.length <= FEW_ITEMS) {
      const line = (i: DueItem) =>
        `· ${i.label}【${i.status}】${clip(i.text)} — ${formatDate(i.deadline)}，${isOverdueOn(i, today) ? `已逾期 ${overdueWorkingDays(i.deadline, today, cal)} 个工作日` : describeDue(i.deadline, today, cal)}`;
      const lines = [`${ctx.sender.name} 的截止事项（今天 ${formatDate(today)}，共 ${items.length} 项）：`];
      for (const [title, list] of grouped(items, today)) {
        if (list.length === 0) continue;
        lines.push(`${title} ${list.length} 项：`, ...list.map(line));
      }
      const gap = await calendarNoteOnce(ctx, items.map((i) => i.deadline));
      if (gap) lines.push(gap);
      ctx.reply(textMessage(lines.join('\n')));
      return;
    }
    const overdue = items.filter((i) => isOverdueOn(i, today)).sort(byDeadline);
    const soon = overdueOnly ? [] : items.filter((i) => i.deadline >= today && i.deadline <= until).sort(byDeadline);
    const later = overdueOnly ? 0 : items.filter((i) => i.deadline > until).length;
    const whose = scope.kind === 'mine' ? `${ctx.sender.name} 的` : scope.kind === 'all' ? '全局' : `「${await branchName(ctx, scope.branchId)}」`;
    const head = `${whose}截止事项（今天 ${formatDate(today)}${overdueOnly ? '，只看逾期' : `，${days} 天内`}）`;
    if (overdue.length === 0 && soon.length === 0) {
      const none = overdueOnly ? '没有逾期事项。' : `没有逾期事项，${days} 天内也没有到期的事项。`;
      ctx.reply(textMessage(`${head}：${none}${later ? `\n另有 ${later} 项时限在 ${days} 天以后。` : ''}`));
      return;
    }
    const nameOf = await namesFor(ctx, items.flatMap((i) => i.who));
    const line = (i: DueItem) =>
      `· ${i.label}【${i.status}】${clip(i.text)} — ${formatDate(i.deadline)}，${i.deadline < today ? `已逾期 ${overdueWorkingDays(i.deadline, today, cal)} 个工作日` : describeDue(i.deadline, today, cal)}${scope.kind === 'mine' ? '' : `，${i.who.map(nameOf).join('、')}`}`;
    const lines = [`${head}：`];
    let budget = MAX_LINES;
    for (const [title, list] of [[`逾期事项 ${overdue.length} 项：`, overdue], [`${days} 天内到期 ${soon.length} 项：`, soon]] as const) {
      if (list.length === 0) continue;
      lines.push(title);
      for (const i of list.slice(0, budget)) lines.push(line(i));
      if (list.length > budget) lines.push(`　…另有 ${list.length - budget} 项未列出`);
      budget = Math.max(0, budget - list.length);
    }
    if (later) lines.push(`另有 ${later} 项时限在 ${days} 天以后（/截止 ${Math.min(MAX_DAYS, days * 2)}天 查看）。`);
    const gap = await calendarNoteOnce(ctx, [...overdue, ...soon].map((i) => i.deadline));
    if (gap) lines.push(gap);
    ctx.reply(textMessage(lines.join('\n')));
  },
};

async function parseArgs(ctx: CommandContext): Promise<{ scope: Scope; overdueOnly: boolean; days: number; windowed: boolean }> {
  let scope: Scope = { kind: 'mine' };
  let overdueOnly = false;
  let days = DEFAULT_DAYS;
  let windowed = false;
  const wide = ctx.role === 'admin' || ctx.role === 'leader';
  for (const w of ctx.args.split(' ').filter(Boolean)) {
    const n = /^(\d{1,3})(天|日)?(内|以内)?$/.exec(w);
    if (n) {
      days = Number(n[1]);
      windowed = true;
      if (days < 1 || days > MAX_DAYS) throw new UserError(`天数应为 1—${MAX_DAYS}，如 /截止 30天。`);
    } else if (w === '逾期') overdueOnly = true;
    else if (w === '我的' || w === '我') scope = { kind: 'mine' };
    else if (w === '全部' || w === 'all') {
      if (!wide) throw new UserError('/截止 全部 只有领导和管理员可以使用；你可以查看 /截止 或 /截止 本支部。', { showUsage: false });
      scope = { kind: 'all' };
    } else if (w === '本支部') {
      const branchId = ctx.chat.branch?.id ?? ctx.sender.branchId;
      if (!branchId) throw new UserError('你还没有归属支部：请在支部群里发送 /截止 本支部。', { showUsage: false });
      scope = { kind: 'branch', branchId };
    } else {
      const b = await findBranch(ctx.store, w);
      if (!b) throw new UserError(`看不懂「${w}」：可写 本支部、全部、逾期、30天。`);
      if (!wide && b.id !== ctx.sender.branchId) throw new UserError('只能查看本支部的截止事项；查看其他支部需要领导或管理员。', { showUsage: false });
      scope = { kind: 'branch', branchId: b.id };
    }
  }
  return { scope, overdueOnly, days, windowed };
}

// The open items of /进度's 逾期事项 and the reminders, as of today: one definition, so the lists agree.
async function collect(ctx: CommandContext, scope: Scope): Promise<DueItem[]> {
  const figureScope = scope.kind === 'mine' ? { personId: ctx.sender.id } : scope.kind === 'branch' ? { branchId: scope.branchId } : {};
  const data = await readLedgerData(ctx.store, figureScope);
  return openItems(data, figureScope, todayOf(ctx)).map((i) => ({ label: `${LABEL[i.kind]} ${i.id}`, text: i.title, deadline: i.deadline, status: i.status, who: i.owners }));
}

/** 逾期, 本周 (to Sunday), 两周内 (to 14 days from today), 以后: each by deadline. */
function grouped(items: readonly DueItem[], today: LocalDate): [string, DueItem[]][] {
  const sunday = addDays(today, 7 - weekday(today));
  const twoWeeks = addDays(today, DEFAULT_DAYS);
  const sorted = [...items].sort(byDeadline);
  const overdue = sorted.filter((i) => isOverdueOn(i, today));
  const open = sorted.filter((i) => !isOverdueOn(i, today));
  return [
    ['逾期', overdue],
    ['本周', open.filter((i) => i.deadline <= sunday)],
    ['两周内', open.filter((i) => i.deadline > sunday && i.deadline <= twoWeeks)],
    ['以后', open.filter((i) => i.deadline > sunday && i.deadline > twoWeeks)],
  ];
}

function byDeadline(a: DueItem, b: DueItem): number {
  return a.deadline < b.deadline ? -1 : a.deadline > b.deadline ? 1 : 0;
}
