import { bounded, LIMITS } from '../shared/limits.js';
import { textMessage } from '../shared/text.js';
import type { Person } from '../../storage/records.js';
import { participantsOf, type Form, type StudyRecord } from '../../storage/study.js';
import { diffDays, formatDate, toLocalDate } from '../shared/calendar.js';
import { parseDate } from '../shared/dates.js';
import { DURATION_EXAMPLES, extractDuration, formatDuration } from '../shared/duration.js';
import { fieldsText, mentionsIn, missingFieldsError, oneMention, splitFields, withoutMentions, type MissingField } from '../shared/fields.js';
import { UserError, type CommandContext } from '../types.js';
import { findBranch } from '../figures/find-branch.js';
import { notOnRoster } from '../org/meetings/roster.js';

/** Named fields every logging command accepts (`形式:` only in /学习). */
export const LOG_FIELDS = ['参加', '日期', '代录', '心得', '支部', '地点'] as const;

/** What a logging command read from its own text before the shared checks. */
export interface ActivityDraft {
  form: Form;
  minutes?: number;
  content: string;
  /** What the content is called in an error: 学习内容, 活动名称, 题目, 课题. */
  what: string;
  fields: Record<string, string>;
}

const MEMBER_DAYS_BACK = 30;
// `… 确认` at the end: the sender saw the question about a long day and means it.
const CONFIRM = /(?:^|[\s,，])确认$/;
const LONG_DAY_MINUTES = 12 * 60;
const SECRETARY_DAYS_BACK = 366;

/** Splits a logging command's arguments into words and fields, refusing @-mentions outside `参加:` and `代录:`. */
export function readArgs(ctx: CommandContext, keys: readonly string[]): { words: string[]; fields: Record<string, string> } {
  const { rest, fields } = splitFields(ctx.args.replace(CONFIRM, ''), keys);
  const stray = mentionsIn(rest, ctx.mentions);
  if (stray.length > 0) {
    throw new UserError(`要把 ${stray.map((m) => m.name).join('、')} 计入本次活动，请写在 参加: 后面，如 参加:@${stray[0]!.name}。`);
  }
  return { words: rest.split(' ').filter(Boolean), fields };
}

/** The duration among the words: required unless `optional`, rejected when zero or over 24 h. */
export function takeDuration(words: string[], opts: { optional?: boolean } = {}): { minutes?: number; words: string[] } {
  const { duration, rest } = extractDuration(words);
  if (!duration) {
    if (opts.optional) return { words: rest };
    throw new UserError(`缺少时长：请写本次用时，如 ${DURATION_EXAMPLES}。`);
  }
  if (!duration.ok) throw new UserError(duration.error);
  return { minutes: duration.minutes, words: rest };
}

/** Refuses a draft without its duration or content, naming both at once with the command rebuilt from what was typed. */
export function refuseIncomplete(command: string, d: { minutes?: number; content: string; what: string; fields: Record<string, string>; form?: Form }, keys: readonly string[]): void {
  const missing: MissingField[] = [
    ...(d.minutes === undefined ? [{ name: '时长', how: `请写本次用时，如 ${DURATION_EXAMPLES}。` }] : []),
    ...(d.content ? [] : [{ name: d.what, how: '' }]),
  ];
  if (missing.length === 0) return;
  const time = d.minutes === undefined ? '<时长，如2小时>' : formatDuration(d.minutes);
  const content = d.content || `<${d.what.replace(/（.*$/, '')}>`;
  const parts = command === '/志愿' ? [command, content, time] : [command, time, ...(d.form ? [d.form] : []), content];
  throw missingFieldsError(missing, [...parts, ...fieldsText(d.fields, keys)].join(' '));
}

