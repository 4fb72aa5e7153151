import { addMonths, daysInMonth, diffDays, formatDate, fromParts, parts, periodRange, type LocalDate } from './calendar.js';
import type { Calendar } from './working-calendar.js';

// What the date phrase rules share: the parse's context, the result shape, exact dates and the Chinese errors.

// Outside this range a date is almost surely a typo.
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

/** The forms named in every error message. */
export const DATE_EXAMPLES = '12月31日、2026-12-31、下周五、3天后、月底';

/** A phrase's date with remarks for the echo, or a short Chinese error. */
export type Resolved = { date: LocalDate; notes: string[] } | { error: string };

/** What every phrase rule needs to know about the parse. */
export interface Ctx {
  today: LocalDate;
  now: Date;
  allowPast: boolean;
  /** The user's text as quoted back in errors. */
  shown: string;
  cal: Calendar;
  /** Whether the text ended in 前 (which normalize drops): 「周末前」 is Friday, 「周末」 Sunday. */
  saidBefore: boolean;
}

/** The date of a written year, month and day, or the Chinese error saying which part is impossible. */
export function exact(year: number, month: number, day: number, ctx: Ctx): Resolved {
  if (month < 1 || month > 12) return { error: invalidDate(ctx, '月份应为1—12') };
  if (year < MIN_YEAR || year > MAX_YEAR) return { error: outOfRange(ctx) };
  if (day < 1) return { error: invalidDate(ctx, '日应为1—31') };
  const d = fromParts(year, month, day);
  return d === undefined ? { error: invalidDate(ctx, `${year}年${month}月只有${daysInMonth(year, month)}天`) } : found(d);
}

/** Without a year: the next such date from today on, or with allowPast the latest one up to today. */
export function nearestMonthDay(month: number, day: number, ctx: Ctx): Resolved {
  if (month < 1 || month > 12) return { error: invalidDate(ctx, '月份应为1—12') };
  if (day < 1) return { error: invalidDate(ctx, '日应为1—31') };
  if (day > daysInMonth(2000, month)) return { error: invalidDate(ctx, `${month}月最多${daysInMonth(2000, month)}天`) };
  const thisYear = parts(ctx.today).year;
  const thisYears = fromParts(thisYear, month, day);
  // 「12月1日」 typed on 11-30 is a slip, not last December: ask rather than move it a year back.
  if (ctx.allowPast && thisYears !== undefined && thisYears > ctx.today && diffDays(ctx.today, thisYears) <= 62) {
    return { error: `「${ctx.shown}」是 ${formatDate(thisYears)}，日期不能晚于今天（${formatDate(ctx.today)}）；如指去年，请写 ${thisYear - 1}年${month}月${day}日` };
  }
  const step = ctx.allowPast ? -1 : 1;
  for (let y = thisYear; Math.abs(y - thisYear) <= 8; y += step) {
    const d = fromParts(y, month, day);
    if (d !== undefined && (ctx.allowPast ? d <= ctx.today : d >= ctx.today)) return withYearNote(d, ctx);
  }
  return { error: invalidDate(ctx, `${month}月没有${day}日`) };
}

/** A day of the month without a month: this month's if not passed (allowPast: not yet come), else the next (previous) one's. */
export function nearestDayOfMonth(day: number, ctx: Ctx): Resolved {
  if (day < 1 || day > 31) return { error: invalidDate(ctx, '日应为1—31') };
  const first = periodRange(ctx.today, 'month').start;
  const step = ctx.allowPast ? -1 : 1;
  for (let k = 0; Math.abs(k) <= 2; k += step) {
    const { year, month } = parts(addMonths(first, k));
    const d = fromParts(year, month, day);
    if (d !== undefined && (ctx.allowPast ? d <= ctx.today : d >= ctx.today)) {
      return k === 0 ? found(d) : { date: d, notes: [`未写月份，按${year}年${month}月理解`] };
    }
  }
  return { error: invalidDate(ctx, `没有${day}日`) };
}

/** A period end named without a year: this year's if still ahead, else next year's (allowPast: the latest one passed). */
export function pickYear(year: number | undefined, ctx: Ctx, end: (y: number) => LocalDate): Resolved {
  if (year !== undefined) return found(end(year));
  const thisYear = parts(ctx.today).year;
  const candidate = end(thisYear);
  if (ctx.allowPast) return candidate <= ctx.today ? found(candidate) : withYearNote(end(thisYear - 1), ctx);
  return candidate >= ctx.today ? found(candidate) : withYearNote(end(thisYear + 1), ctx);
}

/** The date with a note saying which year was assumed, when it is not this year. */
export function withYearNote(d: LocalDate, ctx: Ctx): Resolved {
  const y = parts(d).year;
  return y === parts(ctx.today).year ? found(d) : { date: d, notes: [`未写年份，按${y}年理解`] };
}


/** A resolved date without remarks. */
export function found(date: LocalDate): Resolved {
  return { date, notes: [] };
}

/** The date of year, month, day; a RangeError (caught by parseDate) for one that does not exist. */
export function ymd(year: number, month: number, day: number): LocalDate {
  const d = fromParts(year, month, day);
  if (d === undefined) throw new RangeError(`no such date ${year}-${month}-${day}`);
  return d;
}


/** The user's text as quoted back in errors, cut at 20 characters. */
export function shown(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return [...t].length > 20 ? `${[...t].slice(0, 20).join('')}…` : t;
}


/** `「…」不是有效日期（why）` with the accepted forms. */
export function invalidDate(ctx: Ctx, why: string): string {
  return `「${ctx.shown}」不是有效日期（${why}），请写成 ${DATE_EXAMPLES} 等`;
}

/** The error for a year outside 2000—2100. */
export function outOfRange(ctx: Ctx): string {
  return `「${ctx.shown}」超出可登记的日期范围（${MIN_YEAR}—${MAX_YEAR}年），请核对`;
}

/** The error for `N月后`-like text that could be a month or a count of months. */
export function ambiguousMonths(ctx: Ctx, n: string): string {
  return `「${ctx.shown}」有歧义，请写成 ${n}个月后，或写明具体日期如 ${DATE_EXAMPLES.split('、')[0]}`;
}

/** The error for a period (`下周`, `本月`) where a day is needed. */
export function vagueError(ctx: Ctx): string {
  return `「${ctx.shown}」不够具体，请写明哪一天，如 下周五、12月31日、月底`;
}
