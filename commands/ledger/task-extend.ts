import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { formatDate } from '../shared/calendar.js';
import type { Task } from '../../storage/ledger.js';
import { leadingRef, namesFor, noteLines, parseDeadline, reviewCard, stampOf, tellPerson, todayOf } from './ledger-common.js';
import { deadlineLine, formatInstant } from './ledger-status.js';
import { ensureTaskOpen, mayManageTask } from './task-common.js';
import { UserError, type CommandContext } from '../types.js';

/**
 * `/延期 T3 <新时限> <理由>`: an assignee asks and the assigner (or the branch secretary, a leader, an admin) decides
 * with `/审核 T3 同意延期|驳回`, as for problems; the assigner, secretary or admin asking moves it at once.
 */
export async function extendTask(ctx: CommandContext, t: Task, rest: string): Promise<void> {
  ensureTaskOpen(t, '申请延期');
  const manager = mayManageTask(ctx, t);
  const mine = t.assignees.find((a) => a.openId === ctx.sender.id);
  const nameOf = await namesFor(ctx, [t.assigner, ...t.assignees.map((a) => a.openId)]);
  if (!manager && !mine) throw new UserError(`只有 ${t.id} 的负责人（${t.assignees.map((a) => nameOf(a.openId)).join('、')}）可以申请延期。`, { showUsage: false });
  const pending = t.extensionRequest?.pending ? t.extensionRequest : undefined;
  if (pending && !manager) {
    throw new UserError(`${t.id} 已于 ${formatInstant(pending.at)} 申请延期至 ${formatDate(pending.deadline)}，正在等待交办人审核，无需重复申请。`, { showUsage: false });
  }
  const { ref: dateText, rest: reason } = leadingRef(rest);
  if (dateText === '') throw new UserError(`缺少新时限：写在事项编号之后，如 /延期 ${t.id} 2027-01-29 <理由>。`);
  const deadline = parseDeadline(ctx, dateText, '新时限');
  if (deadline.date <= t.deadline) throw new UserError(`新时限 ${formatDate(deadline.date)} 不晚于现在的时限 ${formatDate(t.deadline)}，无需延期。`);
  if (reason === '') throw new UserError('缺少延期理由：写在新时限之后。');
  bounded('延期理由', reason);
  const stamp = stampOf(ctx);
  const today = todayOf(ctx);
  const request = { by: stamp.by, at: stamp.at, deadline: deadline.date, reason };
  if (manager) {
    await ctx.store.updateTask(t.id, { deadline: deadline.date, extensionRequest: { ...request, pending: false } }, { ...stamp, action: 'extend-approve', note: reason });
    const text = [`督办事项 ${t.id} 延期：${t.content}`, `${deadlineLine(deadline.date, today, ctx.calendar)}（原时限 ${formatDate(t.deadline)}，保留在记录中）`, ...noteLines(deadline.notes), `理由：${reason}`];
    ctx.reply(textMessage([...text, ...(pending ? [`（${nameOf(pending.by)} 的延期申请随之结束）`] : [])].join('\n')));
    for (const a of t.assignees) if (!a.acceptedAt) tellPerson(ctx, a.openId, [`${ctx.sender.name} 将督办事项 ${t.id} 延期。`, ...text.slice(1)].join('\n'));
    return;
  }
  await ctx.store.updateTask(t.id, { extensionRequest: { ...request, pending: true } }, { ...stamp, action: 'extend-request', note: `新时限 ${deadline.date}，理由：${reason}` });
  const review = `审核：/审核 ${t.id} 同意延期　或　/审核 ${t.id} 驳回 <理由>（交办人、书记、领导或管理员；申请人本人不能审核）`;
  const body = [`【待审核】${ctx.sender.name} 申请督办事项 ${t.id} 延期：${t.content}`, `现${deadlineLine(t.deadline, today, ctx.calendar)}`, `申请新${deadlineLine(deadline.date, today, ctx.calendar)}`, ...noteLines(deadline.notes), `理由：${reason}`, review];
  // The assigner decides; the card with 同意延期 / 驳回 goes to them privately.
  ctx.notify({ openId: t.assigner }, reviewCard(body.join('\n'), { ref: t.id, what: 'extension' }));
  ctx.reply(textMessage([`${t.id} 已申请延期，等待交办人 ${nameOf(t.assigner)} 审核。`, ...body.slice(1)].join('\n')));
}

/** `/审核 T3 同意延期|驳回 <理由>` on a task's pending extension: by the assigner, the branch secretary, a leader or an admin, never the requester. */
export async function decideTaskExtension(ctx: CommandContext, t: Task, approve: boolean, remark: string): Promise<void> {
  const request = t.extensionRequest?.pending ? t.extensionRequest : undefined;
  if (t.cancelled) throw new UserError(`${t.id} 已取消督办，无需审核。`, { showUsage: false });
  if (!request) throw new UserError(`${t.id} 没有等待审核的延期申请。`, { showUsage: false });
  if (!mayManageTask(ctx, t) && ctx.role !== 'leader') throw new UserError(`只有 ${t.id} 的交办人、书记、领导或管理员可以审核延期。`, { showUsage: false });
  if (ctx.sender.id === request.by) throw new UserError(`你是 ${t.id} 的延期申请人，不能审核自己的申请。`, { showUsage: false });
  if (!approve && remark === '') throw new UserError(`驳回需要写明理由，如 /审核 ${t.id} 驳回 时间足够。`);
  const stamp = stampOf(ctx);
  const today = todayOf(ctx);
  const settled = { ...request, pending: false };
  let lines: string[];
  if (approve) {
    await ctx.store.updateTask(t.id, { deadline: request.deadline, extensionRequest: settled }, { ...stamp, action: 'extend-approve', note: remark || request.reason });
    lines = [`${t.id} 同意延期。`, `${deadlineLine(request.deadline, today, ctx.calendar)}（原时限 ${formatDate(t.deadline)}，保留在记录中）`, `延期理由：${request.reason}`, ...(remark ? [`审核意见：${remark}`] : [])];
  } else {
    await ctx.store.updateTask(t.id, { extensionRequest: settled }, { ...stamp, action: 'extend-reject', note: remark });
    lines = [`${t.id} 延期申请已驳回，时限不变。`, deadlineLine(t.deadline, today, ctx.calendar), `理由：${remark}`];
  }
  ctx.reply(textMessage(lines.join('\n')));
  tellPerson(ctx, request.by, [`${ctx.sender.name} 审核了你对督办事项 ${t.id} 的延期申请：`, ...lines].join('\n'));
}
