import { oneMention, splitFields } from '../../shared/fields.js';
import { bounded } from '../../shared/limits.js';
import { textMessage } from '../../shared/text.js';
import { resolveDate } from '../../study/study-log.js';
import { formatDate } from '../../shared/calendar.js';
import { UserError, type Command } from '../../types.js';

/** `/补学 S12 @王五 [内容] [日期:…]`: a member who was on leave or absent made the meeting up; recorded against it. */
export const makeup: Command = {
  name: '补学',
  aliases: ['makeup'],
  roles: ['member', 'secretary', 'leader'],
  summary: '登记请假或缺席的同志已补学某次会议（记在该会议记录上）',
  usage: '/补学 <会议编号> [@某人] [补学内容] [日期:<日期>]',
  examples: ['/补学 S12 @王五 自学会议传达的文件精神', '/补学 S12 日期:昨天'],
  async run(ctx) {
    const { rest, fields } = splitFields(ctx.args, ['日期']);
    const [ref = '', ...words] = rest.split(' ').filter(Boolean);
    const rec = /^s\d+$/i.test(ref) ? await ctx.store.getStudyRecord(ref.toUpperCase()) : undefined;
    if (!rec?.meeting || rec.voided) throw new UserError(ref ? `${ref} 不是一次会议记录（/会议 登记的）。` : '请写会议编号，如 /补学 S12 @王五。');
    const who = ctx.mentions.length ? oneMention(rest, ctx.mentions, '补学') : { openId: ctx.sender.id, name: ctx.sender.name };
    const note = words.filter((w) => w !== `@${who.name}`).join(' ');
    if (note) bounded('补学内容', note);
    const m = rec.meeting;
    const missed = m.absent.includes(who.openId) || m.leave.some((l) => l.personId === who.openId);
    if (!missed) throw new UserError(`${who.name} 没有在 ${rec.id} 中记为请假或缺席，无需补学。`, { showUsage: false });
    if (m.makeups?.some((x) => x.personId === who.openId)) throw new UserError(`${who.name} 已登记过 ${rec.id} 的补学。`, { showUsage: false });
    const own = who.openId === ctx.sender.id;
    const mayEnter = own || ctx.role === 'admin' || rec.entered.by === ctx.sender.id || (ctx.role === 'secretary' && rec.branchId !== undefined && rec.branchId === ctx.sender.branchId);
    if (!mayEnter) throw new UserError('补学由本人、会议登记人或支部书记登记。', { showUsage: false });
    const { date } = resolveDate(ctx, fields['日期']);
    if (date < rec.date) throw new UserError(`补学日期 ${formatDate(date)} 早于会议日期 ${formatDate(rec.date)}。`);
    await ctx.store.addMakeup(rec.id, { personId: who.openId, date, ...(note ? { note } : {}), entered: { by: ctx.sender.id, at: ctx.now.toISOString() } });
    ctx.reply(textMessage(`已记录 ${who.name} ${formatDate(date)} 补学 ${rec.id}（${formatDate(rec.date)}${m.kind}「${rec.content}」）${note ? `：${note}` : ''}。`));
  },
};
