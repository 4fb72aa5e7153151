import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { formatDate } from '../shared/calendar.js';
import type { Problem } from '../../storage/ledger.js';
import { answeredByCard, branchName, ensureOpen, findProblem, findTask, leadingRef, requireManager, MEASURE_REF, noteLines, parseDeadline, secretariesOf, stampOf, TASK_REF, tellBranch, todayOf } from './ledger-common.js';
import { deadlineLine, formatInstant } from './ledger-status.js';
import { extendTask } from './task-extend.js';
import { UserError, type Command, type CommandContext } from '../types.js';

/** `/延期 P12|T3 <新时限> <理由>`: asks for a later deadline (申请延期); the old one stays in the history once approved. */
export const extend: Command = {
  name: '延期',
  aliases: ['extend'],
  roles: ['member', 'secretary', 'leader'],
  summary: '为问题或督办事项申请延期（写明新时限和理由），交书记、领导或交办人审核',
  usage: '/延期 P12 <新时限> <理由>　或　/延期 T3 <新时限> <理由>',
  examples: ['/延期 P12 2027-01-29 省级平台升级推迟，需等待接口开放', '/延期 T3 2027-01-15 需等待年度数据'],
  async run(ctx) {
    const { ref, rest } = leadingRef(ctx.args);
    if (TASK_REF.test(ref)) return extendTask(ctx, await findTask(ctx, ref), rest);
    if (MEASURE_REF.test(ref)) {
      throw new UserError(`延期针对问题：/延期 P${ref.slice(1).split('-')[0]} <新时限> <理由>；措施 ${ref.toUpperCase()} 的时限调整请在理由中说明。`);
    }
    const p = await findProblem(ctx, ref);
    const { ref: dateText, rest: reason } = leadingRef(rest);
    await requestExtension(ctx, p, () => {
      if (dateText === '') throw new UserError(`缺少新时限：写在问题编号之后，如 /延期 ${p.id} 2027-01-29 <理由>。`);
      return parseDeadline(ctx, dateText, '新时限');
    }, reason);
  },
};

/**
 * Puts a problem into 申请延期 with the deadline asked for and asks the branch for a decision (a review card in its
 * chat, else the secretaries privately); `/修改 P12 时限:` moving the deadline later comes here too.
 */
export async function requestExtension(ctx: CommandContext, p: Problem, newDeadline: () => { date: string; notes: string[] }, reason: string): Promise<void> {
  ensureOpen(p, '申请延期');
  const branch = await branchName(ctx, p.branchId);
  await requireManager(ctx, p, '申请延期');
  if (p.status === '申请延期' && p.extensionRequest) {
    throw new UserError(`${p.id} 已于 ${formatInstant(p.extensionRequest.at)} 申请延期至 ${formatDate(p.extensionRequest.deadline)}，正在等待审核，无需重复申请。`, { showUsage: false });
  }
  if (p.status === '待审核') throw new UserError(`${p.id} 已申请销号、正在等待审核，不能同时申请延期。`, { showUsage: false });
  const deadline = newDeadline();
  if (deadline.date <= p.deadline) {
    throw new UserError(`新时限 ${formatDate(deadline.date)} 不晚于现在的时限 ${formatDate(p.deadline)}，无需延期。`);
  }
  if (reason === '') throw new UserError('缺少延期理由：写在新时限之后。');
  bounded('延期理由', reason);
  const stamp = stampOf(ctx);
  const today = todayOf(ctx);
  await ctx.store.updateProblem(
    p.id,
    { status: '申请延期', extensionRequest: { by: stamp.by, at: stamp.at, deadline: deadline.date, reason } },
    { ...stamp, action: 'extend-request', note: `新时限 ${deadline.date}，理由：${reason}` },
  );
  const review = `审核：/审核 ${p.id} 同意延期　或　/审核 ${p.id} 驳回 <理由>（「${branch}」书记、领导或管理员；申请人本人不能审核）`;
  const told = await tellBranch(
    ctx,
    p.branchId,
    [`【待审核】${ctx.sender.name} 申请 ${p.id} 延期：${p.description}`, `现${deadlineLine(p.deadline, today, ctx.calendar)}`, `申请新${deadlineLine(deadline.date, today, ctx.calendar)}`, ...noteLines(deadline.notes), `理由：${reason}`, review].join('\n'),
    await secretariesOf(ctx, p.branchId),
    { ref: p.id, what: 'extension' },
  );
  if (await answeredByCard(ctx, p.branchId)) return;
  ctx.reply(
    textMessage([
      `${p.id} 已申请延期，状态：申请延期。`,
      `现${deadlineLine(p.deadline, today, ctx.calendar)}`,
      `申请新${deadlineLine(deadline.date, today, ctx.calendar)}`,
      ...noteLines(deadline.notes),
      `理由：${reason}`,
      review,
      ...(told ? [told] : []),
    ].join('\n')),
  );
}
