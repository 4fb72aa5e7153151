import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { diffDays, formatDate, toLocalDate } from '../shared/calendar.js';
import { describeRecord, namesOf } from './study-log.js';
import { UserError, type Command } from '../types.js';

const VOID_DAYS = 7;

/** `/撤销 S105 [原因]`: the author, the person it was logged for, or their secretary voids a record; it stays in the ledger. */
export const voidRecord: Command = {
  name: '撤销',
  aliases: ['void'],
  roles: ['member', 'secretary', 'leader'],
  summary: '撤销一条学习记录（7 天内；记录保留在台账中，标明撤销，不再计入）',
  usage: '/撤销 <记录号> [原因]',
  examples: ['/撤销 S105 重复登记'],
  async run(ctx) {
    const [word = '', ...why] = ctx.args.split(' ').filter(Boolean);
    const id = word.toUpperCase();
    if (!/^S\d+$/.test(id)) throw new UserError(word ? `记录号「${word}」不对：学习记录号形如 S105。` : '缺少记录号：学习记录号形如 S105，登记时的回复里有。');
    const rec = await ctx.store.getStudyRecord(id);
    if (!rec) throw new UserError(`没有 ${id} 这条学习记录。`, { showUsage: false });
    if (rec.voided) {
      const by = (await ctx.store.getPerson(rec.voided.by))?.name ?? rec.voided.by;
      throw new UserError(`${id} 已于 ${formatDate(toLocalDate(new Date(rec.voided.at)))} 由 ${by} 撤销。`, { showUsage: false });
    }
    const own = rec.entered.by === ctx.sender.id || rec.personId === ctx.sender.id;
    const organiser = await ctx.store.getPerson(rec.personId);
    const branchId = rec.branchId ?? organiser?.branchId;
    const theirSecretary = ctx.role === 'secretary' && ctx.sender.branchId !== undefined && ctx.sender.branchId === branchId;
    if (ctx.role !== 'admin' && !own && !theirSecretary) {
      throw new UserError(`只有登记人、${organiser?.name ?? '本人'}或其支部书记可以撤销 ${id}。`, { showUsage: false });
    }
    const age = diffDays(toLocalDate(new Date(rec.entered.at)), toLocalDate(ctx.now));
    if (ctx.role !== 'admin' && age > VOID_DAYS) {
      throw new UserError(`${id} 登记已超过 ${VOID_DAYS} 天，不能自行撤销；如需更正，请联系管理员。`, { showUsage: false });
    }
    const reason = bounded('撤销原因', why.join(' '));
    await ctx.store.voidStudyRecord(id, { by: ctx.sender.id, at: ctx.now.toISOString(), ...(reason ? { reason } : {}) });
    const names = await namesOf(ctx, rec);
    ctx.reply(textMessage(`已撤销 ${id}：${describeRecord(rec)}${reason ? `（原因：${reason}）` : ''}。记录保留在台账中并标明撤销，不再计入 ${names.join('、')}。`));
  },
};
