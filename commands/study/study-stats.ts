import { textMessage } from '../shared/text.js';
import type { Branch } from '../../storage/records.js';
import { computeFigures, readFigureData, type BureauFigures, type FigureData } from '../figures/bureau-figures.js';
import { findBranch } from '../figures/find-branch.js';
import { FIGURE } from '../figures/glossary.js';
import { formatRate } from '../figures/ledger-figures.js';
import { quotaStandings } from '../figures/quota-figures.js';
import { formatHours, turnout, type StudyFigures } from '../figures/study-figures.js';
import { formatDate, toLocalDate, type LocalDate } from '../shared/calendar.js';
import { formSummary } from './me.js';
import { PERIOD_EXAMPLES, parsePeriodWord, type NamedPeriod } from '../shared/periods.js';
import { describeRoleQuota } from './quotas.js';
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
  const branch = await branchOf(ctx, branchWord);

  const asOf: LocalDate = period.end < today ? period.end : today;
  const opts = { period, asOf, ...(branch ? { branchId: branch.id } : {}) };
  const data = await readFigureData(ctx.store, opts);
  const f = computeFigures(data, { ...opts, calendar: ctx.calendar });
  const privately = ctx.chat.type === 'group';
  const { lines, names } = renderStudyStats(f, data, period, branch?.name, privately);
  if (privately && names.length > 1) lines.push('尚未完成指标的名单已私信发给你。');
  ctx.reply(textMessage(lines.join('\n')));
  if (privately && names.length > 1) ctx.notify({ openId: ctx.sender.id }, textMessage(names.join('\n')));
}

async function branchOf(ctx: CommandContext, word: string | undefined): Promise<Branch | undefined> {
  let branch: Branch | undefined;
  if (word === '本支部') {
    const id = ctx.sender.branchId ?? ctx.chat.branch?.id;
    branch = id ? await ctx.store.getBranch(id) : undefined;
    if (!branch) throw new UserError('你还没有归属支部：请写支部名，如 /学习 统计 第一支部。', { showUsage: false });
  } else if (word !== undefined) {
    branch = await findBranch(ctx.store, word);
    if (!branch) {
      const names = (await ctx.store.listBranches()).map((b) => b.name);
      const known = names.length ? `现有支部：${names.join('、')}；` : '';
      throw new UserError(`「${word}」既不是支部名也不是时段。${known}时段可写 ${PERIOD_EXAMPLES}。${STATS_USAGE}`, { showUsage: false });
    }
  } else if (ctx.chat.branch) branch = ctx.chat.branch;
  else if (ctx.role === 'secretary' && ctx.sender.branchId) branch = await ctx.store.getBranch(ctx.sender.branchId);
  if (ctx.role === 'secretary' && branch?.id !== ctx.sender.branchId) {
    throw new UserError('书记只能查看本支部的学习统计；其他支部请领导或管理员查看。', { showUsage: false });
  }
  if (!branch && ctx.role === 'secretary') throw new UserError('你还没有归属支部，请管理员用 /任命 设置。', { showUsage: false });
  return branch;
}

/** `学习活动次数 5 次，学时 11 小时，参与人次 15 人次，参与率 12/15 人（80.0%）`: the same figures /进度 prints. */
export function studyFiguresLine(s: StudyFigures): string {
  const share = s.roster === 0 ? '' : `，${FIGURE.turnout} ${s.participants}/${s.roster} 人（${formatRate(turnout(s))}）`;
  return `${FIGURE.sessions} ${s.sessions} 次，${FIGURE.hours} ${formatHours(s.hours)}，${FIGURE.participations} ${s.participations} 人次${share}`;
}

/** The reply's lines and the list of who is behind for a private message (its first line repeats the heading). */
export function renderStudyStats(f: BureauFigures, data: FigureData, period: Pick<NamedPeriod, 'start' | 'end' | 'label'>, branchName: string | undefined, privately: boolean): { lines: string[]; names: string[] } {
  const heading = `${branchName ? `「${branchName}」` : '全局'}学习统计 · ${period.label}：${formatDate(period.start)}至${formatDate(period.end)}`;
  const lines = [heading, studyFiguresLine(f.study.period), `按形式：${formSummary(f.study.period)}`];
  if (!branchName && f.branches.length > 0) {
    lines.push('各支部：');
    for (const b of f.branches) {
      const q = f.quotaByBranch[b.id];
      lines.push(`· ${b.short}：${studyFiguresLine(f.studyByBranch[b.id]!)}${q && q.total > 0 ? `；${FIGURE.quota} ${q.met}/${q.total}` : ''}`);
    }
  }
  const names = [heading];
  const standings = quotaStandings(data, { asOf: f.asOf, until: period.end, ...f.scope });
  const person = new Map(data.people.map((p) => [p.id, p.name]));
  const quotas = [...new Map(standings.map((s) => [s.quota.id, s.quota])).values()];
  if (quotas.length > 0) lines.push(`${FIGURE.quota}（截至 ${formatDate(f.asOf)}，本期到期的指标）：`);
  for (const q of quotas) {
    const of = standings.filter((s) => s.quota.id === q.id);
    const behind = of.filter((s) => !s.met).map((s) => person.get(s.personId) ?? s.personId);
    const head = `· ${describeRoleQuota(q)}（${of[0]!.period.label}）：已完成 ${of.length - behind.length}/${of.length} 人`;
    const named = `${head}；尚未完成：${behind.join('、')}`;
    lines.push(behind.length === 0 ? head : privately ? `${head}，尚未完成 ${behind.length} 人` : named);
    if (behind.length > 0) names.push(named);
  }
  return { lines, names };
}