/** Checks dates, 代录 and attendees, stores the record once for everyone present and replies with what was stored. */
export async function logActivity(ctx: CommandContext, d: ActivityDraft): Promise<StudyRecord> {
  const today = toLocalDate(ctx.now);
  const { date, notes } = resolveDate(ctx, d.fields['日期']);
  const person = await onBehalfOf(ctx, d.fields['代录']);
  const personRole = person.id === ctx.sender.id ? ctx.role : person.role;
  if (!d.content) throw new UserError(`缺少${d.what}。`);
  bounded(d.what.replace(/（.*$/, ''), d.content, LIMITS.学习内容);
  if (d.fields['心得'] !== undefined) bounded('心得', d.fields['心得']);
  if (d.fields['地点'] !== undefined) bounded('地点', d.fields['地点']);

  let branchId = person.branchId;
  let branchName: string | undefined;
  if (d.form === '专题党课') {
    const named = d.fields['支部'];
    const branch = named ? await findBranch(ctx.store, named) : (ctx.chat.branch ?? (person.branchId ? await ctx.store.getBranch(person.branchId) : undefined));
    if (named && !branch) {
      const names = (await ctx.store.listBranches()).map((b) => b.name);
      throw new UserError(`支部：没有名为「${named}」的支部。${names.length ? `现有支部：${names.join('、')}。` : ''}`);
    }
    if (!branch) throw new UserError('支部：请写明党课在哪个支部讲授，如 支部:第一支部。');
    branchId = branch.id;
    branchName = branch.name;
  } else if (d.fields['支部'] !== undefined) {
    throw new UserError('支部: 只用于专题党课（/党课）；其他活动记在本人所在支部。');
  }

  const attendees = await readAttendees(ctx, d.fields['参加'], person, personRole, branchId);
  const everyone = [person, ...attendees];
  await refuseDuplicate(ctx, { date, form: d.form, content: d.content }, everyone);
  if (d.minutes !== undefined && !CONFIRM.test(ctx.args)) await askIfLongDay(ctx, date, d.minutes, everyone);

  const place = d.fields['地点'];
  const reflection = d.fields['心得'];
  if (place === '') throw new UserError('地点：请写地点，如 地点:市政务服务中心。');
  const rec = await ctx.store.addStudyRecord({
    date,
    form: d.form,
    ...(d.minutes !== undefined ? { minutes: d.minutes } : {}),
    content: d.content,
    ...(place ? { place } : {}),
    ...(reflection ? { reflection } : {}),
    ...(branchId ? { branchId } : {}),
    personId: person.id,
    attendees: attendees.map((a) => a.id),
    entered: { by: ctx.sender.id, at: ctx.now.toISOString() },
  });

  const lines = [`已记录 ${rec.id}：${describeRecord(rec)}${branchName ? `（${branchName}）` : ''}，计入 ${everyone.map((p) => p.name).join('、')}`];
  if (person.id !== ctx.sender.id) lines.push(`由 ${ctx.sender.name} 代录。`);
  if (date !== today && notes.length > 0) lines.push(`注：${notes.join('；')}。`);
  if (reflection) lines.push('心得体会已一并保存。');
  ctx.reply(textMessage(lines.join('\n')));
  return rec;
}

