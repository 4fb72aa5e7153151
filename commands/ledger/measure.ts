import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { formatDate } from '../shared/calendar.js';
import { splitFields } from '../shared/fields.js';
import {
  DEADLINE_KEYS,
  ensureOpen,
  field,
  findProblem,
  leadingRef,
  requireManager,
  noteLines,
  parseDeadline,
  PERSON_KEYS,
  personField,
  stampOf,
  tellPerson,
  todayOf,
} from './ledger-common.js';
import { deadlineLine } from './ledger-status.js';
import { UserError, type Command } from '../types.js';

/** `/措施 P12 <内容> 时限:<日期> 负责人:@某人`: adds measure P12-k with its own owner and deadline. */
export const measure: Command = {
  name: '措施',
  aliases: ['measure'],
  roles: ['member', 'secretary', 'leader'],
  summary: '为问题添加整改措施（各有负责人和时限）',
  usage: '/措施 P12 <内容> 时限:<日期> 负责人:@某人',
  examples: ['/措施 P12 建设数据共享交换平台省级对接 时限:下月底 负责人:@李四'],
  async run(ctx) {
    const { ref, rest: body } = leadingRef(ctx.args);
    const p = await findProblem(ctx, ref);
    ensureOpen(p, '添加措施');
    await requireManager(ctx, p, '添加措施');
    const { rest: content, fields } = splitFields(body, [...DEADLINE_KEYS, ...PERSON_KEYS]);
    if (content === '') throw new UserError('缺少措施内容：写在问题编号之后、字段之前。');
    bounded('措施内容', content);
    const owner = await personField(ctx, field(fields, PERSON_KEYS), '负责人');
    const deadline = parseDeadline(ctx, field(fields, DEADLINE_KEYS));
    const m = await ctx.store.addMeasure({ problemId: p.id, content, owner: owner.openId, deadline: deadline.date }, stampOf(ctx));
    const today = todayOf(ctx);
    const lines = [
      `已为 ${p.id} 添加措施 ${m.id}：${m.content}`,
      `负责人：${owner.name}`,
      deadlineLine(m.deadline, today, ctx.calendar),
      ...noteLines(deadline.notes),
      ...(m.deadline > p.deadline ? [`注意：措施时限晚于问题时限 ${formatDate(p.deadline)}，请核对；如问题需要延期，请 /延期 ${p.id} <新时限> <理由>。`] : []),
      `完成后发送：/整改 ${m.id} 完成 <说明>`,
    ];
    ctx.reply(textMessage(lines.join('\n')));
    tellPerson(ctx, owner.openId, [`${ctx.sender.name} 为问题 ${p.id} 添加了整改措施 ${m.id}，由你负责：`, m.content, deadlineLine(m.deadline, today, ctx.calendar), `报告进展：/整改 ${m.id} <进展>；完成：/整改 ${m.id} 完成 <说明>`].join('\n'));
  },
};
