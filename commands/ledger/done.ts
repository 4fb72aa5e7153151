import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { findTask, leadingRef, namesFor, stampOf } from './ledger-common.js';
import { formatInstant } from './ledger-status.js';
import { ensureTaskOpen, tallyLine, tellTaskChat } from './task-common.js';
import { UserError, type Command } from '../types.js';

/** `/完成 T3 <办理结果>`: an assignee reports back; the assigner then accepts (/办结) or returns (/退回) the report. */
export const done: Command = {
  name: '完成',
  aliases: ['done'],
  roles: ['member', 'secretary', 'leader'],
  summary: '报告督办事项的办理结果（交办人办结或退回）',
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
    ensureTaskOpen(t, '报告办理结果');
    if (mine.acceptedAt) throw new UserError(`你的办理结果已于 ${formatInstant(mine.acceptedAt)} 办结：${mine.result}`, { showUsage: false });
    if (mine.reportedAt) throw new UserError(`你已于 ${formatInstant(mine.reportedAt)} 报告过 ${t.id} 的办理结果：${mine.result}（等待交办人办结或退回）`, { showUsage: false });
    if (result === '') throw new UserError('缺少办理结果：写明办了什么、结果在哪。');
    bounded('办理结果', result);
    const stamp = stampOf(ctx);
    const assignees = t.assignees.map((a) => (a.openId === ctx.sender.id ? { openId: a.openId, reportedAt: stamp.at, result } : a));
    await ctx.store.updateTask(t.id, { assignees }, { ...stamp, action: 'task-report', note: result });
    const decide = `交办人确认：/办结 ${t.id} @${ctx.sender.name}　或　/退回 ${t.id} @${ctx.sender.name} <理由>`;
    ctx.reply(textMessage([`已记录 ${t.id} 的办理结果：${result}`, `（${tallyLine(assignees, nameOf)}）`, `等待交办人 ${nameOf(t.assigner)} 办结或退回。`].join('\n')));
    const told = [`${nameOf(t.assigner)}：督办事项 ${t.id}「${t.content}」，${ctx.sender.name} 已报告办理结果：${result}`, `（${tallyLine(assignees, nameOf)}）`, decide].join('\n');
    // The chat where it was given hears it (as before); the assigner, who decides, is told privately too.
    tellTaskChat(ctx, t, told);
    if (t.assigner !== ctx.sender.id) ctx.notify({ openId: t.assigner }, textMessage(told));
  },
};
