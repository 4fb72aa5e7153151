import { addMonths, fromParts, parts, periodRange, type LocalDate, type Period } from './calendar.js';
import { parseChineseNumber } from './dates.js';
import { lookup } from './lookup.js';

/** A reporting period picked by name, with the day its quotas are judged on. */
export interface NamedPeriod {
  period: Period;
  start: LocalDate;
  end: LocalDate;
  label: string;
}

/** The forms `/学习 统计` accepts for its period, for errors. */
export const PERIOD_EXAMPLES = '本月、上月、本季度、本年、11月、2026年3月、第三季度、2025年';

const N = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

/**
 * Reads `本月`, `上月`, `本季度`, `上季度`, `本年`, `去年`, `11月`, `2026年11月`, `2026-11`, `第三季度`, `2026年第一季度`,
 * `2026年` against today (Shanghai); a month or quarter without a year is the latest one not after today.
 */
export function parsePeriodWord(word: string, today: LocalDate): NamedPeriod | undefined {
  const s = word.normalize('NFKC').replace(/\s+/g, '');
  const named = (d: LocalDate, p: Period): NamedPeriod => ({ period: p, ...periodRange(d, p) });
  const { year, month } = parts(today);
  const relative: Record<string, [number, Period]> = {
    本月: [0, 'month'], 这个月: [0, 'month'], 当月: [0, 'month'], 上月: [-1, 'month'], 上个月: [-1, 'month'],
    本季度: [0, 'quarter'], 本季: [0, 'quarter'], 这个季度: [0, 'quarter'], 上季度: [-3, 'quarter'], 上个季度: [-3, 'quarter'],
    本年: [0, 'year'], 今年: [0, 'year'], 本年度: [0, 'year'], 去年: [-12, 'year'], 上年: [-12, 'year'],
  };
  const rel = lookup(relative, s);
  if (rel) return named(addMonths(periodRange(today, rel[1]).start, rel[0]), rel[1]);

  const iso = /^(\d{4})-(\d{1,2})$/.exec(s);
  const ym = iso ?? new RegExp(`^(?:(\\d{4})年)?${N}月份?$`).exec(s);
  if (ym) {
    const m = parseChineseNumber(ym[2]!);
    if (m === undefined || m < 1 || m > 12) return undefined;
    const y = ym[1] !== undefined ? Number(ym[1]) : m <= month ? year : year - 1;
    const d = fromParts(y, m, 1);
    return d === undefined ? undefined : named(d, 'month');
  }
  const q = new RegExp(`^(?:(\\d{4})年)?第?${N}季度$`).exec(s);
  if (q) {
    const n = parseChineseNumber(q[2]!);
    if (n === undefined || n < 1 || n > 4) return undefined;
    const thisQuarter = Math.floor((month - 1) / 3) + 1;
    const y = q[1] !== undefined ? Number(q[1]) : n <= thisQuarter ? year : year - 1;
    const d = fromParts(y, n * 3 - 2, 1);
    return d === undefined ? undefined : named(d, 'quarter');
  }
  const y = /^(\d{4})年度?$/.exec(s);
  if (y) {
    const d = fromParts(Number(y[1]), 1, 1);
    return d === undefined ? undefined : named(d, 'year');
  }
  return undefined;
}

/** Every month, quarter and year from the one holding `from` to the one holding `today`: what a store-to-store figure check compares. */
export function periodsBetween(from: LocalDate, today: LocalDate): { start: LocalDate; end: LocalDate; label: string }[] {
  const seen = new Map<string, { start: LocalDate; end: LocalDate; label: string }>();
  const { year, month } = parts(from);
  for (let d = `${year}-${String(month).padStart(2, '0')}-01`; d <= today; d = addMonths(d, 1)) {
    for (const p of ['month', 'quarter', 'year'] as Period[]) {
      const range = periodRange(d, p);
      seen.set(`${p}:${range.start}`, range);
    }
  }
  return [...seen.values()];
}
