import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { findTask, leadingRef, stampOf, tellPerson } from './ledger-common.js';
import { formatInstant } from './ledger-status.js';
import { requireTaskManager, tellTaskChat } from './task-common.js';
import { UserError, type Command } from '../types.js';

/**
 * `/取消督办 T3 <原因>`: a task given by mistake or no longer needed is cancelled (已撤销): it stays readable with its
 * history but is never reminded or escalated again. Not `/撤销`, which voids a study record.
 */
export const cancelTask: Command = {
  name: '取消督办',
  aliases: ['canceltask'],
  roles: ['secretary', 'leader'],
  summary: '取消误交办或不再需要的督办事项（写明原因；保留记录，不再提醒）',
  usage: '/取消督办 T3 <原因>',
  examples: ['/取消督办 T3 交办对象有误，已重新交办 T4'],
  async run(ctx) {
    const { ref, rest: reason } = leadingRef(ctx.args);
    const t = await findTask(ctx, ref);
    await requireTaskManager(ctx, t, '取消督办');
    if (t.cancelled) throw new UserError(`${t.id} 已于 ${formatInstant(t.cancelled.at)} 取消督办（${t.cancelled.reason}）。`, { showUsage: false });
    if (t.status === '已办结') throw new UserError(`${t.id} 已办结，不能取消。`, { showUsage: false });
    if (reason === '') throw new UserError(`缺少取消原因，如 /取消督办 ${t.id} 交办对象有误。`);
    bounded('撤销原因', reason);
    const stamp = stampOf(ctx);
    await ctx.store.updateTask(t.id, { status: '已撤销', cancelled: { ...stamp, reason }, ...(t.extensionRequest?.pending ? { extensionRequest: { ...t.extensionRequest, pending: false } } : {}) }, { ...stamp, action: 'task-cancel', note: reason });
    const text = `督办事项 ${t.id}「${t.content}」已由 ${ctx.sender.name} 取消督办，原因：${reason}。记录保留，不再提醒。`;
    ctx.reply(textMessage(`${text}\n查看：/任务 ${t.id}`));
    for (const a of t.assignees) if (!a.acceptedAt) tellPerson(ctx, a.openId, text);
    tellTaskChat(ctx, t, text);
  },
};
