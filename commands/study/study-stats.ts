import { textMessage } from '../shared/text.js';
import type { Branch, Person } from '../../storage/records.js';
import type { Quota, StudyRecord } from '../../storage/study.js';
import { formatDate, periodRange, toLocalDate, type LocalDate } from '../shared/calendar.js';
import { summarize } from './me.js';
import { PERIOD_EXAMPLES, parsePeriodWord } from '../shared/periods.js';
import { describeRoleQuota, quotaStatus, type QuotaStatus } from './quotas.js';
import { UserError, type CommandContext } from '../types.js';

const STATS_USAGE = '\n正确格式：/学习 统计 [本支部|支部名] [本月|本季度|本年|11月]\n例：/学习 统计 第一支部 本季度';

/**
 * `/学习 统计 [本支部|<支部名>] [本月|本季度|本年|<月份>]`: a secretary sees their branch, a leader or admin any branch or
 * the whole bureau. Who has not yet met a quota is named only in a private chat; in a group the names go to the asker privately.
 */
export async function studyStats(ctx: CommandContext, args: string): Promise<void> {
  if (ctx.role === 'member') {
    throw new UserError('学习统计由支部书记、领导和管理员查看；查看自己的记录请发 /我的。', { showUsage: false });
  }
  const today = toLocalDate(ctx.now);
  let period = parsePeriodWord('本月', today)!;
  let branchWord: string | undefined;
  for (const word of args.split(' ').filter(Boolean)) {
    const p = parsePeriodWord(word, today);
    if (p) period = p;
    else if (branchWord === undefined) branchWord = word;
    else throw new UserError(`看不懂「${word}」：时段可写 ${PERIOD_EXAMPLES}。${STATS_USAGE}`, { showUsage: false });
  }
  if (period.start > today) throw new UserError(`${period.label} 还没有开始。`, { showUsage: false });

  let branch: Branch | undefined;
  if (branchWord === '本支部') {
    const id = ctx.sender.branchId ?? ctx.chat.branch?.id;
    branch = id ? await ctx.store.getBranch(id) : undefined;
    if (!branch) throw new UserError('你还没有归属支部：请写支部名，如 /学习 统计 第一支部。', { showUsage: false });
  } else if (branchWord !== undefined) {
    branch = await ctx.store.findBranchByName(branchWord);
    if (!branch) {
      const names = (await ctx.store.listBranches()).map((b) => b.name);
      const known = names.length ? `现有支部：${names.join('、')}；` : '';
      throw new UserError(`「${branchWord}」既不是支部名也不是时段。${known}时段可写 ${PERIOD_EXAMPLES}。${STATS_USAGE}`, { showUsage: false });
    }
  } else if (ctx.chat.branch) branch = ctx.chat.branch;
  else if (ctx.role === 'secretary' && ctx.sender.branchId) branch = await ctx.store.getBranch(ctx.sender.branchId);

  if (ctx.role === 'secretary' && branch?.id !== ctx.sender.branchId) {
    throw new UserError('书记只能查看本支部的学习统计；其他支部请领导或管理员查看。', { showUsage: false });
  }
  if (!branch && ctx.role === 'secretary') throw new UserError('你还没有归属支部，请管理员用 /任命 设置。', { showUsage: false });

  const asOf: LocalDate = period.end < today ? period.end : today;
  const quotas = await ctx.store.listQuotas();
  const windows = quotas.map((q) => periodRange(asOf, q.period));
  const quotaRecords = await ctx.store.listStudyRecords({
    from: [period.start, ...windows.map((w) => w.start)].sort()[0],
    to: [period.end, ...windows.map((w) => w.end)].sort().at(-1),
  });
  const inPeriod = (r: StudyRecord) => r.date >= period.start && r.date <= period.end;
  const privately = ctx.chat.type === 'group';
  const heading = `${branch ? `「${branch.name}」` : '全局'}学习统计 · ${period.label}：${formatDate(period.start)}至${formatDate(period.end)}`;
  const lines = [heading];
  const names: string[] = [heading];

  if (branch) {
    const people = await ctx.store.listPeople({ branchId: branch.id });
    const records = quotaRecords.filter((r) => inPeriod(r) && r.branchId === branch.id);
    const logged = people.filter((p) => quotaRecords.some((r) => inPeriod(r) && (r.personId === p.id || r.attendees.includes(p.id))));
    lines.push(`活动：${summarize(records)}`);
    if (records.length > 0) lines.push(`参与：${records.reduce((n, r) => n + 1 + r.attendees.length, 0)} 人次`);
    lines.push(`有记录的成员：${logged.length}/${people.length} 人`);
    const statuses = quotaStatus({ quotas, records: quotaRecords, people, asOf });
    pushQuotaLines(lines, names, quotas, statuses, people, privately, asOf);
  } else {
    const all = await ctx.store.listBranches();
    lines.push(`活动：${summarize(quotaRecords.filter(inPeriod))}`);
    if (all.length > 0) lines.push('各支部：');
    for (const b of all) {
      const people = await ctx.store.listPeople({ branchId: b.id });
      const records = quotaRecords.filter((r) => inPeriod(r) && r.branchId === b.id);
      const logged = people.filter((p) => quotaRecords.some((r) => inPeriod(r) && (r.personId === p.id || r.attendees.includes(p.id))));
      const behind = new Set(quotaStatus({ quotas, records: quotaRecords, people, asOf }).filter((s) => !s.met).map((s) => s.personId));
      lines.push(`· ${b.name}：活动 ${records.length} 次；有记录 ${logged.length}/${people.length} 人；尚未完成指标 ${behind.size} 人`);
    }
    const leaders = await ctx.store.listPeople({ role: 'leader' });
    if (leaders.length > 0) {
      lines.push(`领导（${leaders.length} 人）：`);
      names.push(`领导（${leaders.length} 人）：`);
      const statuses = quotaStatus({ quotas, records: quotaRecords, people: leaders, asOf });
      pushQuotaLines(lines, names, quotas, statuses, leaders, privately, asOf);
    }
  }
  if (privately && names.length > 1) lines.push('尚未完成指标的名单已私信发给你。');
  ctx.reply(textMessage(lines.join('\n')));
  if (privately && names.length > 1) ctx.notify({ openId: ctx.sender.id }, textMessage(names.join('\n')));
}

function pushQuotaLines(lines: string[], names: string[], quotas: readonly Quota[], statuses: readonly QuotaStatus[], people: readonly Person[], privately: boolean, asOf: LocalDate): void {
  const relevant = quotas.filter((q) => statuses.some((s) => s.quota.id === q.id));
  if (relevant.length === 0) return;
  lines.push(`指标（截至 ${formatDate(asOf)}）：`);
  for (const q of relevant) {
    const of = statuses.filter((s) => s.quota.id === q.id);
    const behind = of.filter((s) => !s.met).map((s) => people.find((p) => p.id === s.personId)?.name ?? s.personId);
    const head = `· ${describeRoleQuota(q)}（${of[0]!.period.label}）：已完成 ${of.length - behind.length}/${of.length} 人`;
    if (behind.length === 0) lines.push(head);
    else if (privately) {
      lines.push(`${head}，尚未完成 ${behind.length} 人`);
      names.push(`${head}；尚未完成：${behind.join('、')}`);
    } else lines.push(`${head}；尚未完成：${behind.join('、')}`);
  }
}
