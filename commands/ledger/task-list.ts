import { textMessage } from '../shared/text.js';
import { formatDate } from '../shared/calendar.js';
import { findBranch } from '../figures/find-branch.js';
import type { Task } from '../../storage/ledger.js';
import { branchName, namesFor, todayOf } from './ledger-common.js';
import { clip, isOverdue, taskStatusLabel } from './ledger-status.js';
import { UserError, type CommandContext } from '../types.js';

const MAX_LINES = 50;
const STATUS_WORDS: Record<string, Task['status']> = { 办理中: '办理中', 已办结: '已办结', 已撤销: '已撤销', 已取消: '已撤销' };
const HELP = '可写 我的、我交办的、本支部、支部名、全部，再加 逾期 或 已办结、已撤销。';

/**
 * `/任务 列表 [我的|我交办的|本支部|<支部名>|全部] [逾期|已办结|已撤销]`: tasks in 办理中 unless a status is named;
 * a branch's tasks are those given in it or to its people (a leader's task reaches across branches).
 */
export async function listTasks(ctx: CommandContext, args: string): Promise<void> {
  const words = args.split(/\s+/).filter(Boolean);
  const overdue = words.includes('逾期');
  const status = words.map((w) => STATUS_WORDS[w]).find((s) => s !== undefined) ?? '办理中';
  const scopes = words.filter((w) => w !== '逾期' && STATUS_WORDS[w] === undefined);
  if (scopes.length > 1) throw new UserError(`看不懂「${scopes.join(' ')}」：${HELP}`);
  const scope = scopes[0] ?? '我的';
  const wide = ctx.role === 'admin' || ctx.role === 'leader';
  const all = await ctx.store.listTasks({ status });
  const people = new Map((await ctx.store.listPeople()).map((p) => [p.id, p.branchId]));
  let title: string;
  let shown: Task[];
  if (scope === '我的') {
    title = `${ctx.sender.name} 负责的督办事项`;
    shown = all.filter((t) => t.assignees.some((a) => a.openId === ctx.sender.id && (status !== '办理中' || !a.acceptedAt)));
  } else if (scope === '我交办的' || scope === '交办') {
    title = `${ctx.sender.name} 交办的督办事项`;
    shown = all.filter((t) => t.assigner === ctx.sender.id);
  } else if (scope === '全部') {
    if (!wide) throw new UserError('只有领导和管理员可以查看全部督办事项；你可以查看：/任务 列表 本支部。', { showUsage: false });
    title = '全局督办事项';
    shown = all;
  } else {
    const b = scope === '本支部' ? await ctx.store.getBranch(ctx.chat.branch?.id ?? ctx.sender.branchId ?? '') : await findBranch(ctx.store, scope);
    if (!b) throw new UserError(scope === '本支部' ? '你还没有归属支部：请在支部群里查看。' : `看不懂「${scope}」：${HELP}`, { showUsage: scope !== '本支部' });
    if (!wide && b.id !== ctx.sender.branchId) throw new UserError('只能查看本支部的督办事项；查看其他支部需要领导或管理员。', { showUsage: false });
    title = `「${await branchName(ctx, b.id)}」督办事项`;
    shown = all.filter((t) => t.branchId === b.id || t.assignees.some((a) => people.get(a.openId) === b.id));
  }
  const today = todayOf(ctx);
  if (overdue) shown = shown.filter((t) => isOverdue(t.deadline, today, t.status !== '办理中'));
  shown.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.number - b.number);
  const head = `${title}（${status}${overdue ? '，逾期' : ''}）`;
  if (shown.length === 0) return ctx.reply(textMessage(`${head}：没有。`));
  const nameOf = await namesFor(ctx, shown.flatMap((t) => [t.assigner, ...t.assignees.map((a) => a.openId)]));
  const who = (t: Task) => t.assignees.map((a) => `${nameOf(a.openId)}${a.acceptedAt ? '（已办结）' : a.reportedAt ? '（已报告）' : a.returned ? '（被退回）' : ''}`).join('、');
  const lines = [`${head}：${shown.length} 项`];
  for (const t of shown.slice(0, MAX_LINES)) lines.push(`${t.id}【${taskStatusLabel(t, today)}】${clip(t.content)} — 交办人 ${nameOf(t.assigner)}，负责人 ${who(t)}，时限 ${formatDate(t.deadline)}`);
  if (shown.length > MAX_LINES) lines.push(`…另有 ${shown.length - MAX_LINES} 项。`);
  lines.push('查看详情：/任务 T编号');
  ctx.reply(textMessage(lines.join('\n')));
}
