import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { findTask, leadingRef, namesFor, stampOf } from './ledger-common.js';
import { formatInstant } from './ledger-status.js';
import { UserError, type Command } from '../types.js';

/** `/完成 T3 <办理结果>`: an assignee reports back; the assigner is told where the task was given; done when all have. */
export const done: Command = {
  name: '完成',
  aliases: ['done'],
  roles: ['member', 'secretary', 'leader'],
  summary: '报告督办事项的办理结果',
  usage: '/完成 T3 <办理结果>',
  examples: ['/完成 T3 调研报告已报送局党组，见附件'],
  async run(ctx) {
    const { ref, rest: result } = leadingRef(ctx.args);
    const t = await findTask(ctx, ref);
    const nameOf = await namesFor(ctx, [t.assigner, ...t.assignees.map((a) => a.openId)]);
    const mine = t.assignees.find((a) => a.openId === ctx.sender.id);
    if (!mine) {
      throw new UserError(`只有 ${t.id} 的负责人（${t.assignees.map((a) => nameOf(a.openId)).join('、')}）可以报告办理结果。`, { showUsage: false });
    }
    if (mine.reportedAt) throw new UserError(`你已于 ${formatInstant(mine.reportedAt)} 报告过 ${t.id} 的办理结果：${mine.result}`, { showUsage: false });
    if (t.status === '已办结') throw new UserError(`${t.id} 已办结。`, { showUsage: false });
    if (result === '') throw new UserError('缺少办理结果：写明办了什么、结果在哪。');
    bounded('办理结果', result);
    const stamp = stampOf(ctx);
    const assignees = t.assignees.map((a) => (a.openId === ctx.sender.id ? { ...a, reportedAt: stamp.at, result } : a));
    const waiting = assignees.filter((a) => !a.reportedAt);
    const finished = waiting.length === 0;
    await ctx.store.updateTask(t.id, { assignees, ...(finished ? { status: '已办结' as const } : {}) }, { ...stamp, action: 'task-report', note: result });
    const tally = `${assignees.length - waiting.length}/${assignees.length} 人已报告`;
    const state = finished ? `${tally}，事项已办结` : `${tally}，待：${waiting.map((a) => nameOf(a.openId)).join('、')}`;
    ctx.reply(textMessage(`已记录 ${t.id} 的办理结果：${result}\n（${state}）`));
    if (t.chatId !== ctx.chat.id) {
      ctx.notify({ chatId: t.chatId }, textMessage(`${nameOf(t.assigner)}：督办事项 ${t.id}「${t.content}」，${ctx.sender.name} 已报告办理结果：${result}\n（${state}）`));
    }
  },
};
