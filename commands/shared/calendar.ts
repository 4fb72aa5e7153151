import { createCalendar, type Calendar } from './working-calendar.js';

/** A calendar date in Asia/Shanghai written `YYYY-MM-DD`; compares correctly as a plain string. */
export type LocalDate = string;

/** A reporting period; weeks run Monday to Sunday. */
export type Period = 'week' | 'month' | 'quarter' | 'year';

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const WEEKDAY_NAMES = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'] as const;
const QUARTER_NAMES = ['一', '二', '三', '四'] as const;

let packageOnly: Calendar | undefined;

/** The calendar from the holiday package and the lunar core days alone, for code that has no store to load entries from. */
export function packageCalendar(): Calendar {
  return (packageOnly ??= createCalendar());
}

/** True when `s` is a real calendar date written exactly `YYYY-MM-DD`. */
export function isValidLocalDate(s: string): s is LocalDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m !== null && fromParts(Number(m[1]), Number(m[2]), Number(m[3])) !== undefined;
}

/** Builds a LocalDate from year, month (1–12) and day, or undefined when no such date exists (e.g. 2月30日). */
export function fromParts(year: number, month: number, day: number): LocalDate | undefined {
  if (![year, month, day].every(Number.isInteger)) return undefined;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/** Splits a LocalDate into numbers; throws RangeError for anything that is not a valid `YYYY-MM-DD`. */
export function parts(d: LocalDate): { year: number; month: number; day: number } {
  checked(d);
  return { year: Number(d.slice(0, 4)), month: Number(d.slice(5, 7)), day: Number(d.slice(8, 10)) };
}

/** Number of days in a month (1–12), leap years included. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The Shanghai calendar date of an instant, whatever the server's own time zone. */
export function toLocalDate(instant: Date): LocalDate {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid Date');
  return fromEpochDay(Math.floor((t + SHANGHAI_OFFSET_MS) / DAY_MS));
}

/** The instant of 00:00 Shanghai time on that date (16:00 UTC the day before). */
export function startOfDay(d: LocalDate): Date {
  return new Date(toEpochDay(d) * DAY_MS - SHANGHAI_OFFSET_MS);
}

/** The end of that date (00:00 Shanghai time the next day) in epoch ms: times before it happened on or before the date. */
export function endOfDay(d: LocalDate): number {
  return (toEpochDay(d) + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** Calendar-day arithmetic; n may be negative. */
export function addDays(d: LocalDate, n: number): LocalDate {
  return fromEpochDay(toEpochDay(d) + n);
}

/** `b − a` in calendar days. */
export function diffDays(a: LocalDate, b: LocalDate): number {
  return toEpochDay(b) - toEpochDay(a);
}

/** Adds calendar months, clamping to the last day of a shorter month (01-31 + 1 → 02-28). */
export function addMonths(d: LocalDate, n: number): LocalDate {
  const { year, month, day } = parts(d);
  const index = year * 12 + (month - 1) + n;
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return fromParts(y, m, Math.min(day, daysInMonth(y, m))) ?? invalid(`${y}-${m}`);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function weekday(d: LocalDate): number {
  return weekdayOfEpochDay(toEpochDay(d));
}

/** `周一` … `周日`. */
export function weekdayName(d: LocalDate): string {
  return WEEKDAY_NAMES[weekday(d) - 1]!;
}

/** The echo form used in every reply, e.g. `2026-12-31（周四）`, so a misparse is caught at once. */
export function formatDate(d: LocalDate): string {
  return `${d}（${weekdayName(d)}）`;
}

/** Whether the package has that year's arrangement; code that can load entries asks its Calendar instead. */
export function hasCalendarData(year: number): boolean {
  return packageCalendar().hasCalendarData(year);
}

/** isWorkingDay on the package calendar; see Calendar. */
export function isWorkingDay(d: LocalDate): boolean {
  return packageCalendar().isWorkingDay(d);
}

/** holidayName on the package calendar; see Calendar. */
export function holidayName(d: LocalDate): string | undefined {
  return packageCalendar().holidayName(d);
}

/** makeupWorkdayFor on the package calendar; see Calendar. */
export function makeupWorkdayFor(d: LocalDate): string | undefined {
  return packageCalendar().makeupWorkdayFor(d);
}

/** addWorkingDays on the package calendar; see Calendar. */
export function addWorkingDays(d: LocalDate, n: number): LocalDate {
  return packageCalendar().addWorkingDays(d, n);
}

/** nextWorkingDay on the package calendar; see Calendar. */
export function nextWorkingDay(d: LocalDate): LocalDate {
  return packageCalendar().nextWorkingDay(d);
}

/** previousWorkingDay on the package calendar; see Calendar. */
export function previousWorkingDay(d: LocalDate): LocalDate {
  return packageCalendar().previousWorkingDay(d);
}

/** workingDaysUntil on the package calendar; see Calendar. */
export function workingDaysUntil(from: LocalDate, to: LocalDate): number {
  return packageCalendar().workingDaysUntil(from, to);
}

/** The period containing d, with its Chinese label (`2026年11月16日—11月22日`, `2026年11月`, `2026年第四季度`, `2026年`). */
export function periodRange(d: LocalDate, p: Period): { start: LocalDate; end: LocalDate; label: string } {
  const { year, month } = parts(d);
  switch (p) {
    case 'week': {
      const start = addDays(d, 1 - weekday(d));
      const end = addDays(start, 6);
      const s = parts(start);
      const e = parts(end);
      const endLabel = e.year === s.year ? `${e.month}月${e.day}日` : `${e.year}年${e.month}月${e.day}日`;
      return { start, end, label: `${s.year}年${s.month}月${s.day}日—${endLabel}` };
    }
    case 'month':
      return { start: ymd(year, month, 1), end: ymd(year, month, daysInMonth(year, month)), label: `${year}年${month}月` };
    case 'quarter': {
      const q = Math.floor((month - 1) / 3);
      const last = q * 3 + 3;
      return {
        start: ymd(year, q * 3 + 1, 1),
        end: ymd(year, last, daysInMonth(year, last)),
        label: `${year}年第${QUARTER_NAMES[q]!}季度`,
      };
    }
    case 'year':
      return { start: ymd(year, 1, 1), end: ymd(year, 12, 31), label: `${year}年` };
  }
}

/** firstWorkingDayOfPeriod on the package calendar; see Calendar. */
export function firstWorkingDayOfPeriod(d: LocalDate, p: Period): LocalDate | undefined {
  return packageCalendar().firstWorkingDayOfPeriod(d, p);
}

/** lastWorkingDaysOfPeriod on the package calendar; see Calendar. */
export function lastWorkingDaysOfPeriod(d: LocalDate, p: Period, n: number): LocalDate[] {
  return packageCalendar().lastWorkingDaysOfPeriod(d, p, n);
}

/** isInLastWorkingDays on the package calendar; see Calendar. */
export function isInLastWorkingDays(d: LocalDate, p: Period, n: number): boolean {
  return packageCalendar().isInLastWorkingDays(d, p, n);
}

function weekdayOfEpochDay(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

// Days-from-civil arithmetic (H. Hinnant) rather than Date, so no local-time getter can creep in.
function toEpochDay(d: LocalDate): number {
  const { year, month, day } = parts(d);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function fromEpochDay(n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole day: ${n}`);
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fromParts(year, month, day) ?? invalid(`epoch day ${n}`);
}

function ymd(year: number, month: number, day: number): LocalDate {
  return fromParts(year, month, day) ?? invalid(`${year}-${month}-${day}`);
}

function invalid(what: string): never {
  throw new RangeError(`date out of range: ${what}`);
}

function checked(d: LocalDate): LocalDate {
  if (!isValidLocalDate(d)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(d)}`);
  return d;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
