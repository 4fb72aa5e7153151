import { formatDate, periodRange, toLocalDate, type Period } from '../../commands/shared/calendar.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';
import { md } from '../../commands/shared/card.js';
import { fitCards } from '../../commands/shared/card-fit.js';
import { markdown, type Markdown } from '../../commands/shared/markdown.js';
import { amount, describeQuota, PERIOD_NAMES, quotaStatus, type QuotaStatus } from '../../commands/study/quotas.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import { awayOn } from '../../storage/leave.js';
import type { Person } from '../../storage/records.js';
import { whyNotNow } from './gate.js';
import { explainSilence, newReport, queueNotices } from './notice.js';
import { transactOnView } from './on-view.js';
import type { Job } from './types.js';

const WINDOW = 5;

/** Periods whose last 5 working days include today. */
function closingPeriods(today: string, cal: Calendar): Period[] {
  return (['week', 'month', 'quarter', 'year'] as const).filter((p) => cal.isInLastWorkingDays(today, p, WINDOW));
}

// What is missing of one standing, e.g. `志愿服务 每月至少1次：本月还差 1次（2026年11月，2026-11-30（周一）截止）`.
function shortfall(s: QuotaStatus): string {
  return `${describeQuota(s.quota)}：本${PERIOD_NAMES[s.quota.period]}还差 ${amount(Math.max(0, s.required - s.done), s.unit)}（${s.period.label}，${formatDate(s.periodEnd)} 截止）`;
}

/**
 * Near a period's end, each person behind on a quota of that period hears it privately, never in a group: once
 * when the last 5 working days begin and once on the last working day, all their quotas in one message. Leaders
 * are judged only on leaders' quotas. Each branch secretary gets the names of their members behind, privately.
 * Nobody on leave (请假) that day is reminded; a branch that switched 指标提醒 off gets nothing.
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
      const away = awayOn(await tx.listLeaves({ from: today, to: today }), today);
      const people: Person[] = [];
      const off = new Set<string>();
      for (const b of await tx.listBranches()) if (!(await tx.isEnabled(b.id, 'quota-reminders'))) off.add(b.id);
      for (const p of await tx.listPeople()) {
        if (p.branchId && off.has(p.branchId)) report.skipped.push({ reason: '支部已关闭指标提醒', detail: p.name });
        else if (away.has(p.id)) report.skipped.push({ reason: '请假中', detail: p.name });
        else people.push(p);
      }
      const byPerson = new Map<string, QuotaStatus[]>();
      for (const s of quotaStatus({ quotas, records, people, asOf: today }).filter((x) => !x.met)) {
        const last = cal.lastWorkingDaysOfPeriod(today, s.quota.period, WINDOW);
        const stage = today === last[last.length - 1] ? 'last1' : 'last5';
        if (!(await tx.markSent(`quota:${s.personId}:${s.quota.id}:${s.period.start}:${stage}`, 'quota-reminders', now.toISOString()))) continue;
        byPerson.set(s.personId, [...(byPerson.get(s.personId) ?? []), s]);
      }
      const named = new Map<string, Markdown[]>();
      for (const p of people) {
        const mine = byPerson.get(p.id);
        if (!mine) continue;
        const lines = mine.map((s) => md(markdown`· ${shortfall(s)}`));
        // A leader's 专题党课 is given at a branch: name the ones they are linked to (联系支部), else their own.
        const at = p.role === 'leader' ? (await Promise.all([...(p.linkedBranchIds ?? []), ...(p.branchId ? [p.branchId] : [])].map((id) => tx.getBranch(id)))).find((x) => x)?.name : undefined;
        const how = p.role === 'leader' ? `完成后用 /党课 <题目> 支部:${at ?? '<支部>'} 或 /志愿 登记即可。` : '完成后用 /学习 或 /志愿 登记即可；外出可用 /请假 登记。';
        await queueNotices(tx, report, {
          key: `quota|u|${p.id}|${today}`,
          to: { openId: p.id },
          cards: fitCards(`指标提醒 · ${formatDate(today)}`, [md(markdown`${p.name}，你本期以下指标尚未完成（此提醒只发给你本人）：`), ...lines, md(markdown`${how}`)], { template: 'orange' }),
          summary: `${mine.length} 项`,
          now,
        });
        // Leaders' own quotas are theirs alone; members' go to their secretary by name.
        if (p.branchId && p.role !== 'leader') named.set(p.branchId, [...(named.get(p.branchId) ?? []), ...mine.map((s) => markdown`${p.name}：${shortfall(s)}`)]);
      }
      for (const [branchId, lines] of named) {
        const branch = await tx.getBranch(branchId);
        for (const sec of people.filter((p) => p.role === 'secretary' && p.branchId === branchId)) {
          await queueNotices(tx, report, {
            key: `quota|s|${sec.id}|${today}`,
            to: { openId: sec.id },
            cards: fitCards(`指标提醒 · ${branch?.name ?? branchId}（仅书记可见）`, [md(markdown`本支部以下同志本期指标尚未完成，已分别私信提醒；群里不点名：`), ...lines.map((l) => md(l))], { template: 'orange' }),
            summary: `书记名单 ${lines.length} 项`,
            now,
          });
        }
      }
      return explainSilence(report, '没有人落后于指标');
    });
  },
};
