import { bounded } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import { formatDate } from '../shared/calendar.js';
import { splitFields } from '../shared/fields.js';
import type { Measure, MeasurePatch, Problem } from '../../storage/ledger.js';
import { DEADLINE_KEYS, ensureOpen, field, namesFor, noteLines, parseDeadline, PERSON_KEYS, personField, requireManager, stampOf, tellPerson, todayOf } from './ledger-common.js';
import { deadlineLine, formatInstant } from './ledger-status.js';
import { CONTENT_KEYS, REASON_KEYS } from './task-edit.js';
import { UserError, type CommandContext } from '../types.js';

const CANCEL = /^(撤销|取消)$/;

/**
 * `/修改 P12-1 时限:… 负责人:@… 内容:… 理由:…` corrects a measure; `/修改 P12-1 撤销 理由:…` cancels one that became
 * moot (已撤销: kept with its history, no longer counted, reminded or blocking close-out). Lead person, secretary, admin.
 */
export async function editMeasure(ctx: CommandContext, m: Measure, p: Problem, body: string): Promise<void> {
  ensureOpen(p, '修改措施');
  await requireManager(ctx, p, '修改措施');
  if (m.cancelled) throw new UserError(`${m.id} 已于 ${formatInstant(m.cancelled.at)} 撤销（${m.cancelled.reason}）。`, { showUsage: false });
  const { rest, fields } = splitFields(body, [...DEADLINE_KEYS, ...PERSON_KEYS, ...CONTENT_KEYS, ...REASON_KEYS]);
  const cancel = CANCEL.test(rest.trim());
  const reason = (field(fields, REASON_KEYS) ?? (cancel ? '' : rest)).trim();
  const dateText = field(fields, DEADLINE_KEYS);
  const who = field(fields, PERSON_KEYS);
  const content = field(fields, CONTENT_KEYS)?.trim();
  if (!cancel && dateText === undefined && who === undefined && content === undefined) {
    throw new UserError(`没有要修改的字段：可改 时限:、负责人:、内容:，或写 撤销，如 /修改 ${m.id} 时限:12月31日 理由:<理由>、/修改 ${m.id} 撤销 理由:<理由>。`);
  }
  if (reason === '') throw new UserError(`缺少理由：在末尾写 理由:<理由>，如 /修改 ${m.id} ${cancel ? '撤销' : '时限:12月31日'} 理由:<理由>。`);
  bounded('审核意见', reason);
  const stamp = stampOf(ctx);
  if (cancel) {
    if (m.status === '已完成') throw new UserError(`${m.id} 已完成，不能撤销。`, { showUsage: false });
    await ctx.store.updateMeasure(m.id, { status: '已撤销', cancelled: { ...stamp, reason } }, { ...stamp, action: 'measure-cancel', note: reason });
    ctx.reply(textMessage(`已撤销措施 ${m.id}：${m.content}\n理由：${reason}\n记录保留，不再计入措施数，也不再提醒。`));
    tellPerson(ctx, m.owner, `${ctx.sender.name} 撤销了由你负责的措施 ${m.id}：${m.content}\n理由：${reason}`);
    return;
  }
  if (m.status === '已完成') throw new UserError(`${m.id} 已完成，不能再修改。`, { showUsage: false });
  const set: MeasurePatch = {};
  const deadline = dateText !== undefined ? parseDeadline(ctx, dateText) : undefined;
  if (deadline) set.deadline = deadline.date;
  const owner = who !== undefined ? await personField(ctx, who, '负责人') : undefined;
  if (owner) set.owner = owner.openId;
  if (content !== undefined) {
    if (content === '') throw new UserError('内容不能为空。');
    set.content = bounded('措施内容', content);
  }
  await ctx.store.updateMeasure(m.id, set, { ...stamp, action: 'edit', note: reason });
  const nameOf = await namesFor(ctx, [m.owner, ...(owner ? [owner.openId] : [])]);
  const today = todayOf(ctx);
  const lines = [`已修改措施 ${m.id}（理由：${reason}）：`];
  if (set.content) lines.push(`内容：${set.content}`);
  if (set.owner) lines.push(`负责人：${nameOf(m.owner)} → ${nameOf(set.owner)}`);
  if (deadline) {
    lines.push(`${deadlineLine(deadline.date, today, ctx.calendar)}（原时限 ${formatDate(m.deadline)}）`, ...noteLines(deadline.notes));
    if (deadline.date > p.deadline) lines.push(`注意：措施时限晚于问题时限 ${formatDate(p.deadline)}；如问题需要延期，请 /延期 ${p.id} <新时限> <理由>。`);
  }
  ctx.reply(textMessage(lines.join('\n')));
  const owns = set.owner ?? m.owner;
  tellPerson(ctx, owns, [`${ctx.sender.name} 修改了${set.owner && set.owner !== m.owner ? '并交由你负责' : '由你负责的'}措施 ${m.id}：${set.content ?? m.content}`, ...lines.slice(1), `理由：${reason}`].join('\n'));
  if (set.owner && set.owner !== m.owner) tellPerson(ctx, m.owner, `${ctx.sender.name} 把措施 ${m.id} 改由 ${nameOf(set.owner)} 负责，理由：${reason}。`);
}
