import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { findTask, leadingRef, namesFor, stampOf, tellPerson } from './ledger-common.js';
import { ensureTaskOpen, pickReported, requireTaskManager, tallyLine, tellTaskChat } from './task-common.js';
import type { Command } from '../types.js';

/** `/办结 T3 [@某人] [意见]`: the assigner accepts one assignee's report; the task is 已办结 once every report is accepted. */
export const accept: Command = {
  name: '办结',
  aliases: ['accept'],
  roles: ['secretary', 'leader'],
  summary: '交办人认可负责人报告的办理结果（全部认可后事项办结）',
  usage: '/办结 T3 [@负责人] [意见]',
  examples: ['/办结 T3 @张三', '/办结 T3 @李四 报告质量很好'],
  async run(ctx) {
    const { ref, rest } = leadingRef(ctx.args);
    const t = await findTask(ctx, ref);
    await requireTaskManager(ctx, t, '办结');
    ensureTaskOpen(t, '办结');
    const { assignee, rest: opinion } = await pickReported(ctx, t, rest, '办结');
    bounded('审核意见', opinion);
    const stamp = stampOf(ctx);
    const assignees = t.assignees.map((a) => (a.openId === assignee.openId ? { ...a, acceptedAt: stamp.at, acceptedBy: stamp.by } : a));
    const finished = assignees.every((a) => a.acceptedAt);
    const nameOf = await namesFor(ctx, assignees.map((a) => a.openId));
    const who = nameOf(assignee.openId);
    await ctx.store.updateTask(t.id, { assignees, ...(finished ? { status: '已办结' as const } : {}) }, { ...stamp, action: 'task-accept', note: `${who}：${assignee.result ?? ''}${opinion ? `；意见：${opinion}` : ''}` });
    const tally = tallyLine(assignees, nameOf);
    const lines = [`已办结 ${who} 对 ${t.id} 的办理结果：${assignee.result ?? ''}`, ...(opinion ? [`意见：${opinion}`] : []), `（${tally}）`];
    ctx.reply(textMessage(lines.join('\n')));
    tellPerson(ctx, assignee.openId, [`${ctx.sender.name} 已办结你对督办事项 ${t.id}「${t.content}」的办理结果。`, ...(opinion ? [`意见：${opinion}`] : [])].join('\n'));
    if (finished) tellTaskChat(ctx, t, `督办事项 ${t.id}「${t.content}」已办结（${tally}）。`);
  },
};
