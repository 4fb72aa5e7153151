// chinese-days' own functions read and format dates with the server's local-time getters, so in any
// TZ other than UTC (or +08:00) they answer for the wrong day; its published data table is used instead.
// The package ships only a minified CommonJS bundle whose named exports Node's ESM loader cannot see.
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { HolidayEntry } from '../../storage/records.js';
import { addDays, parts, periodRange, weekday, type LocalDate, type Period } from './calendar.js';
import { coreHolidays, HOLIDAY_NAMES, type HolidayName } from './core-holidays.js';

/** Where a year's working days come from: the office's entry, the holiday package, or only the statutory core days. */
export type CalendarSource = 'entered' | 'package' | 'core';

/** A holiday as the office entered it (see HolidayEntry in storage). */
export type EnteredHoliday = Pick<HolidayEntry, 'year' | 'name' | 'off' | 'work'>;

/** Working days on the statutory holiday and 调休 calendar; build one per command or job run with createCalendar. */
export interface Calendar {
  /** Statutory holidays and weekends are off, 调休 make-up days are on. */
  isWorkingDay(d: LocalDate): boolean;
  /** The Chinese name of the statutory holiday covering that date (e.g. `国庆节`), if any. */
  holidayName(d: LocalDate): string | undefined;
  /** For a 调休 make-up working day (a weekend worked in lieu), the holiday it pays for; otherwise undefined. */
  makeupWorkdayFor(d: LocalDate): string | undefined;
  /** Where that year's days come from; for `core` the 调休 days are unknown. */
  source(year: number): CalendarSource;
  /** Whether the year's 调休 arrangement is known (package data, or all seven holidays entered). */
  hasCalendarData(year: number): boolean;
  /** The holidays of a year that neither the package nor the office's entry covers. */
  missingHolidays(year: number): HolidayName[];
  /** n > 0 steps forward n working days, n < 0 backward, not counting d itself; n = 0 gives nextWorkingDay(d). */
  addWorkingDays(d: LocalDate, n: number): LocalDate;
  /** The first working day on or after d. */
  nextWorkingDay(d: LocalDate): LocalDate;
  /** The last working day on or before d. */
  previousWorkingDay(d: LocalDate): LocalDate;
  /** Working days after `from` up to and including `to`; negative (overdue) when `to` is earlier. */
  workingDaysUntil(from: LocalDate, to: LocalDate): number;
  /** The first working day of d's period, or undefined when the period has none. */
  firstWorkingDayOfPeriod(d: LocalDate, p: Period): LocalDate | undefined;
  /** The last n working days of d's period, in calendar order. */
  lastWorkingDaysOfPeriod(d: LocalDate, p: Period, n: number): LocalDate[];
  /** Whether d is itself a working day and one of the last n working days of its period. */
  isInLastWorkingDays(d: LocalDate, p: Period, n: number): boolean;
}

type DayInfo = { off: boolean; name: string };

const DAY_MS = 86_400_000;

/** Milliseconds at UTC midnight of a calendar day (years below 100 too, which Date.UTC would read as 19xx). */
function utcDay(y: number, m: number, d: number): number {
  return new Date(0).setUTCFullYear(y, m - 1, d);
}

const packageHolidays: Readonly<Record<string, string>> = chineseDays.holidays;
const packageWorkdays: Readonly<Record<string, string>> = chineseDays.workdays;
const packageYears: ReadonlySet<number> = new Set(Object.keys(packageHolidays).map((d) => Number(d.slice(0, 4))));

/** Whether the holiday package (chinese-days) has that year's arrangement. */
export function packageHasYear(year: number): boolean {
  return packageYears.has(year);
}

/**
 * A calendar where the office's entered holidays take precedence day by day over the package, and a year the
 * package lacks still keeps the statutory core days off (its 调休 unknown until entered).
 */
