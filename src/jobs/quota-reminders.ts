import { formatDate, periodRange, toLocalDate, type Period } from '../../commands/shared/calendar.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';
import { md } from '../../commands/shared/card.js';
import { fitCards } from '../../commands/shared/card-fit.js';
import { markdown, mention, type Markdown } from '../../commands/shared/markdown.js';
import { amount, describeQuota, PERIOD_NAMES, quotaStatus } from '../../commands/study/quotas.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import { whyNotNow } from './gate.js';
import { branchChat, explainSilence, newReport, queueNotices } from './notice.js';
import { transactOnView } from './on-view.js';
import type { Job } from './types.js';

const WINDOW = 5;

/** Periods whose last 5 working days include today. */
function closingPeriods(today: string, cal: Calendar): Period[] {
  return (['week', 'month', 'quarter', 'year'] as const).filter((p) => cal.isInLastWorkingDays(today, p, WINDOW));
}

/**
 * Near a period's end, in each branch chat, @-mentions only the people behind on a quota of that period and says
 * what is missing: once when the last 5 working days begin and once on the last working day. Nothing when nobody
 * is behind; leaders are judged only on leaders' quotas and are not in branch chats' lists.
 */
export const quotaReminders: Job = {
  name: 'quota-reminders',
  label: '指标提醒',
  time: '09:00',
  runsOn: (today, cal) => closingPeriods(today, cal).length > 0,
  async run(now, { store }) {
    const report = newReport('quota-reminders', now);
    const cal = await store.view(loadCalendar);
    const why = whyNotNow(now, cal);
    if (why) {
      report.skipped.push(why);
      return report;
    }
    const today = toLocalDate(now);
    const periods = closingPeriods(today, cal);
    if (periods.length === 0) {
      report.skipped.push({ reason: '不在任何考核周期的最后 5 个工作日内' });
      return report;
    }
    return transactOnView(store, report, async (tx) => {
      const quotas = (await tx.listQuotas()).filter((q) => periods.includes(q.period));
      if (quotas.length === 0) return explainSilence(report, '还没有设置指标');
      const earliest = periods.map((p) => periodRange(today, p).start).sort()[0]!;
      const records = await tx.listStudyRecords({ from: earliest, to: today });
      for (const branch of await tx.listBranches()) {
        const chatId = await branchChat(tx, branch.id);
        if (!chatId) continue;
        if (!(await tx.isEnabled(branch.id, 'quota-reminders'))) {
          report.skipped.push({ reason: '支部已关闭指标提醒', detail: branch.name });
          continue;
        }
        const people = (await tx.listPeople({ branchId: branch.id })).filter((p) => p.role !== 'leader');
        const behind = quotaStatus({ quotas, records, people, asOf: today }).filter((s) => !s.met);
        const lines: Markdown[] = [];
        for (const s of behind) {
          const last = cal.lastWorkingDaysOfPeriod(today, s.quota.period, WINDOW);
          const stage = today === last[last.length - 1] ? 'last1' : 'last5';
          if (!(await tx.markSent(`quota:${s.personId}:${s.quota.id}:${s.period.start}:${stage}`, 'quota-reminders', now.toISOString()))) continue;
          const missing = amount(Math.max(0, s.required - s.done), s.unit);
          lines.push(markdown`${mention(s.personId)} ${describeQuota(s.quota)}：本${PERIOD_NAMES[s.quota.period]}还差 ${missing}（${s.period.label}，${formatDate(s.periodEnd)} 截止）`);
        }
        if (lines.length === 0) continue;
        await queueNotices(tx, report, {
          key: `quota|${branch.id}|${today}|${lines.map((l) => l.source).join('|')}`,
          to: { chatId },
          cards: fitCards(`指标提醒 · ${branch.name}`, [md(markdown`以下同志本期指标尚未完成，完成后用 /学习 或 /志愿 登记即可：`), ...lines.map((l) => md(l))], { template: 'orange' }),
          summary: `${lines.length} 人次`,
          now,
        });
      }
      return explainSilence(report, '没有人落后于指标');
    });
  },
};
