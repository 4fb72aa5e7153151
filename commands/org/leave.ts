import { textMessage } from '../shared/text.js';
import { diffDays, formatDate, toLocalDate, type LocalDate } from '../shared/calendar.js';
import { parseDate } from '../shared/dates.js';
import { bounded } from '../shared/limits.js';
import { mentionsIn, withoutMentions } from '../shared/fields.js';
import { covers, type Leave } from '../../storage/leave.js';
import type { Person } from '../../storage/records.js';
import { UserError, type Command, type CommandContext } from '../types.js';

const UNDO = ['取消', '销假', 'cancel'];
const BRANCH = ['本支部', 'branch'];
const DATE = String.raw`(\d{4}-\d{1,2}-\d{1,2}|[^\s\-至到~～—–]+)`;
const RANGE = new RegExp(String.raw`^${DATE}(?:\s*(?:至|到|~|～|—|–|-)\s*${DATE})?(?:\s+([\s\S]*))?$`);
const MAX_DAYS = 366;
const FORM = '\n正确格式：/请假 12月1日-12月5日 [原因]（书记代请：/请假 @张三 12月1日-12月5日 [原因]）';

/**
 * `/请假 [@某人] <开始>[-<结束>] [原因]`, `/请假 取消 L3`, `/请假` (list): while a leave runs, scheduled reminders and
 * quota nags skip the person and meetings mark them 请假. A member asks for themselves; a secretary also for their
 * branch's members; an admin for anyone.
 */
export const leave: Command = {
  name: '请假',
  aliases: ['leave'],
  roles: ['member', 'secretary', 'leader'],
  summary: '登记请假（期间暂停提醒和指标催办，会议自动记为请假）',
  usage: '/请假 <开始>-<结束> [原因]　或　/请假 @某人 <开始>-<结束> [原因]　或　/请假 取消 L编号　或　/请假 本支部',
  examples: ['/请假 12月1日-12月5日 出差', '/请假 @张三 12月1日-12月5日 病假', '/请假 取消 L1', '/请假', '/请假 本支部'],
  async run(ctx) {
    const rest = withoutMentions(ctx.args, ctx.mentions);
    const first = rest.split(' ')[0] ?? '';
    if (UNDO.includes(first.toLowerCase())) return cancel(ctx, rest.slice(first.length).trim());
    if (rest !== '' && BRANCH.includes(rest.toLowerCase())) return listBranch(ctx);
    const found = mentionsIn(ctx.args, ctx.mentions);
    if (found.length > 1) throw new UserError(`一次只能为一位同事请假，收到 ${found.length} 位。`);
    const who = found[0] ? await subject(ctx, found[0].openId, found[0].name) : ctx.sender;
    if (rest === '') return list(ctx, who);
    const m = RANGE.exec(rest);
    if (!m) throw new UserError(`看不懂请假日期「${rest}」。${FORM}`, { showUsage: false });
    const today = toLocalDate(ctx.now);
    const from = day(ctx, m[1]!, today);
    const to = m[2] ? day(ctx, m[2], from) : from;
    if (to < from) throw new UserError(`结束日期 ${formatDate(to)} 早于开始日期 ${formatDate(from)}。${FORM}`, { showUsage: false });
    if (diffDays(from, to) + 1 > MAX_DAYS) throw new UserError(`请假最长 ${MAX_DAYS} 天，收到 ${diffDays(from, to) + 1} 天。`, { showUsage: false });
    const reason = m[3]?.trim() || undefined;
    if (reason) bounded('请假原因', reason, 200);
    const saved = await ctx.store.addLeave({ personId: who.id, from, to, ...(reason ? { reason } : {}), entered: { by: ctx.sender.id, at: ctx.now.toISOString() } });
    const span = from === to ? formatDate(from) : `${formatDate(from)} 至 ${formatDate(to)}，共 ${diffDays(from, to) + 1} 天`;
    ctx.reply(textMessage(`已登记 ${who.name} 请假（${saved.id}）：${span}${reason ? `，原因：${reason}` : ''}。期间不发截止提醒和指标催办，支部会议自动记为请假。取消：/请假 取消 ${saved.id}`));
    if (who.id !== ctx.sender.id) ctx.notify({ openId: who.id }, textMessage(`${ctx.sender.name} 为你登记了请假（${saved.id}）：${span}。如有误可发 /请假 取消 ${saved.id}`));
  },
};

