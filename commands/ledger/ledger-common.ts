import { textMessage } from '../shared/text.js';
import { reviewButtons } from '../shared/card-actions.js';
import { cardMessage, md } from '../shared/card.js';
import { fitCard } from '../shared/card-fit.js';
import { joinMarkdown, markdown } from '../shared/markdown.js';
import { PROBLEM_SOURCES, type Measure, type Problem, type ProblemSource, type Task } from '../../storage/ledger.js';
import type { Stamp } from '../../storage/records.js';
import { formatDate, parts, toLocalDate, type LocalDate } from '../shared/calendar.js';
import { parseDate } from '../shared/dates.js';
import { mentionsIn } from '../shared/fields.js';
import { calendarGapNote, formatInstant } from './ledger-status.js';
import { UserError, type CommandContext, type Mention, type Reply } from '../types.js';
import { lookup } from '../shared/lookup.js';

/** Field names people write, with the spellings the reports use; the first of each group is the canonical one. */
export const DEADLINE_KEYS = ['时限', '整改时限', '完成时限', '截止时间', '截止', '期限'] as const;
export const PERSON_KEYS = ['负责人', '牵头负责人', '牵头人', '责任人'] as const;

/** The first key of `keys` present in `fields`, by its value. */
export function field(fields: Record<string, string>, keys: readonly string[]): string | undefined {
  for (const k of keys) if (fields[k] !== undefined) return fields[k];
  return undefined;
}

export function todayOf(ctx: CommandContext): LocalDate {
  return toLocalDate(ctx.now);
}

export function stampOf(ctx: CommandContext): Stamp {
  return { by: ctx.sender.id, at: ctx.now.toISOString() };
}

/** A deadline from what the user wrote: not understood, missing or in the past is a UserError naming the field. */
export function parseDeadline(ctx: CommandContext, text: string | undefined, label = '时限'): { date: LocalDate; notes: string[] } {
  if (text === undefined || text.trim() === '') throw new UserError(`缺少${label}：请写 ${label}:<日期>，如 ${label}:12月31日、${label}:下月底。`);
  const parsed = parseDate(text, ctx.now, { calendar: ctx.calendar });
  if (!parsed.ok) throw new UserError(`${label}：${parsed.error}。`);
  const today = todayOf(ctx);
  if (parsed.date < today) {
    throw new UserError(`${label} ${formatDate(parsed.date)} 已经过去（今天是 ${formatDate(today)}），请填写今天或以后的日期。`);
  }
  return { date: parsed.date, notes: parsed.notes.filter((n) => !n.startsWith('该日期早于今天')) };
}

/** `注意：…` lines for the date notes (e.g. a non-working day). */
export function noteLines(notes: readonly string[]): string[] {
  return notes.map((n) => `注意：${n}。`);
}

/**
 * The ⚠ note for deadlines in years whose 调休 days are unknown, told to the sender once per year, then no more
 * (a once-only mark `calendar-note:<year>:<openId>` kept with the command's writes).
 */
export async function calendarNoteOnce(ctx: CommandContext, deadlines: readonly LocalDate[]): Promise<string | undefined> {
  const years = [...new Set(deadlines.map((d) => parts(d).year))].filter((y) => !ctx.calendar.hasCalendarData(y)).sort();
  const untold: number[] = [];
  for (const y of years) if (await ctx.store.markSent(`calendar-note:${y}:${ctx.sender.id}`, 'calendar-note', ctx.now.toISOString())) untold.push(y);
  return calendarGapNote(untold);
}

/** One person named in a field: an @-mention (known to the bot or not), or the name of exactly one known person. */
export async function personField(ctx: CommandContext, value: string | undefined, label: string): Promise<Mention> {
  if (value === undefined || value.trim() === '') throw new UserError(`缺少${label}：请写 ${label}:@某人（在飞书里输入 @ 选择同事）。`);
  const found = mentionsIn(value, ctx.mentions);
  if (found.length > 1) throw new UserError(`${label}只能有一位，收到 ${found.length} 位：${found.map((m) => m.name).join('、')}。`);
  if (found.length === 1) return found[0]!;
  const name = value.trim().replace(/^@/, '');
  const people = await ctx.store.findPeopleByName(name);
  if (people.length === 1) return { openId: people[0]!.id, name: people[0]!.name };
  if (people.length > 1) throw new UserError(`${label}「${name}」有 ${people.length} 位同名同事，请用 @ 选择其中一位。`);
  throw new UserError(`${label}「${name}」不是 @ 提及，也不是已登记的同事：请在飞书里输入 @ 选择同事。`);
}

