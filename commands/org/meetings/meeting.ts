import type { Branch, Person } from '../../../storage/records.js';
import { formOfKind, type MeetingKind, type StudyRecord } from '../../../storage/study.js';
import { findBranch } from '../../figures/find-branch.js';
import { formatDate } from '../../shared/calendar.js';
import { parseDate } from '../../shared/dates.js';
import { extractDuration } from '../../shared/duration.js';
import { mentionsIn, oneMention, splitFields } from '../../shared/fields.js';
import { bounded, LIMITS } from '../../shared/limits.js';
import { textMessage } from '../../shared/text.js';
import { describeRecord, resolveDate } from '../../study/study-log.js';
import { UserError, type CommandContext, type Command } from '../../types.js';
import { readLeave, readMentions, resolveAttendance } from './attendance.js';
import { isLeadershipKind, kindList, LISTED_ROSTER, parseKind } from './kinds.js';
import { awayAmong, branchRoster, leadershipRoster, notOnRoster } from './roster.js';

const FIELDS = ['主题', '主持人', '主持', '记录人', '记录', '地点', '应到', '实到', '请假', '缺席', '日期', '支部'] as const;
const FORM = '/会议 <会议> [日期] 主题:<主题> 主持:@某人 记录:@某人 地点:<地点> 实到:全体|@某人 … [请假:@某人(原因)] [缺席:@某人] [应到:@某人 …]';
const LOOKS_LIKE_DATE = /\d|今天|昨天|前天|上周|本周|周[一二三四五六日天]/;

/**
 * `/会议 支委会 12月3日 主题:… 主持:@… 记录:@… 实到:全体 请假:@李四(出差) 缺席:@王五`: one record of a branch (or
 * leadership) meeting with its minutes' attendance, entered once by whoever organised it and counted for each attendee.
 */
