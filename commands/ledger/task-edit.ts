import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { formatDate } from '../shared/calendar.js';
import { mentionsIn, splitFields } from '../shared/fields.js';
import type { Task, TaskAssignee } from '../../storage/ledger.js';
import { DEADLINE_KEYS, field, namesFor, noteLines, parseDeadline, PERSON_KEYS, stampOf, tellPerson, todayOf } from './ledger-common.js';
import { deadlineLine } from './ledger-status.js';
import { ensureTaskOpen, requireTaskManager, tallyLine } from './task-common.js';
import { UserError, type CommandContext } from '../types.js';

export const CONTENT_KEYS = ['内容', '事项内容'] as const;
export const REASON_KEYS = ['理由', '原因'] as const;

/**
 * `/修改 T3 时限:… 负责人:@a [@b] 内容:… 理由:…` by the assigner, the branch secretary or an admin: the deadline
 * moves at once (they are the ones who would approve an extension), 负责人 replaces the assignees (改派: those who
 * stay keep their reports; an accepted report cannot be taken away), each change a history entry with the reason.
 */
export async function editTask(ctx: CommandContext, t: Task, body: string): Promise<void> {
  await requireTaskManager(ctx, t, '修改');
  ensureTaskOpen(t, '修改');
  const { rest, fields } = splitFields(body, [...DEADLINE_KEYS, ...PERSON_KEYS, ...CONTENT_KEYS, ...REASON_KEYS]);
  const reason = field(fields, REASON_KEYS) ?? rest;
  const dateText = field(fields, DEADLINE_KEYS);
  const who = field(fields, PERSON_KEYS);
  const content = field(fields, CONTENT_KEYS);
  if (dateText === undefined && who === undefined && content === undefined) {
    throw new UserError(`没有要修改的字段：可改 时限:、负责人:（改派）、内容:，如 /修改 ${t.id} 负责人:@某人 理由:<理由>。`);
  }
  if (reason.trim() === '') throw new UserError(`缺少修改理由：在末尾写 理由:<理由>，如 /修改 ${t.id} 时限:12月31日 理由:任务范围扩大。`);
  bounded('审核意见', reason);
  if (content !== undefined) bounded('事项内容', content);
  if (content !== undefined && content.trim() === '') throw new UserError('内容不能为空。');
  const stamp = stampOf(ctx);
  const today = todayOf(ctx);
  const lines: string[] = [`已修改督办事项 ${t.id}（理由：${reason}）：`];
  const deadline = dateText !== undefined ? parseDeadline(ctx, dateText) : undefined;
  const assignees = who !== undefined ? reassigned(ctx, t, who) : undefined;
  const oldNames = await namesFor(ctx, [...t.assignees.map((a) => a.openId), ...(assignees?.list.map((a) => a.openId) ?? [])]);

  if (deadline || content !== undefined) {
    await ctx.store.updateTask(t.id, { ...(deadline ? { deadline: deadline.date } : {}), ...(content !== undefined ? { content: content.trim() } : {}) }, { ...stamp, action: 'edit', note: reason });
    if (deadline) lines.push(`${deadlineLine(deadline.date, today, ctx.calendar)}（原时限 ${formatDate(t.deadline)}）`, ...noteLines(deadline.notes));
    if (content !== undefined) lines.push(`内容：${content.trim()}`);
  }
  if (assignees) {
    const from = t.assignees.map((a) => oldNames(a.openId)).join('、');
    const to = assignees.list.map((a) => oldNames(a.openId)).join('、');
    const finished = assignees.list.every((a) => a.acceptedAt);
    await ctx.store.updateTask(t.id, { assignees: assignees.list, ...(finished ? { status: '已办结' as const } : {}) }, { ...stamp, action: 'task-reassign', note: `${from} → ${to}；${reason}` });
    lines.push(`负责人：${from} → ${to}`, `（${tallyLine(assignees.list, oldNames)}）`);
  }
  ctx.reply(textMessage(lines.join('\n')));
  const now = (await ctx.store.getTask(t.id))!;
  const told = [`${ctx.sender.name} 修改了督办事项 ${t.id}：${now.content}`, ...lines.slice(1), `理由：${reason}`].join('\n');
  for (const a of now.assignees) {
    if (a.acceptedAt) continue;
    const fresh = assignees?.added.has(a.openId);
    tellPerson(ctx, a.openId, fresh ? [`${ctx.sender.name} 改派督办事项 ${t.id} 由你负责：${now.content}`, deadlineLine(now.deadline, today, ctx.calendar), `办理后请发送：/完成 ${t.id} <办理结果>`].join('\n') : told);
  }
  for (const id of assignees?.removed ?? []) tellPerson(ctx, id, `${ctx.sender.name} 改派了督办事项 ${t.id}「${now.content}」，不再由你负责。理由：${reason}`);
}

function reassigned(ctx: CommandContext, t: Task, who: string): { list: TaskAssignee[]; added: Set<string>; removed: string[] } {
  const named = mentionsIn(who, ctx.mentions);
  if (named.length === 0) throw new UserError('负责人需要 @ 至少一位同事（在飞书里输入 @ 选择成员）；改派时写出全部负责人。');
  const ids = [...new Set(named.map((m) => m.openId))];
  const kept = new Map(t.assignees.map((a) => [a.openId, a]));
  const dropped = t.assignees.filter((a) => !ids.includes(a.openId));
  const accepted = dropped.find((a) => a.acceptedAt);
  if (accepted) throw new UserError('有负责人的办理结果已经办结，不能改派走：改派时请在负责人中保留已办结的人。', { showUsage: false });
  const list = ids.map((id) => kept.get(id) ?? { openId: id });
  return { list, added: new Set(ids.filter((id) => !kept.has(id))), removed: dropped.map((a) => a.openId) };
}
