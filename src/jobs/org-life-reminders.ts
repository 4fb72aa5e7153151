import { orgLifeByScope } from '../../commands/org/meetings/org-life-gaps.js';
import { formatDate, toLocalDate, type Period } from '../../commands/shared/calendar.js';
import { md } from '../../commands/shared/card.js';
import { fitCards } from '../../commands/shared/card-fit.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import { markdown, type Markdown } from '../../commands/shared/markdown.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';
import { awayOn } from '../../storage/leave.js';
import { whyNotNow } from './gate.js';
import { explainSilence, newReport, queueNotices } from './notice.js';
import { transactOnView } from './on-view.js';
import type { Job } from './types.js';

const WINDOW = 5;
const PERIODS: readonly Period[] = ['week', 'month', 'quarter', 'year'];

/**
 * 组织生活提醒: in the last 5 working days of a period, privately to each branch secretary (the leadership's meetings
 * to the office's admins), the required meetings of that period not yet held; once per meeting and period, never
 * in a group chat, and not to someone on leave that day.
 */
export const orgLifeReminders: Job = {
  name: 'org-life-reminders',
  label: '组织生活提醒',
  time: '09:00',
  runsOn: (today, cal) => PERIODS.some((p) => cal.isInLastWorkingDays(today, p, WINDOW)),
  async run(now, { store }) {
    const report = newReport('org-life-reminders', now);
    const cal: Calendar = await store.view(loadCalendar);
    const why = whyNotNow(now, cal);
    if (why) {
      report.skipped.push(why);
      return report;
    }
    const today = toLocalDate(now);
    return transactOnView(store, report, async (tx) => {
      const away = awayOn(await tx.listLeaves({ from: today, to: today }), today);
      for (const { scope, name, slots } of await orgLifeByScope(tx, { start: today, end: today }, today)) {
        const due = slots.filter((s) => s.state === 'open' && cal.isInLastWorkingDays(today, s.rule.period, WINDOW));
        if (due.length === 0) continue;
        if (scope !== 'leadership' && !(await tx.isEnabled(scope, 'org-life-reminders'))) {
          report.skipped.push({ reason: '支部已关闭组织生活提醒', detail: name });
          continue;
        }
        const to = scope === 'leadership' ? await tx.listPeople({ role: 'admin' }) : await tx.listPeople({ branchId: scope, role: 'secretary' });
        if (to.length === 0) report.skipped.push({ reason: scope === 'leadership' ? '没有登记在册的管理员' : '支部还没有书记（/任命）', detail: name });
        for (const person of to.filter((p) => !away.has(p.id))) {
          const lines: Markdown[] = [];
          for (const s of due) {
            if (!(await tx.markSent(`orglife:${person.id}:${scope}:${s.kind}:${s.period.start}`, 'org-life-reminders', now.toISOString()))) continue;
            const short = s.rule.min - s.held.length;
            lines.push(markdown`· ${s.kind}：${s.period.label}${s.held.length ? `还差 ${short} 次` : '尚未召开'}，${formatDate(s.period.end)} 前`);
          }
          if (lines.length === 0) continue;
          await queueNotices(tx, report, {
            key: `orglife|${person.id}|${scope}|${today}`,
            to: { openId: person.id },
            cards: fitCards(`组织生活提醒 · ${name}`, [md(markdown`以下会议本期按要求应召开，目前还没有记录：`), ...lines.map((l) => md(l)), md(markdown`开会后用 /会议 登记（如 /会议 支委会 主题:… 实到:@…）；查看：/组织生活`)], { template: 'orange' }),
            summary: `${name} ${lines.length} 项`,
            now,
          });
        }
      }
      return explainSilence(report, '本期要求的会议都已召开，或还不在期末 5 个工作日内');
    });
  },
};
