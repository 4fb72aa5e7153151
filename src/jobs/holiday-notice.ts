import { parts, toLocalDate, type LocalDate } from '../../commands/shared/calendar.js';
import { card, md } from '../../commands/shared/card.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import { markdown } from '../../commands/shared/markdown.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';
import { calendarGapText } from '../../commands/org/holiday-calendar-text.js';
import type { Store } from '../../storage/store.js';
import { whyNotNow } from './gate.js';
import { newReport, queueNotice } from './notice.js';
import { transactOnView } from './on-view.js';
import type { Job, JobReport } from './types.js';

/** Years whose 调休 arrangement the office should enter now: this year at any time, next year from November (unless only `current`). */
export function yearsToAnnounce(today: LocalDate, cal: Calendar, current = false): number[] {
  const { year, month } = parts(today);
  return (month >= 11 && !current ? [year, year + 1] : [year]).filter((y) => !cal.hasCalendarData(y));
}

/**
 * Tells each admin privately, once per year, that a year's holiday schedule is missing; `admins` adds the bootstrap
 * admins from the environment to those with the admin role in the store; `current` limits it to this year (start-up).
 */
export async function announceHolidayGaps(now: Date, store: Store, admins: readonly string[] = [], current = false): Promise<JobReport> {
  const report = newReport('holiday-notice', now);
  const cal = await store.view(loadCalendar);
  const why = whyNotNow(now, cal);
  if (why) {
    report.skipped.push(why);
    return report;
  }
  const years = yearsToAnnounce(toLocalDate(now), cal, current);
  if (years.length === 0) {
    report.skipped.push({ reason: '今明两年的节假日安排均已收录' });
    return report;
  }
  return transactOnView(store, report, async (tx) => {
    const stored = (await tx.listPeople({ role: 'admin' })).map((p) => p.id);
    for (const openId of new Set([...admins, ...stored])) {
      for (const year of years) {
        if (!(await tx.markSent(`holiday-gap:${year}:${openId}`, 'holiday-notice', now.toISOString()))) continue;
        const text = calendarGapText(year, cal)!;
        const how = `录入方法：/假期 ${year} 元旦 1月1日-1月3日 调休:1月4日，或整段粘贴国务院办公厅通知；/假期 ${year} 查看当前安排。`;
        const c = card(`${year}年节假日安排待录入`, [md(markdown`${text}\n${how}`)], { template: 'orange' });
        await queueNotice(tx, report, { key: `holiday-gap|${year}|${openId}`, to: { openId }, card: c, summary: `${year}年节假日安排待录入`, now, expires: false });
      }
    }
    return report;
  });
}

/** In November and December (and any time the current year is missing), one private message per admin until the schedule is entered. */
export const holidayNotice: Job = {
  name: 'holiday-notice',
  label: '节假日安排提醒',
  time: '09:30',
  runsOn: (today, cal) => yearsToAnnounce(today, cal).length > 0,
  run: (now, { store }) => announceHolidayGaps(now, store),
};
