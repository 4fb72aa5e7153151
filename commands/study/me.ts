import { textMessage } from '../shared/text.js';
import { ROLE_NAMES } from '../../storage/records.js';
import { FORMS } from '../../storage/study.js';
import { quotaStandings } from '../figures/quota-figures.js';
import { formatHours, spanUpTo, studyFigures, type StudyFigures } from '../figures/study-figures.js';
import { formatDate, periodRange, toLocalDate, type Period } from '../shared/calendar.js';
import { describeQuota, progress, type QuotaStatus } from './quotas.js';
import { recentLines } from './record-detail.js';
import type { Command } from '../types.js';

const SHOWN: [Period, string][] = [
  ['month', '本月'],
  ['quarter', '本季度'],
  ['year', '本年'],
];

/** `/我的`: my activity this month, quarter and year by form, and where I stand on every quota for my role. */
export const me: Command = {
  name: '我的',
  aliases: ['me'],
  roles: ['member', 'secretary', 'leader'],
  summary: '查看我本月、本季度、本年的学习和活动记录，以及各项指标完成情况',
  usage: '/我的',
  examples: ['/我的'],
  async run(ctx) {
    const today = toLocalDate(ctx.now);
    const quotas = await ctx.store.listQuotas();
    const from = [periodRange(today, 'year').start, ...quotas.map((q) => periodRange(today, q.period).start)].sort()[0]!;
    const records = await ctx.store.listStudyRecords({ personId: ctx.sender.id, from, to: today });
    const branch = ctx.sender.branchId ? await ctx.store.getBranch(ctx.sender.branchId) : undefined;
    const people = [{ id: ctx.sender.id, branchId: ctx.sender.branchId }];

    const lines = [`${ctx.sender.name}（${branch ? `${branch.name} · ` : ''}${ROLE_NAMES[ctx.role]}）的学习台账，截至 ${formatDate(today)}：`];
    for (const [period, name] of SHOWN) {
      const range = periodRange(today, period);
      // The same figures as this person's /进度 for the period.
      lines.push(`${name}（${range.label}）：${formSummary(studyFigures(records, people, { personId: ctx.sender.id }, spanUpTo(range, today)))}`);
    }
    const mine = quotaStandings({ people: [{ id: ctx.sender.id, role: ctx.role, branchId: ctx.sender.branchId }], quotas, records }, { asOf: today, until: periodRange(today, 'year').end, personId: ctx.sender.id });
    if (mine.length === 0) lines.push(`指标：你的角色（${ROLE_NAMES[ctx.role]}）没有适用的指标。`);
    else lines.push('指标：', ...mine.map(quotaLine));
    lines.push(...recentLines(records));
    if (!branch && ctx.role !== 'leader') lines.push('你还没有归属支部：在支部群里发一次言即自动登记，或请管理员 /任命。');
    ctx.reply(textMessage(lines.join('\n')));
  },
};

/** `3 次，5.5 小时：支部集体学习 1 次 2 小时；志愿服务 2 次 3.5 小时`, or `暂无记录`: 学习活动次数 and 学时 by form. */
export function formSummary(s: Pick<StudyFigures, 'sessions' | 'hours' | 'byForm'>): string {
  if (s.sessions === 0) return '暂无记录';
  const parts = FORMS.flatMap((form) => {
    const of = s.byForm[form];
    return of ? [`${form} ${of.sessions} 次${of.hours ? ` ${formatHours(of.hours)}` : ''}`] : [];
  });
  return `${s.sessions} 次${s.hours ? `，${formatHours(s.hours)}` : ''}：${parts.join('；')}`;
}

function quotaLine(s: QuotaStatus): string {
  const left = s.required - s.done;
  const state = s.met ? '已完成' : `尚差${s.unit === 'count' ? `${left}次` : `${Math.round(left * 10) / 10}小时`}`;
  return `· ${describeQuota(s.quota)}：${progress(s)} ${state}（${s.period.label}，截至 ${formatDate(s.periodEnd)}）`;
}
