import type { Task, TaskAssignee } from '../../storage/ledger.js';
import { textMessage } from '../shared/text.js';
import { mentionsIn } from '../shared/fields.js';
import { branchName, isBranchSecretary, namesFor } from './ledger-common.js';
import { formatInstant } from './ledger-status.js';
import { UserError, type CommandContext } from '../types.js';

/** The assigner, the secretary of the task's branch and admins manage a task (deadline, assignees, cancel, accept). */
export function mayManageTask(ctx: Pick<CommandContext, 'role' | 'sender'>, t: Task): boolean {
  return ctx.role === 'admin' || ctx.sender.id === t.assigner || (t.branchId !== undefined && isBranchSecretary(ctx, t.branchId));
}

/** Refuses, naming who may, unless the sender manages the task (`doing` completes `…可以`, e.g. `取消督办`). */
export async function requireTaskManager(ctx: CommandContext, t: Task, doing: string): Promise<void> {
  if (mayManageTask(ctx, t)) return;
  const nameOf = await namesFor(ctx, [t.assigner]);
  const branch = await branchName(ctx, t.branchId);
  throw new UserError(`只有 ${t.id} 的交办人（${nameOf(t.assigner)}）${branch ? `、「${branch}」书记` : ''}或管理员可以${doing}。`, { showUsage: false });
}

/** Refuses any change to a cancelled or finished task. */
export function ensureTaskOpen(t: Task, doing: string): void {
  if (t.cancelled) throw new UserError(`${t.id} 已于 ${formatInstant(t.cancelled.at)} 取消督办（${t.cancelled.reason}），不能再${doing}。`, { showUsage: false });
  if (t.status === '已办结') throw new UserError(`${t.id} 已办结，不能再${doing}。`, { showUsage: false });
}

/**
 * The assignee a `/办结` or `/退回` names: the one @-mentioned, or, with none mentioned, the only one whose report
 * awaits a decision. Answers the assignee and the text left once the mention is removed.
 */
export async function pickReported(ctx: CommandContext, t: Task, text: string, verb: string): Promise<{ assignee: TaskAssignee; rest: string }> {
  const nameOf = await namesFor(ctx, t.assignees.map((a) => a.openId));
  const named = mentionsIn(text, ctx.mentions);
  let rest = text;
  for (const m of named) rest = rest.split(`@${m.name}`).join(' ');
  rest = rest.replace(/\s+/g, ' ').trim();
  const awaiting = t.assignees.filter((a) => a.reportedAt && !a.acceptedAt);
  if (named.length > 1) throw new UserError(`一次只能${verb}一位负责人的报告，收到 ${named.length} 位：${named.map((m) => m.name).join('、')}。`);
  if (named.length === 1) {
    const a = t.assignees.find((x) => x.openId === named[0]!.openId);
    if (!a) throw new UserError(`${named[0]!.name} 不是 ${t.id} 的负责人（负责人：${t.assignees.map((x) => nameOf(x.openId)).join('、')}）。`, { showUsage: false });
    if (a.acceptedAt) throw new UserError(`${nameOf(a.openId)} 的报告已于 ${formatInstant(a.acceptedAt)} 办结。`, { showUsage: false });
    if (!a.reportedAt) throw new UserError(`${nameOf(a.openId)} 还没有报告 ${t.id} 的办理结果，无可${verb}。`, { showUsage: false });
    return { assignee: a, rest };
  }
  if (awaiting.length === 1) return { assignee: awaiting[0]!, rest };
  if (awaiting.length === 0) throw new UserError(`${t.id} 没有等待${verb}的办理结果。`, { showUsage: false });
  throw new UserError(`${t.id} 有 ${awaiting.length} 位负责人的报告待处理（${awaiting.map((a) => nameOf(a.openId)).join('、')}），请 @ 其中一位。`);
}

/** `1/2 人已报告，待：李四` · `2/2 人已报告，待交办人办结：张三` · `2/2 人已办结，事项已办结`: where the task stands. */
export function tallyLine(assignees: readonly TaskAssignee[], nameOf: (id: string) => string): string {
  const n = assignees.length;
  const unreported = assignees.filter((a) => !a.reportedAt).map((a) => nameOf(a.openId));
  const undecided = assignees.filter((a) => a.reportedAt && !a.acceptedAt).map((a) => nameOf(a.openId));
  if (unreported.length > 0) return `${n - unreported.length}/${n} 人已报告，待：${unreported.join('、')}`;
  if (undecided.length > 0) return `${n}/${n} 人已报告，待交办人办结：${undecided.join('、')}`;
  return `${n}/${n} 人已办结，事项已办结`;
}

/** Tells the chat where the task was given, unless the command came from there (its reply is seen there). */
export function tellTaskChat(ctx: CommandContext, t: Task, text: string): void {
  if (t.chatId !== ctx.chat.id) ctx.notify({ chatId: t.chatId }, textMessage(text));
}