/** Reads `来源:` as people shorten it (调研, 推动发展, 群众反映, 专项整治). */
export function parseSource(text: string): ProblemSource {
  const t = text.trim();
  const aliases: Record<string, ProblemSource> = { 调研: '调查研究发现', 调查研究: '调查研究发现', 推动发展: '推动发展遇到', 群众反映: '群众反映强烈', 专项整治: '专项整治', 专项: '专项整治' };
  const hit = PROBLEM_SOURCES.find((s) => s === t) ?? lookup(aliases, t);
  if (!hit) throw new UserError(`来源「${t}」不认识：可写 调查研究、推动发展、群众反映；专项整治另写 专项整治:是。`);
  return hit;
}

/** Splits `P12 其余文字` into the number written first and the rest. */
export function leadingRef(args: string): { ref: string; rest: string } {
  const m = /^(\S+)\s*(.*)$/s.exec(args.trim());
  return { ref: m?.[1] ?? '', rest: m?.[2]?.trim() ?? '' };
}

export const PROBLEM_REF = /^[Pp](\d+)$/;
export const MEASURE_REF = /^[Pp](\d+)-(\d+)$/;
export const TASK_REF = /^[Tt](\d+)$/;

/** The problem a `P12` names, or a UserError for a missing or unknown number. */
export async function findProblem(ctx: CommandContext, ref: string): Promise<Problem> {
  const m = PROBLEM_REF.exec(ref);
  if (!m) throw new UserError(ref ? `「${ref}」不是问题编号：问题编号形如 P12。` : '缺少问题编号，如 P12。');
  const p = await ctx.store.getProblem(`P${Number(m[1])}`);
  if (!p) throw new UserError(`没有问题 P${Number(m[1])}。发送 /问题 列表 查看问题清单。`, { showUsage: false });
  return p;
}

export async function findMeasure(ctx: CommandContext, ref: string): Promise<{ measure: Measure; problem: Problem }> {
  const m = MEASURE_REF.exec(ref);
  if (!m) throw new UserError(`「${ref}」不是措施编号：措施编号形如 P12-1。`);
  const id = `P${Number(m[1])}-${Number(m[2])}`;
  const measure = await ctx.store.getMeasure(id);
  if (!measure) throw new UserError(`没有措施 ${id}。发送 /问题 P${Number(m[1])} 查看该问题的措施。`, { showUsage: false });
  return { measure, problem: (await ctx.store.getProblem(measure.problemId))! };
}

export async function findTask(ctx: CommandContext, ref: string): Promise<Task> {
  const m = TASK_REF.exec(ref);
  if (!m) throw new UserError(ref ? `「${ref}」不是督办事项编号：编号形如 T3。` : '缺少督办事项编号，如 T3。');
  const t = await ctx.store.getTask(`T${Number(m[1])}`);
  if (!t) throw new UserError(`没有督办事项 T${Number(m[1])}。发送 /截止 查看你的待办。`, { showUsage: false });
  return t;
}

/** Refuses any change to a voided or closed-out problem. */
export function ensureOpen(p: Problem, doing: string): void {
  if (p.voided) throw new UserError(`${p.id} 已于 ${formatInstant(p.voided.at)} 作废（${p.voided.reason}），不能再${doing}。`, { showUsage: false });
  if (p.status === '已整改销号') throw new UserError(`${p.id} 已整改销号，不能再${doing}。`, { showUsage: false });
}

export function isBranchSecretary(ctx: Pick<CommandContext, 'role' | 'sender'>, branchId: string): boolean {
  return ctx.role === 'secretary' && ctx.sender.branchId === branchId;
}

/** The lead person, the branch's secretary and admins manage a problem (measures, close-out, extension). */
export function mayManage(ctx: Pick<CommandContext, 'role' | 'sender'>, p: Problem): boolean {
  return ctx.role === 'admin' || ctx.sender.id === p.leadPerson || isBranchSecretary(ctx, p.branchId);
}

/** Refuses, naming who may, unless the sender manages the problem (`doing` completes `…可以`, e.g. `申请销号`). */
export async function requireManager(ctx: CommandContext, p: Problem, doing: string): Promise<void> {
  if (mayManage(ctx, p)) return;
  const nameOf = await namesFor(ctx, [p.leadPerson]);
  throw new UserError(`只有 ${p.id} 的牵头负责人（${nameOf(p.leadPerson)}）、「${await branchName(ctx, p.branchId)}」书记或管理员可以${doing}。`, { showUsage: false });
}

