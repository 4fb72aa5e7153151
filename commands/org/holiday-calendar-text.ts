import type { HolidayEntry, Person } from '../../storage/records.js';
import { addDays, formatDate, type LocalDate } from '../shared/calendar.js';
import { HOLIDAY_NAMES } from '../shared/core-holidays.js';
import type { Calendar } from '../shared/working-calendar.js';
import { formatInstant } from '../ledger/ledger-status.js';

/** The year's holidays as the calendar now counts them, one line per holiday with where it comes from, for the admin to check. */
export function renderHolidayYear(year: number, cal: Calendar, entered: readonly HolidayEntry[], people: ReadonlyMap<string, Person>): string {
  const groups = new Map<string, { off: LocalDate[]; work: LocalDate[] }>();
  const group = (name: string) => groups.get(name) ?? groups.set(name, { off: [], work: [] }).get(name)!;
  for (let d = `${year - 1}-12-25`; d <= `${year}-12-31`; d = addDays(d, 1)) {
    const off = cal.holidayName(d);
    // 元旦 of the year before may reach into the last days of December.
    if (off !== undefined && (d >= `${year}-01-01` || off === '元旦')) group(off).off.push(d);
    const work = cal.makeupWorkdayFor(d);
    if (work !== undefined) group(work).work.push(d);
  }
  const lines = [`${year}年节假日安排（${sourceLine(year, cal)}）：`];
  for (const name of HOLIDAY_NAMES) {
    const g = groups.get(name) ?? { off: [], work: [] };
    const e = entered.find((h) => h.name === name);
    const days = g.off.length === 0 ? '无' : `${span(g.off)} 放假，共 ${g.off.length} 天`;
    const work = g.work.length > 0 ? `；调休上班 ${g.work.map(formatDate).join('、')}` : '';
    const origin = e
      ? `｜${people.get(e.entered.by)?.name ?? e.entered.by} ${formatInstant(e.entered.at)} 录入`
      : cal.source(year) === 'package' ? '' : '｜仅法定假日，调休未知';
    lines.push(`· ${name}：${days}${work}${origin}`);
  }
  return lines.join('\n');
}

/** The Chinese note for a year whose 调休 arrangement is not known, or undefined when it is. */
export function calendarGapText(year: number, cal: Calendar): string | undefined {
  const missing = cal.missingHolidays(year);
  if (missing.length === 0) return undefined;
  return `${year}年的调休安排尚未录入（缺${missing.join('、')}）：法定假日已按放假计算，调休上班日未知，请管理员用 /假期 录入国务院通知。`;
}

function sourceLine(year: number, cal: Calendar): string {
  const source = cal.source(year);
  if (source === 'package') return '来自内置节假日数据';
  const missing = cal.missingHolidays(year);
  if (missing.length === 0) return '已全部录入';
  return source === 'entered' ? `已录入部分，${missing.join('、')}仅按法定假日推算` : '尚未录入，仅按法定假日推算，调休未知';
}

function span(days: readonly LocalDate[]): string {
  const first = days[0]!;
  const last = days[days.length - 1]!;
  return first === last ? formatDate(first) : `${formatDate(first)} 至 ${formatDate(last)}`;
}