export function createCalendar(entered: readonly EnteredHoliday[] = []): Calendar {
  const enteredDays = new Map<LocalDate, DayInfo>();
  const enteredNames = new Map<number, Set<string>>();
  for (const h of entered) {
    for (const d of h.off) enteredDays.set(d, { off: true, name: h.name });
    for (const d of h.work) enteredDays.set(d, { off: false, name: h.name });
    enteredNames.set(h.year, (enteredNames.get(h.year) ?? new Set()).add(h.name));
  }
  const coreByYear = new Map<number, Map<LocalDate, string>>();
  const coreDays = (year: number) => {
    let m = coreByYear.get(year);
    if (!m) coreByYear.set(year, (m = new Map(coreHolidays(year).flatMap((h) => h.days.map((d) => [d, h.name] as const)))));
    return m;
  };
  const info = (d: LocalDate): DayInfo | undefined => {
    const e = enteredDays.get(d);
    if (e) return e;
    const year = Number(d.slice(0, 4));
    if (packageYears.has(year)) {
      const off = packageHolidays[d];
      if (off !== undefined) return { off: true, name: chineseName(off) };
      const work = packageWorkdays[d];
      return work === undefined ? undefined : { off: false, name: chineseName(work) };
    }
    const core = coreDays(year).get(d);
    return core === undefined ? undefined : { off: true, name: core };
  };
  // A report asks about the same few hundred days for every open item: each day's answer is worked out once.
  const working = new Map<LocalDate, boolean>();
  const isWorkingDay = (d: LocalDate) => {
    let w = working.get(d);
    if (w === undefined) {
      const i = info(d);
      working.set(d, (w = i ? !i.off : weekday(d) <= 5));
    }
    return w;
  };
  // Working days counted once per year, so that counting between two days is a few lookups (a province's card counts
  // 10,000 overdue items' days): element i is the working days among the year's first i days.
  const years = new Map<number, Int32Array>();
  const yearDays = (year: number) => {
    let counts = years.get(year);
    if (!counts) {
      const n = (utcDay(year + 1, 1, 1) - utcDay(year, 1, 1)) / DAY_MS;
      counts = new Int32Array(n + 1);
      let day = `${String(year).padStart(4, '0')}-01-01`;
      for (let i = 0; i < n; i++, day = addDays(day, 1)) counts[i + 1] = counts[i]! + (isWorkingDay(day) ? 1 : 0);
      years.set(year, counts);
    }
    return counts;
  };
  // Working days from 1 January of d's year through d.
  const throughDay = (d: LocalDate) => {
    const [y, m, day] = [Number(d.slice(0, 4)), Number(d.slice(5, 7)), Number(d.slice(8, 10))];
    return yearDays(y)[(utcDay(y, m, day) - utcDay(y, 1, 1)) / DAY_MS + 1]!;
  };
  const missingHolidays = (year: number) =>
    packageYears.has(year) ? [] : HOLIDAY_NAMES.filter((n) => !enteredNames.get(year)?.has(n));
  const nextWorkingDay = (d: LocalDate) => {
    let day = d;
    while (!isWorkingDay(day)) day = addDays(day, 1);
    return day;
  };
  const lastWorkingDaysOfPeriod = (d: LocalDate, p: Period, n: number) => {
    const { start, end } = periodRange(d, p);
    const found: LocalDate[] = [];
    for (let day = end; day >= start && found.length < n; day = addDays(day, -1)) if (isWorkingDay(day)) found.unshift(day);
    return found;
  };
  return {
    isWorkingDay,
    holidayName: (d) => {
      const i = info(checked(d));
      return i?.off ? i.name : undefined;
    },
    makeupWorkdayFor: (d) => {
      const i = info(checked(d));
      return i && !i.off && weekday(d) >= 6 ? i.name : undefined;
    },
    source: (year) => (enteredNames.has(year) ? 'entered' : packageYears.has(year) ? 'package' : 'core'),
    hasCalendarData: (year) => missingHolidays(year).length === 0,
    missingHolidays,
    addWorkingDays(d, n) {
      if (!Number.isInteger(n)) throw new RangeError(`working-day count must be an integer: ${n}`);
      if (n === 0) return nextWorkingDay(d);
      const step = n > 0 ? 1 : -1;
      let day = d;
      for (let left = Math.abs(n); left > 0; ) {
        day = addDays(day, step);
        if (isWorkingDay(day)) left--;
      }
      return day;
    },
    nextWorkingDay,
    previousWorkingDay(d) {
      let day = d;
      while (!isWorkingDay(day)) day = addDays(day, -1);
      return day;
    },
    workingDaysUntil(from, to) {
      const [a, b] = from <= to ? [from, to] : [to, from];
      const [ya, yb] = [Number(a.slice(0, 4)), Number(b.slice(0, 4))];
      let count = throughDay(b) - throughDay(a);
      for (let y = ya; y < yb; y++) count += yearDays(y)[yearDays(y).length - 1]!;
      return count === 0 || to > from ? count : -count;
    },
    firstWorkingDayOfPeriod(d, p) {
      const { start, end } = periodRange(d, p);
      for (let day = start; day <= end; day = addDays(day, 1)) if (isWorkingDay(day)) return day;
      return undefined;
    },
    lastWorkingDaysOfPeriod,
    isInLastWorkingDays: (d, p, n) => isWorkingDay(d) && lastWorkingDaysOfPeriod(d, p, n).includes(d),
  };
}

function checked(d: LocalDate): LocalDate {
  parts(d);
  return d;
}

// Entries read "National Day,国庆节,3"; 清明/端午/中秋 are short forms people write with 节.
function chineseName(entry: string): string {
  const name = entry.split(',')[1] ?? entry;
  return name === '元旦' || name.endsWith('节') ? name : `${name}节`;
}