/** `2026-11-23（周一）理论学习中心组集中研讨 2小时《习近平著作选读》第一卷`, with the place when there is one. */
export function describeRecord(r: Pick<StudyRecord, 'date' | 'form' | 'minutes' | 'content' | 'place'>): string {
  const head = `${formatDate(r.date)}${r.form}${r.minutes !== undefined ? ` ${formatDuration(r.minutes)}` : ''}`;
  const sep = /^[《“"「]/.test(r.content) ? '' : ' ';
  return `${head}${sep}${r.content}${r.place ? `（地点：${r.place}）` : ''}`;
}

/** A typed activity date: today when absent, never in the future, and only as far back as the sender's role may go. */
export function resolveDate(ctx: CommandContext, text: string | undefined): { date: string; notes: string[] } {
  const today = toLocalDate(ctx.now);
  if (text === undefined) return { date: today, notes: [] };
  const parsed = parseDate(text, ctx.now, { allowPast: true });
  if (!parsed.ok) throw new UserError(`日期：${parsed.error}。`);
  if (parsed.date > today) {
    throw new UserError(`日期「${text}」是 ${formatDate(parsed.date)}，晚于今天 ${formatDate(today)}：只能登记已经发生的活动。`);
  }
  const back = diffDays(parsed.date, today);
  const mayGoBack = ctx.role === 'admin' ? Infinity : ctx.role === 'secretary' ? SECRETARY_DAYS_BACK : MEMBER_DAYS_BACK;
  if (back > mayGoBack) {
    throw new UserError(
      mayGoBack === MEMBER_DAYS_BACK
        ? `日期 ${formatDate(parsed.date)} 已是 ${back} 天前：本人只能补登 30 天内的活动，更早的请支部书记代录。`
        : `日期 ${formatDate(parsed.date)} 已是 ${back} 天前：书记可补录一年内的活动，更早的请联系管理员。`,
    );
  }
  // Only the guesses matter in the echo; weekend and holiday remarks are normal for study and volunteering.
  return { date: parsed.date, notes: parsed.notes.filter((n) => n.startsWith('未写')) };
}

async function onBehalfOf(ctx: CommandContext, field: string | undefined): Promise<Person> {
  if (field === undefined) return ctx.sender;
  const target = oneMention(field, ctx.mentions, '代录');
  if (target.openId === ctx.sender.id) return ctx.sender;
  const person = await ctx.store.getPerson(target.openId);
  if (!person) throw new UserError(`代录：不认识 ${target.name}。`);
  if (ctx.role === 'admin') return person;
  if (ctx.role !== 'secretary') throw new UserError('代录：只有支部书记可以为本支部党员代录；请本人登记，或请书记代录。', { showUsage: false });
  if (!ctx.sender.branchId || person.branchId !== ctx.sender.branchId) {
    const mine = ctx.sender.branchId ? (await ctx.store.getBranch(ctx.sender.branchId))?.name : undefined;
    throw new UserError(`代录：书记只能为本支部党员代录，${person.name} 不是${mine ? `「${mine}」` : '本支部'}的成员。`);
  }
  return person;
}

async function readAttendees(ctx: CommandContext, field: string | undefined, person: Person, personRole: Person['role'], branchId: string | undefined): Promise<Person[]> {
  if (field === undefined) return [];
  const found = mentionsIn(field, ctx.mentions);
  if (found.length === 0) throw new UserError('参加：请用 @ 选择参加的同事，如 参加:@张三 @李四。');
  const leftover = withoutMentions(field, found).replace(/[、,，]/g, ' ').trim();
  if (leftover) throw new UserError(`参加：「${leftover}」不是 @ 提及；请在飞书里输入 @ 选择同事，如 参加:@张三 @李四。`);
  const people: Person[] = [];
  for (const m of found) {
    if (m.openId === person.id) continue;
    const p = await ctx.store.getPerson(m.openId);
    if (!p) throw new UserError(`参加：不认识 ${m.name}。`);
    people.push(p);
  }
  if (ctx.role === 'admin') return people;
  const outside = people.filter((p) => !(branchId !== undefined && p.branchId === branchId) && !(personRole === 'leader' && p.role === 'leader'));
  if (outside.length > 0) {
    const branch = branchId ? (await ctx.store.getBranch(branchId))?.name : undefined;
    const names = outside.map((p) => p.name).join('、');
    if (!branch) throw new UserError(`参加：${person.id === ctx.sender.id ? '你' : person.name}还没有归属支部，不能计入 ${names}；请先在支部群里发一次言，或请管理员 /任命 设置支部。`);
    throw new UserError(`参加：${notOnRoster(outside, branch)}`);
  }
  return people;
}

async function refuseDuplicate(ctx: CommandContext, r: Pick<StudyRecord, 'date' | 'form' | 'content'>, everyone: readonly Person[]): Promise<void> {
  for (const p of everyone) {
    const same = (await ctx.store.listStudyRecords({ personId: p.id, from: r.date, to: r.date })).find(
      (x) => x.form === r.form && x.content.replace(/\s/g, '') === r.content.replace(/\s/g, ''),
    );
    if (same) {
      throw new UserError(
        `重复登记：${p.name} 已在 ${same.id}（${describeRecord(same)}）中计入，同一活动只记一次。如需更正，请先 /撤销 ${same.id}。`,
        { showUsage: false },
      );
    }
  }
}

/** More than 12 hours on one day for anyone counted is usually a typo: ask, and store it only when resent with 确认. */
async function askIfLongDay(ctx: CommandContext, date: string, minutes: number, everyone: readonly Person[]): Promise<void> {
  for (const p of everyone) {
    const before = (await ctx.store.listStudyRecords({ personId: p.id, from: date, to: date })).reduce((sum, r) => sum + (r.minutes ?? 0), 0);
    if (before + minutes <= LONG_DAY_MINUTES) continue;
    throw new UserError(
      [
        `${p.name} 在 ${formatDate(date)} 已登记 ${formatDuration(before)}，加上本次 ${formatDuration(minutes)} 共 ${formatDuration(before + minutes)}，超过一天 12 小时。什么也没有改动。`,
        '请核对时长和日期；如确实如此，请在末尾加上 确认 重新发送：',
        `/${ctx.invokedAs} ${ctx.args} 确认`,
      ].join('\n'),
      { showUsage: false },
    );
  }
}

/** Everyone a record counts for, by name. */
export async function namesOf(ctx: Pick<CommandContext, 'store'>, r: StudyRecord): Promise<string[]> {
  const names: string[] = [];
  for (const id of participantsOf(r)) names.push((await ctx.store.getPerson(id))?.name ?? id);
  return names;
}
