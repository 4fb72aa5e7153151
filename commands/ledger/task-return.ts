import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { findTask, leadingRef, namesFor, stampOf, tellPerson, todayOf } from './ledger-common.js';
import { deadlineLine } from './ledger-status.js';
import { ensureTaskOpen, pickReported, requireTaskManager, tallyLine } from './task-common.js';
import { UserError, type Command } from '../types.js';

/** `/退回 T3 [@某人] <理由>`: the assigner returns a report; that assignee owes a result again and is back on the reminder ladder. */
export const returnReport: Command = {
  name: '退回',
  aliases: ['return'],
  roles: ['secretary', 'leader'],
  summary: '交办人退回负责人报告的办理结果（写明理由，负责人重新办理）',
  usage: '/退回 T3 [@负责人] <理由>',
  examples: ['/退回 T3 @张三 缺少对策建议部分'],
  async run(ctx) {
    const { ref, rest } = leadingRef(ctx.args);
    const t = await findTask(ctx, ref);
    await requireTaskManager(ctx, t, '退回办理结果');
    ensureTaskOpen(t, '退回办理结果');
    const { assignee, rest: reason } = await pickReported(ctx, t, rest, '退回');
    if (reason === '') throw new UserError(`退回需要写明理由，如 /退回 ${t.id} @某人 缺少对策建议部分。`);
    bounded('审核意见', reason);
    const stamp = stampOf(ctx);
    const assignees = t.assignees.map((a) => (a.openId === assignee.openId ? { openId: a.openId, returned: { by: stamp.by, at: stamp.at, reason } } : a));
    const nameOf = await namesFor(ctx, assignees.map((a) => a.openId));
    const who = nameOf(assignee.openId);
    await ctx.store.updateTask(t.id, { assignees }, { ...stamp, action: 'task-return', note: `${who}：${reason}` });
    ctx.reply(textMessage([`已退回 ${who} 对 ${t.id} 的办理结果，理由：${reason}`, `（${tallyLine(assignees, nameOf)}）`, `${who} 重新办理后再报告；到期前后仍按时提醒。`].join('\n')));
    tellPerson(
      ctx,
      assignee.openId,
      [`${ctx.sender.name} 退回了你对督办事项 ${t.id}「${t.content}」的办理结果。`, `理由：${reason}`, deadlineLine(t.deadline, todayOf(ctx), ctx.calendar), `重新办理后请发送：/完成 ${t.id} <办理结果>`].join('\n'),
    );
  },
};