/** The person a leave is for: a secretary may ask for their own branch's members, an admin for anyone. */
async function subject(ctx: CommandContext, openId: string, name: string): Promise<Person> {
  const p = (await ctx.store.getPerson(openId)) ?? { id: openId, name, nameSource: 'mention' as const, role: 'member' as const, created: { by: ctx.sender.id, at: ctx.now.toISOString() } };
  if (p.id === ctx.sender.id || ctx.role === 'admin') return p;
  if (ctx.role === 'secretary' && p.branchId !== undefined && p.branchId === ctx.sender.branchId) return p;
  throw new UserError(ctx.role === 'secretary' ? `${p.name} 不是本支部的成员：书记只能为本支部成员请假。` : '只能为自己请假；为他人登记请由支部书记或管理员操作。', { showUsage: false });
}

/** A date as typed: ahead of `after` unless that would put it a season away, then the latest such date before. */
function day(ctx: CommandContext, text: string, after: LocalDate): LocalDate {
  const ahead = parseDate(text, ctx.now, { calendar: ctx.calendar });
  if (ahead.ok && diffDays(after, ahead.date) <= 180) return ahead.date;
  const past = parseDate(text, ctx.now, { allowPast: true, calendar: ctx.calendar });
  if (past.ok) return past.date;
  if (ahead.ok) return ahead.date;
  throw new UserError(`${ahead.error}${FORM}`, { showUsage: false });
}

async function cancel(ctx: CommandContext, ref: string): Promise<void> {
  const today = toLocalDate(ctx.now);
  const mine = (await ctx.store.listLeaves({ personId: ctx.sender.id, from: today })).filter((l) => !l.voided);
  const id = ref.toUpperCase();
  let target: Leave | undefined;
  if (id) target = (await ctx.store.listLeaves({ includeVoided: true })).find((l) => l.id === id);
  else if (mine.length === 1) target = mine[0];
  else throw new UserError(mine.length === 0 ? '你没有正在进行或将要开始的请假。' : `你有 ${mine.length} 条请假，请写编号：${mine.map((l) => l.id).join('、')}，如 /请假 取消 ${mine[0]!.id}`, { showUsage: false });
  if (!target) throw new UserError(`没有编号为「${ref}」的请假。`, { showUsage: false });
  if (target.voided) throw new UserError(`${target.id} 已经取消过了。`, { showUsage: false });
  await subject(ctx, target.personId, target.personId);
  await ctx.store.voidLeave(target.id, { by: ctx.sender.id, at: ctx.now.toISOString() });
  const name = (await ctx.store.getPerson(target.personId))?.name ?? target.personId;
  ctx.reply(textMessage(`已取消 ${name} 的请假 ${target.id}（${formatDate(target.from)} 至 ${formatDate(target.to)}）。`));
}

async function list(ctx: CommandContext, who: Person): Promise<void> {
  const today = toLocalDate(ctx.now);
  const ahead = await ctx.store.listLeaves({ personId: who.id, from: today });
  if (ahead.length === 0) {
    ctx.reply(textMessage(`${who.name} 没有正在进行或将要开始的请假。登记：/请假 12月1日-12月5日 [原因]`));
    return;
  }
  const lines = [`${who.name} 的请假：`, ...ahead.map((l) => `${l.id} ${formatDate(l.from)} 至 ${formatDate(l.to)}${covers(l, today) ? '（进行中）' : ''}${l.reason ? `，${l.reason}` : ''}`)];
  ctx.reply(textMessage(lines.join('\n')));
}

/** A secretary's (or admin's) view of the branch: who is on leave today and who will be. */
async function listBranch(ctx: CommandContext): Promise<void> {
  if (ctx.role !== 'secretary' && ctx.role !== 'admin') throw new UserError('本支部请假情况由支部书记或管理员查看；查看自己的请发 /请假。', { showUsage: false });
  const branchId = ctx.role === 'secretary' ? ctx.sender.branchId : (ctx.chat.branch?.id ?? ctx.sender.branchId);
  const branch = branchId ? await ctx.store.getBranch(branchId) : undefined;
  if (!branch) throw new UserError('请在支部群里发送（或先归属支部）。', { showUsage: false });
  const today = toLocalDate(ctx.now);
  const people = new Map((await ctx.store.listPeople({ branchId: branch.id })).map((p) => [p.id, p.name]));
  const leaves = (await ctx.store.listLeaves({ from: today })).filter((l) => people.has(l.personId));
  if (leaves.length === 0) {
    ctx.reply(textMessage(`「${branch.name}」今天及以后没有登记的请假。`));
    return;
  }
  const line = (l: Leave) => `${l.id} ${people.get(l.personId)} ${formatDate(l.from)} 至 ${formatDate(l.to)}${covers(l, today) ? '（进行中）' : ''}${l.reason ? `，${l.reason}` : ''}`;
  ctx.reply(textMessage([`「${branch.name}」的请假：`, ...leaves.map(line)]));
}