export const meeting: Command = {
  name: '会议',
  aliases: ['meeting'],
  roles: ['member', 'secretary', 'leader'],
  summary: '登记一次组织生活会议（三会一课、主题党日、组织生活会等）及应到、实到、请假、缺席；一次登记计入每位到会者',
  usage: FORM,
  examples: [
    '/会议 支委会 12月3日 主题:研究发展党员工作 主持:@张三 记录:@李四 地点:三楼会议室 实到:@张三 @李四 @王五',
    '/会议 支部党员大会 昨天 主题:学习党的二十届四中全会精神 主持:@张三 记录:@李四 实到:全体 请假:@赵六(出差) 缺席:@王五',
  ],
  async run(ctx) {
    const { rest, fields } = splitFields(ctx.args, FIELDS);
    const words = rest.split(' ').filter(Boolean);
    const kindWord = words.shift();
    if (!kindWord) throw new UserError(`请写会议类型：${kindList()}。`);
    const kind = parseKind(kindWord);
    if (!kind) throw new UserError(`会议：不认识「${kindWord}」。可选：${kindList()}。`);
    const stray = mentionsIn(rest, ctx.mentions);
    if (stray.length > 0) throw new UserError(`${stray.map((m) => m.name).join('、')} 要写在 实到:、请假:、缺席: 或 主持:、记录: 后面。`);

    const { duration, rest: afterDuration } = extractDuration(words);
    if (duration && !duration.ok) throw new UserError(duration.error);
    let dateText = fields['日期'];
    // A date-like first word is the date when it parses, or when 主题: leaves it nothing else to be (its error then says why).
    const first = afterDuration[0];
    if (dateText === undefined && first && LOOKS_LIKE_DATE.test(first) && (fields['主题'] !== undefined || parseDate(first, ctx.now, { allowPast: true }).ok)) dateText = afterDuration.shift();
    if (fields['主题'] !== undefined && afterDuration.length > 0) throw new UserError(`看不懂「${afterDuration.join(' ')}」：日期写在会议类型后面（如 12月3日），主题写在 主题: 后面。`);
    const topic = (fields['主题'] ?? afterDuration.join(' ')).trim();
    if (!topic) throw new UserError(`缺少主题。补全后重新发送：/会议 ${kind} ${dateText ?? ''} 主题:<会议主题> 实到:全体`.replace(/ +/g, ' '));
    bounded('主题', topic, LIMITS.学习内容);
    if (fields['地点'] !== undefined) bounded('地点', fields['地点']);
    if (fields['实到'] === undefined) throw new UserError(`缺少实到：写 实到:全体（可另写 请假:、缺席:），或 @ 列出到会的同志。`);
    const { date } = resolveDate(ctx, dateText);

    const branch = isLeadershipKind(kind) ? undefined : await branchOfMeeting(ctx, kind, fields['支部']);
    if (isLeadershipKind(kind) && ctx.role !== 'leader' && ctx.role !== 'admin') {
      throw new UserError(`${kind}是党组（领导班子）的会议，由领导或管理员登记；支部召开的是${kind === '民主生活会' ? '组织生活会' : '支部集体学习'}。`, { showUsage: false });
    }
    const host = await person(ctx, fields['主持'] ?? fields['主持人'], '主持') ?? ctx.sender;
    const recorder = await person(ctx, fields['记录'] ?? fields['记录人'], '记录');

    const typed = fields['应到'] !== undefined ? await people(ctx, readMentions(fields['应到'], ctx.mentions, '应到')) : undefined;
    // A 支委会's 应到 is the committee: unless written, the one recorded at the branch's last 支委会.
    const previous = !typed && kind === '支委会' && branch ? await lastCommittee(ctx, branch.id, date) : undefined;
    const listed = typed ?? previous?.people;
    const presentAll = fields['实到'].replace(/\s/g, '') === '全体' || fields['实到'].replace(/\s/g, '') === '全体人员';
    const present = presentAll ? 'all' : await people(ctx, readMentions(fields['实到'], ctx.mentions, '实到'));
    if (presentAll && !listed && LISTED_ROSTER.includes(kind)) {
      throw new UserError(`${kind}的应到不是全支部：请 @ 列出到会的同志（实到:@某人 …），或写 应到:@某人 … 再写 实到:全体。`);
    }
    const leave = fields['请假'] !== undefined ? readLeave(fields['请假'], ctx.mentions) : [];
    const leavePeople = await people(ctx, leave.map((l) => l.mention));
    const absent = fields['缺席'] !== undefined ? await people(ctx, readMentions(fields['缺席'], ctx.mentions, '缺席')) : [];

    const roster = listed ?? (branch ? (LISTED_ROSTER.includes(kind) ? [] : await branchRoster(ctx.store, branch.id)) : await leadershipRoster(ctx.store));
    const rosterIds = new Set(roster.map((p) => p.id));
    const named = [...(present === 'all' ? [] : present), ...leavePeople, ...absent];
    const outside = named.filter((p) => !rosterIds.has(p.id) && !(LISTED_ROSTER.includes(kind) && !listed && (!branch || p.branchId === branch.id)));
    if (outside.length > 0) {
      const names = [...new Set(outside.map((p) => p.name))].join('、');
      if (listed) throw new UserError(`${names} 不在${previous ? `上次支委会（${previous.id}）的` : ''} 应到 名单中：请一并写进 应到:。`);
      throw new UserError(branch ? notOnRoster(outside, branch.name) : `${names} 不是局领导，不能记入${kind}。`);
    }

    const names = new Map([...roster, ...named, host, ...(recorder ? [recorder] : [])].map((p) => [p.id, p.name]));
    const nameOf = (id: string) => names.get(id) ?? id;
    const expectedIds = LISTED_ROSTER.includes(kind) && !listed ? [] : roster.map((p) => p.id);
    const a = resolveAttendance(
      {
        roster: expectedIds,
        present: present === 'all' ? 'all' : present.map((p) => p.id),
        leave: leave.map((l, i) => ({ personId: leavePeople[i]!.id, ...(l.reason ? { reason: l.reason } : {}) })),
        absent: absent.map((p) => p.id),
        host: host.id,
        away: await awayAmong(ctx.store, expectedIds, date),
      },
      nameOf,
    );
    if (a.present.length === 0) throw new UserError('实到：应到的同志都不在场；请核对 实到、请假、缺席。');
    await refuseDuplicate(ctx, kind, date, topic, branch);

    const place = fields['地点'];
    const rec = await ctx.store.addStudyRecord({
      date,
      form: formOfKind(kind),
      ...(duration?.ok ? { minutes: duration.minutes } : {}),
      content: topic,
      ...(place ? { place } : {}),
      ...(branch ? { branchId: branch.id } : {}),
      personId: host.id,
      attendees: a.present.filter((id) => id !== host.id),
      entered: { by: ctx.sender.id, at: ctx.now.toISOString() },
      meeting: { kind, host: host.id, ...(recorder ? { recorder: recorder.id } : {}), expected: a.expected, leave: a.leave, absent: a.absent },
    });
    ctx.reply(textMessage([...meetingLines(rec, nameOf, branch?.name), ...(previous ? [`应到沿用上次支委会（${previous.id}）的名单；支委有变动时请写 应到:@…`] : [])]));
  },
};

