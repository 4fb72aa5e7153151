import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import type { Task, TaskAssignee } from '../../storage/ledger.js';
import { formatDate } from '../shared/calendar.js';
import { mentionsIn, splitFields } from '../shared/fields.js';
import { DEADLINE_KEYS, field, findTask, namesFor, noteLines, parseDeadline, PERSON_KEYS, stampOf, TASK_REF, tellPerson, todayOf } from './ledger-common.js';
import { deadlineLine, formatInstant, renderHistory, taskStatusLabel } from './ledger-status.js';
import { listTasks } from './task-list.js';
import { mayManageTask } from './task-common.js';
import { evidenceLine, evidenceOf } from './evidence-items.js';
import { mayRun, whoMay } from '../org/roles.js';
import { ROLE_NAMES, type Role } from '../../storage/records.js';
import { UserError, type Command, type CommandContext } from '../types.js';

const LIST_WORDS = /^(列表|清单|list)(\s|$)/i;
const ASSIGNERS: readonly Role[] = ['secretary', 'leader'];

/**
 * `/任务 <内容> 时限:<日期> 负责人:@a [@b …]` assigns a task T<n> (secretaries, leaders, admins; from any chat, to
 * anyone, across branches), each assignee told; `/任务 T3` shows one; `/任务 列表 …` lists them (everyone).
 */
export const task: Command = {
  name: '任务',
  aliases: ['task'],
  roles: ['member', 'secretary', 'leader'],
  summary: '交办督办事项（可多人负责）；查看一项事项的办理情况；督办事项列表',
  usage: '/任务 <内容> 时限:<日期> 负责人:@某人 [@某人 …]　或　/任务 T3　或　/任务 列表 [我的|我交办的|本支部|全部] [逾期]',
  examples: ['/任务 撰写数据共享专题调研报告 时限:年底前 负责人:@张三 @李四', '/任务 T3', '/任务 列表 我交办的'],
  async run(ctx) {
    const args = ctx.args.trim();
    if (TASK_REF.test(args)) return show(ctx, await findTask(ctx, args));
    if (LIST_WORDS.test(args)) return listTasks(ctx, args.replace(LIST_WORDS, '').trim());
    if (!mayRun({ roles: ASSIGNERS }, ctx.role)) {
      throw new UserError(`/任务 只有${whoMay(ASSIGNERS)}可以使用；你当前的角色是${ROLE_NAMES[ctx.role]}。督办事项可以查看：/任务 列表、/任务 T3`, { showUsage: false });
    }
    const { rest: content, fields } = splitFields(args, [...DEADLINE_KEYS, ...PERSON_KEYS]);
    if (content === '') throw new UserError('缺少事项内容：写在最前面，字段写在后面。');
    bounded('事项内容', content);
    const who = field(fields, PERSON_KEYS);
    if (who === undefined) throw new UserError('缺少负责人：请写 负责人:@某人，可 @ 多位。');
    const assignees = mentionsIn(who, ctx.mentions);
    if (assignees.length === 0) throw new UserError('负责人需要 @ 至少一位同事（在飞书里输入 @ 选择成员）。');
    const deadline = parseDeadline(ctx, field(fields, DEADLINE_KEYS));
    const branchId = ctx.chat.branch?.id ?? (ctx.role === 'secretary' ? ctx.sender.branchId : undefined);
    const t = await ctx.store.addTask(
      { content, deadline: deadline.date, assigner: ctx.sender.id, chatId: ctx.chat.id, ...(branchId ? { branchId } : {}), assignees: assignees.map((a) => a.openId) },
      stampOf(ctx),
    );
    const today = todayOf(ctx);
    const names = assignees.map((a) => a.name).join('、');
    ctx.reply(
      textMessage([
        `已交办督办事项 ${t.id}：${t.content}`,
        `负责人：${names}${assignees.length > 1 ? '（每人都报告后办结）' : ''}`,
        deadlineLine(t.deadline, today, ctx.calendar),
        ...noteLines(deadline.notes),
        `办理后请发送：/完成 ${t.id} <办理结果>`,
      ].join('\n')),
    );
    for (const a of assignees) {
      tellPerson(ctx, a.openId, [`${ctx.sender.name} 交办给你督办事项 ${t.id}：${t.content}`, deadlineLine(t.deadline, today, ctx.calendar), `负责人：${names}`, `办理后请发送：/完成 ${t.id} <办理结果>`].join('\n'));
    }
  },
};

async function show(ctx: CommandContext, t: Task): Promise<void> {
  const mayView =
    ctx.role === 'admin' ||
    ctx.role === 'leader' ||
    mayManageTask(ctx, t) ||
    t.assignees.some((a) => a.openId === ctx.sender.id) ||
    (t.branchId !== undefined && (ctx.sender.branchId === t.branchId || ctx.chat.branch?.id === t.branchId));
  if (!mayView) throw new UserError(`${t.id} 不是交给你或你所在支部的督办事项：只有交办人、负责人、相关支部成员、领导和管理员可以查看。`, { showUsage: false });
  const nameOf = await namesFor(ctx, [t.assigner, ...t.assignees.map((a) => a.openId), ...t.history.map((e) => e.by)]);
  const today = todayOf(ctx);
  const state = (a: TaskAssignee) =>
    a.acceptedAt
      ? `${formatInstant(a.reportedAt ?? a.acceptedAt)} 已报告：${a.result}；${formatInstant(a.acceptedAt)} 已办结`
      : a.reportedAt
        ? `${formatInstant(a.reportedAt)} 已报告：${a.result}（待办结）`
        : a.returned
          ? `未报告（${formatInstant(a.returned.at)} 被退回：${a.returned.reason}）`
          : '未报告';
  const pending = t.extensionRequest?.pending ? t.extensionRequest : undefined;
  const lines = [
    `${t.id}【${taskStatusLabel(t, today)}】${t.content}`,
    `交办人：${nameOf(t.assigner)}（${formatInstant(t.created.at)}）`,
    deadlineLine(t.deadline, today, ctx.calendar, t.status !== '办理中'),
    ...(pending ? [`延期申请：${nameOf(pending.by)} 申请延至 ${formatDate(pending.deadline)}，理由：${pending.reason}（待审核）`] : []),
    ...(t.cancelled ? [`已取消督办：${formatInstant(t.cancelled.at)}，原因：${t.cancelled.reason}（不再提醒）`] : []),
    '负责人：',
    ...t.assignees.map((a) => `　${nameOf(a.openId)}：${state(a)}`),
    ...evidenceLine(await evidenceOf(ctx, [t.id])),
    '记录：',
    ...t.history.map((e) => `　${renderHistory(e, nameOf)}`),
  ];
  ctx.reply(textMessage(lines.join('\n')));
}
