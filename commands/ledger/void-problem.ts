import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { findProblem, leadingRef, stampOf, tellBranch } from './ledger-common.js';
import { formatInstant } from './ledger-status.js';
import { UserError, type Command } from '../types.js';

/** `/作废 P12 <理由>` (admins): a mistaken problem stays visible but leaves every count; nothing is deleted. */
export const voidProblem: Command = {
  name: '作废',
  aliases: ['voidproblem'],
  roles: [],
  summary: '作废误登记的问题（保留可查，不再计入统计）',
  usage: '/作废 P12 <理由>',
  examples: ['/作废 P12 与 P8 重复登记'],
  async run(ctx) {
    const { ref, rest: reason } = leadingRef(ctx.args);
    const p = await findProblem(ctx, ref);
    if (p.voided) throw new UserError(`${p.id} 已于 ${formatInstant(p.voided.at)} 作废（${p.voided.reason}）。`, { showUsage: false });
    if (reason === '') throw new UserError('缺少作废理由。');
    bounded('作废理由', reason);
    const stamp = stampOf(ctx);
    await ctx.store.updateProblem(p.id, { voided: { ...stamp, reason } }, { ...stamp, action: 'void', note: reason });
    const text = `${p.id}（${p.description}）已作废，理由：${reason}。记录保留，可用 /问题 ${p.id} 查看，但不再计入问题数、销号数和措施数。`;
    const told = await tellBranch(ctx, p.branchId, `【作废】${ctx.sender.name}：${text}`);
    ctx.reply(textMessage(`${text}${told ? `\n${told}` : ''}`));
  },
};
