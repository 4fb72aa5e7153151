import { packageCalendar, parts, toLocalDate, weekday, weekdayName, type LocalDate } from './calendar.js';
import { DATE_EXAMPLES, MAX_YEAR, MIN_YEAR, outOfRange, shown, type Ctx, type Resolved } from './date-context.js';
import { normalize, resolve } from './date-phrases.js';
import type { Calendar } from './working-calendar.js';

export { DATE_EXAMPLES } from './date-context.js';
export { parseChineseNumber } from './chinese-number.js';

/** Either the resolved Shanghai date with Chinese remarks for the echo, or a short Chinese error showing accepted forms. */
export type DateParse = { ok: true; date: LocalDate; notes: string[]; uncoveredYear?: number } | { ok: false; error: string };

/** Options for parseDate; `allowPast` resolves year-less and weekday-only phrases to the latest such date not after today. */
export interface ParseDateOptions {
  allowPast?: boolean;
  /** The working calendar with the office's entries (loadCalendar); the package calendar when left out. */
  calendar?: Calendar;
}

/**
 * Resolves a deadline or date phrase as people write it (`12月31日`, `下周五`, `3个工作日内`, `年底前`, `下月15号`) against
 * `now` in Asia/Shanghai; never throws for any text, and a non-working result is still accepted, with a note saying why.
 */
export function parseDate(text: string, now: Date, opts: ParseDateOptions = {}): DateParse {
  const today = toLocalDate(now);
  const cal = opts.calendar ?? packageCalendar();
  const saidBefore = /(之前|以前|前)\s*$/.test(text.trim());
  const ctx: Ctx = { today, now, allowPast: opts.allowPast === true, shown: shown(text), cal, saidBefore };
  const s = normalize(text);
  if (s === '') return { ok: false, error: `未填写日期，请写成 ${DATE_EXAMPLES} 等` };
  let resolved: Resolved;
  try {
    resolved = resolve(s, ctx) ?? { error: `无法识别日期「${ctx.shown}」，请写成 ${DATE_EXAMPLES} 等` };
  } catch (e) {
    // Calendar arithmetic throws RangeError only for counts that run far outside the supported years.
    if (!(e instanceof RangeError)) throw e;
    resolved = { error: outOfRange(ctx) };
  }
  if ('error' in resolved) return { ok: false, error: resolved.error };
  const { year } = parts(resolved.date);
  if (year < MIN_YEAR || year > MAX_YEAR) return { ok: false, error: outOfRange(ctx) };
  return { ok: true, date: resolved.date, notes: [...resolved.notes, ...dayNotes(resolved.date, ctx)], ...(ctx.cal.hasCalendarData(year) ? {} : { uncoveredYear: year }) };
}

function dayNotes(d: LocalDate, ctx: Ctx): string[] {
  const notes: string[] = [];
  const holiday = ctx.cal.holidayName(d);
  if (holiday !== undefined) notes.push(`该日为法定节假日（${holiday}），非工作日`);
  else if (ctx.cal.makeupWorkdayFor(d) !== undefined) notes.push('该日为调休工作日');
  else if (weekday(d) >= 6) notes.push(`该日为${weekdayName(d)}，非工作日`);
  if (!ctx.allowPast && d < ctx.today) notes.push(`该日期早于今天（今天是${ctx.today}）`);
  if (ctx.allowPast && d > ctx.today) notes.push(`该日期晚于今天（今天是${ctx.today}）`);
  return notes;
}