/** The reply to /会议: the record, 主持 and 记录, then 应到, 实到, 请假 and 缺席 with names. */
export function meetingLines(r: StudyRecord, nameOf: (id: string) => string, branchName?: string): string[] {
  const m = r.meeting!;
  const present = [r.personId, ...r.attendees].filter((id, i, all) => all.indexOf(id) === i && m.expected.includes(id));
  const lines = [
    `已记录 ${r.id}：${describeRecord(r)}${branchName ? `（${branchName}）` : ''}`,
    `主持：${nameOf(m.host)}${m.recorder ? ` · 记录：${nameOf(m.recorder)}` : ''}`,
    `应到 ${m.expected.length} 人，实到 ${present.length} 人${present.length ? `：${present.map(nameOf).join('、')}` : ''}`,
  ];
  if (m.leave.length) lines.push(`请假 ${m.leave.length} 人：${m.leave.map((l) => `${nameOf(l.personId)}${l.reason ? `（${l.reason}）` : ''}${l.auto ? '〔请假登记〕' : ''}`).join('、')}`);
  if (m.absent.length) lines.push(`缺席 ${m.absent.length} 人：${m.absent.map(nameOf).join('、')}`);
  if (m.leave.length || m.absent.length) lines.push(`补学后登记：/补学 ${r.id} @某人 [补学内容]`);
  return lines;
}

async function branchOfMeeting(ctx: CommandContext, kind: MeetingKind, named: string | undefined): Promise<Branch> {
  if (named !== undefined) {
    const b = await findBranch(ctx.store, named);
    if (!b) throw new UserError(`支部：没有名为「${named}」的支部。`);
    if (ctx.role !== 'admin' && ctx.role !== 'leader' && b.id !== ctx.sender.branchId) throw new UserError(`支部：只能登记本支部的会议，「${b.name}」不是你所在的支部。`, { showUsage: false });
    return b;
  }
  const b = ctx.chat.branch ?? (ctx.sender.branchId ? await ctx.store.getBranch(ctx.sender.branchId) : undefined);
  if (!b) throw new UserError(`支部：请在支部群里登记，或写明支部，如 /会议 ${kind} … 支部:第一支部。`);
  if (ctx.role !== 'admin' && ctx.role !== 'leader' && b.id !== ctx.sender.branchId) throw new UserError(`只能登记本支部的会议，「${b.name}」不是你所在的支部。`, { showUsage: false });
  return b;
}

async function person(ctx: CommandContext, field: string | undefined, name: string): Promise<Person | undefined> {
  if (field === undefined) return undefined;
  const m = oneMention(field, ctx.mentions, name);
  const p = m.openId === ctx.sender.id ? ctx.sender : await ctx.store.getPerson(m.openId);
  if (!p) throw new UserError(`${name}：不认识 ${m.name}；请其先在群里发一次言。`);
  return p;
}

async function people(ctx: CommandContext, mentions: readonly { openId: string; name: string }[]): Promise<Person[]> {
  const out: Person[] = [];
  for (const m of mentions) {
    const p = m.openId === ctx.sender.id ? ctx.sender : await ctx.store.getPerson(m.openId);
    if (!p) throw new UserError(`不认识 ${m.name}；请其先在群里发一次言，或请管理员 /任命。`);
    out.push(p);
  }
  return out;
}

async function lastCommittee(ctx: CommandContext, branchId: string, before: string): Promise<{ id: string; people: Person[] } | undefined> {
  const last = (await ctx.store.listStudyRecords({ branchId, to: before })).filter((r) => r.meeting?.kind === '支委会' && r.meeting.expected.length > 0).at(-1);
  if (!last) return undefined;
  const people: Person[] = [];
  for (const id of last.meeting!.expected) {
    const p = await ctx.store.getPerson(id);
    if (p) people.push(p);
  }
  return { id: last.id, people };
}

async function refuseDuplicate(ctx: CommandContext, kind: MeetingKind, date: string, topic: string, branch: Branch | undefined): Promise<void> {
  const same = (await ctx.store.listStudyRecords({ ...(branch ? { branchId: branch.id } : {}), from: date, to: date })).find(
    (r) => r.form === formOfKind(kind) && r.content.replace(/\s/g, '') === topic.replace(/\s/g, ''),
  );
  if (same) throw new UserError(`重复登记：${formatDate(date)} 的${kind}「${topic}」已记为 ${same.id}。如需更正，请先 /撤销 ${same.id}。`, { showUsage: false });
}