/** Reviewers: the branch secretary, leaders and admins. */
export function mayReview(ctx: Pick<CommandContext, 'role' | 'sender'>, branchId: string): boolean {
  return ctx.role === 'admin' || ctx.role === 'leader' || isBranchSecretary(ctx, branchId);
}

/** Display names of people by open_id, looked up once. */
export async function namesFor(ctx: CommandContext, ids: Iterable<string>): Promise<(openId: string) => string> {
  const map = new Map<string, string>();
  for (const id of new Set(ids)) map.set(id, (await ctx.store.getPerson(id))?.name ?? `用户${id.slice(-4)}`);
  return (id) => map.get(id) ?? `用户${id.slice(-4)}`;
}

export async function branchName(ctx: CommandContext, branchId: string | undefined): Promise<string> {
  if (!branchId) return '';
  return (await ctx.store.getBranch(branchId))?.name ?? branchId;
}

/**
 * Tells a branch through its bound group chat(s), the place where its secretary and members follow the ledger;
 * leaders are observers and are not messaged per item. Skips the chat the command came from (the reply is
 * seen there). Without a bound chat it falls back to DMs to `fallback`. Answers what was done, for the reply.
 */
export async function tellBranch(ctx: CommandContext, branchId: string, text: string, fallback: readonly string[] = [], review?: ReviewRequest): Promise<string> {
  const chats = await ctx.store.listChats({ branchId, kind: 'branch' });
  const name = await branchName(ctx, branchId);
  // A review request is a card with 通过/驳回 buttons; it goes to the branch chat even when asked there, so the buttons are seen.
  const content: Reply = review ? reviewCard(text, review) : textMessage(text);
  if (chats.length > 0) {
    // In the branch chat itself the review card is the answer (one event, one message); elsewhere the chat is told.
    if (review && chats.some((c) => c.id === ctx.chat.id)) ctx.reply(content);
    const targets = chats.filter((c) => c.id !== ctx.chat.id);
    for (const c of targets) ctx.notify({ chatId: c.id }, content);
    return targets.length > 0 ? `已通知「${name}」支部群。` : '';
  }
  const people = [...new Set(fallback)].filter((id) => id !== ctx.sender.id);
  for (const id of people) ctx.notify({ openId: id }, content);
  if (people.length === 0) return `「${name}」尚未绑定支部群，未能发出通知。`;
  const nameOf = await namesFor(ctx, people);
  return `「${name}」尚未绑定支部群，已私信通知 ${people.map(nameOf).join('、')}。`;
}

/** What a review card asks for: a close-out or an extension of one problem. */
export interface ReviewRequest {
  ref: string;
  what: 'close' | 'extension';
}

const TITLE_CHARS = 60;

/** A review card with 通过/同意延期 and 驳回 buttons: the first line is the header (plain text, cut short), every body line escaped. */
export function reviewCard(text: string, r: ReviewRequest): Reply {
  const [first = '', ...rest] = text.split('\n');
  const title = first.replace(/^【待审核】/, '待审核 · ');
  const short = [...title].length > TITLE_CHARS;
  const lines = [...(short ? [title] : []), ...rest].map((l) => markdown`${l}`);
  return cardMessage(fitCard(short ? [...title].slice(0, TITLE_CHARS - 1).join('') + '…' : title, [md(joinMarkdown(lines, '\n')), reviewButtons(r.ref, r.what)], { template: 'orange' }));
}

/** The branch secretaries, to be told directly when the branch has no group chat. */
export async function secretariesOf(ctx: CommandContext, branchId: string): Promise<string[]> {
  return (await ctx.store.listPeople({ branchId, role: 'secretary' })).map((p) => p.id);
}

/** Whether a review card was already posted as the answer in this chat (the command then says nothing more). */
export async function answeredByCard(ctx: CommandContext, branchId: string): Promise<boolean> {
  return (await ctx.store.listChats({ branchId, kind: 'branch' })).some((c) => c.id === ctx.chat.id);
}

/** DMs a person unless they sent the command. */
export function tellPerson(ctx: CommandContext, openId: string, text: string): void {
  if (openId !== ctx.sender.id) ctx.notify({ openId }, textMessage(text));
}
