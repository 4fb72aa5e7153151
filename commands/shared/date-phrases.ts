import * as chrono from 'chrono-node';
import {
  addDays,
  addMonths,
  formatDate,
  parts,
  periodRange,
  weekday,
  type LocalDate,
} from './calendar.js';
import { parseChineseNumber } from './chinese-number.js';
import { anchorPhrase } from './date-anchors.js';
import { ambiguousMonths, exact, found, invalidDate, nearestDayOfMonth, nearestMonthDay, outOfRange, pickYear, vagueError, ymd, type Ctx, type Resolved } from './date-context.js';
import { lookup } from './lookup.js';
import type { Calendar } from './working-calendar.js';

const NUM = '(\\d{1,9}|[零〇一二两三四五六七八九十百千]{1,8})';
const re = (source: string): RegExp => new RegExp(`^${source}$`);

const AGO = re(`${NUM}(天|周|个?星期|个?礼拜|个月|年|个?工作日)前`);
const RELATIVE = re(`${NUM}(个)?(天|日|周|星期|礼拜|月|年)(后|以后|之后|内|以内|之内)?`);
const HALF = re('半(个)?(月|年)(后|以后|之后|内|以内|之内)?');
const WORKING = re(`${NUM}个?工作日(后|以后|之后|内|以内|之内)?`);
const ISO = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const MONTH_DAY_NUMERIC = /^(\d{1,2})[-/.](\d{1,2})$/;
const YEAR_PREFIX = /^(今年|本年|明年|来年|后年|去年|前年|(\d{4}|\d{2}|[零〇一二三四五六七八九]{4})年)/;
const MONTH_DAY = re(`${NUM}月${NUM}[日号]?`);
const MONTH_END = re(`${NUM}月(底|末|内|份)`);
const HALF_YEAR = re('(上|下)半年(底|末|内)?');
const QUARTER_N = re(`第?${NUM}(?:季度(?:末|底|内)?|季(?:末|底|内))`);
const YEAR_END = /^(年度?)?(底|末|内)$/;
const MONTH_REL = re(`(?:(本|这个?|当|下下个?|下个?|上上个?|上个?)月${NUM}[日号]?|(本|这个?|当|下下个?|下个?|上上个?|上个?)?月(底|末|内))`);
const DAY_ONLY = re(`${NUM}[日号]`);
const QUARTER_REL = re('(本|这个?|当|下个?|上个?)?季度?(末|底|内)');
const WEEKDAY = re('(上上个?|上个?|本|这个?|下下个?|下个?)?(周|星期|礼拜)([一二三四五六日天1-7]|末)');
const VAGUE = re('(本|这个?|当|下下?个?|上上?个?|今|明|去)?(周|星期|礼拜|月|季度|年)');
const WEEKDAY_SUFFIX = /^(.*[日号\d])\(?(?:周|星期|礼拜)([一二三四五六日天1-7])\)?$/;

const TIME_OF_DAY = new RegExp(
  '\\s*(?:早上|早晨|上午|中午|下午|傍晚|晚上|夜里|凌晨)?\\s*' +
    '(?:(?:\\d{1,2}|[零一二两三四五六七八九十]{1,3})\\s*(?::\\s*\\d{2}|点(?:\\s*(?:\\d{1,2}|[零一二三四五六七八九十]{1,3})\\s*分?|半|钟)?|时))?$',
);
const RELATIVE_DAYS: Readonly<Record<string, number>> = {
  今天: 0, 今日: 0, 今早: 0, 今晚: 0, 明天: 1, 明日: 1, 明早: 1, 明晚: 1, 后天: 2, 大后天: 3,
  昨天: -1, 昨日: -1, 昨晚: -1, 前天: -2, 大前天: -3,
};
const WEEKDAY_NUMBERS: Readonly<Record<string, number>> = {
  一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 末: 7, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 7,
};

/** The phrase without filler: NFKC, lower case, no 截止/前 markers, no time of day, no spaces. */
export function normalize(text: string): string {
  let s = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  s = s.replace(/^(截至|截止(?:到|至|于)?|不晚于|最迟|最晚|到|至|于|在)\s*/, '');
  s = withoutDeadlineMarker(s);
  // Only the date is kept; a time of day (「下午5点」「17:00」) would otherwise hide it from the rules below.
  const withoutTime = s.replace(TIME_OF_DAY, '');
  if (withoutTime !== '') s = withoutDeadlineMarker(withoutTime);
  return s.replace(/ /g, '');
}

// 「3天前」 means three days ago, but 「月底前」/「6月30日前」 only mark a deadline.
function withoutDeadlineMarker(s: string): string {
  return agoMatch(s.replace(/ /g, '')) === undefined ? s.replace(/\s*(之前|以前|前|为止|止)$/, '') : s;
}


/** The date a normalised phrase names, an error for one it names wrongly, or undefined for one no rule knows. */
export function resolve(s: string, ctx: Ctx): Resolved | undefined {
  const suffix = WEEKDAY_SUFFIX.exec(s);
  if (suffix) {
    const inner = resolve(suffix[1]!, ctx);
    if (inner === undefined || 'error' in inner) return inner;
    const written = WEEKDAY_NUMBERS[suffix[2]!]!;
    if (weekday(inner.date) !== written) {
      return { error: `「${ctx.shown}」日期与星期不符：${formatDate(inner.date)}，请核对` };
    }
    return inner;
  }
  return (
    relativeWord(s, ctx) ??
    (ctx.allowPast ? undefined : anchorPhrase(s, ctx.today, ctx.cal, ctx.saidBefore)) ??
    ago(s, ctx) ??
    workingDays(s, ctx) ??
    relativeCount(s, ctx) ??
    numeric(s, ctx) ??
    withYearPrefix(s, ctx) ??
    monthRelative(s, ctx) ??
    quarterRelative(s, ctx) ??
    weekdayPhrase(s, ctx) ??
    vague(s, ctx) ??
    viaChrono(s, ctx)
  );
}

function relativeWord(s: string, ctx: Ctx): Resolved | undefined {
  const n = RELATIVE_DAYS[s.replace(/(之内|以内|内)$/, '')];
  return n === undefined ? undefined : found(addDays(ctx.today, n));
}

function ago(s: string, ctx: Ctx): Resolved | undefined {
  const m = agoMatch(s);
  return m === undefined ? undefined : found(shift(ctx.today, -m.n, m.unit, ctx.cal));
}

// 「2026年前」 is a year, not two thousand years ago.
function agoMatch(s: string): { n: number; unit: string } | undefined {
  const m = AGO.exec(s);
  const n = m ? parseChineseNumber(m[1]!) : undefined;
  if (!m || n === undefined || (m[2] === '年' && n >= 1000)) return undefined;
  return { n, unit: m[2]! };
}

function workingDays(s: string, ctx: Ctx): Resolved | undefined {
  const m = WORKING.exec(s);
  if (!m) return undefined;
  const n = parseChineseNumber(m[1]!);
  if (n === undefined) return undefined;
  if (n > 3660) return { error: outOfRange(ctx) };
  return found(ctx.cal.addWorkingDays(ctx.today, n));
}

function relativeCount(s: string, ctx: Ctx): Resolved | undefined {
  const half = HALF.exec(s);
  if (half) return found(half[2] === '月' ? addDays(ctx.today, 15) : addMonths(ctx.today, 6));
  const m = RELATIVE.exec(s);
  if (!m) return undefined;
  const [, num, ge, unit, suffix] = m;
  // 「3日」 is the 3rd of a month and 「3月」 is March; only with 后/内 (or 个 for months) are they spans.
  if (suffix === undefined && (unit === '日' || unit === '年')) return undefined;
  if (unit === '月' && ge === undefined) {
    // 「3月后」 may be three months on or after March; chrono would also overflow 12-31 + 2 months into March.
    return suffix === undefined || suffix.endsWith('内') ? undefined : { error: ambiguousMonths(ctx, num!) };
  }
  const n = parseChineseNumber(num!);
  // 「2026年内」 is the year 2026, handled with the year-prefixed forms.
  if (n === undefined || (unit === '年' && n >= 1000)) return undefined;
  return found(shift(ctx.today, n, unit!, ctx.cal));
}

function shift(d: LocalDate, n: number, unit: string, cal: Calendar): LocalDate {
  if (Math.abs(n) > 400_000) throw new RangeError('count too large');
  if (unit.endsWith('工作日')) {
    if (Math.abs(n) > 3660) throw new RangeError('count too large');
    return cal.addWorkingDays(d, n);
  }
  if (unit === '天' || unit === '日') return addDays(d, n);
  if (unit.endsWith('月')) return addMonths(d, n);
  if (unit === '年') return addMonths(d, 12 * n);
  return addDays(d, 7 * n);
}

function numeric(s: string, ctx: Ctx): Resolved | undefined {
  const full = ISO.exec(s) ?? COMPACT.exec(s);
  if (full) return exact(Number(full[1]), Number(full[2]), Number(full[3]), ctx);
  const md = MONTH_DAY_NUMERIC.exec(s);
  if (md) return nearestMonthDay(Number(md[1]), Number(md[2]), ctx);
  return undefined;
}

function withYearPrefix(s: string, ctx: Ctx): Resolved | undefined {
  const prefix = YEAR_PREFIX.exec(s);
  const body = prefix ? s.slice(prefix[0].length) : s;
  const year = prefix ? prefixYear(prefix, ctx) : undefined;
  if (prefix && year === undefined) return undefined;

  const md = MONTH_DAY.exec(body);
  if (md) {
    const month = parseChineseNumber(md[1]!);
    const day = parseChineseNumber(md[2]!);
    if (month === undefined || day === undefined) return undefined;
    return year === undefined ? nearestMonthDay(month, day, ctx) : exact(year, month, day, ctx);
  }
  const me = MONTH_END.exec(body);
  if (me) {
    const month = parseChineseNumber(me[1]!);
    if (month === undefined) return undefined;
    if (month < 1 || month > 12) return { error: invalidDate(ctx, '月份应为1—12') };
    return pickYear(year, ctx, (y) => periodRange(ymd(y, month, 1), 'month').end);
  }
  const hy = HALF_YEAR.exec(body);
  if (hy) return pickYear(year, ctx, (y) => ymd(y, hy[1] === '上' ? 6 : 12, hy[1] === '上' ? 30 : 31));
  const q = QUARTER_N.exec(body);
  if (q) {
    const quarter = parseChineseNumber(q[1]!);
    if (quarter === undefined) return undefined;
    if (quarter < 1 || quarter > 4) return { error: invalidDate(ctx, '季度应为1—4') };
    return pickYear(year, ctx, (y) => periodRange(ymd(y, quarter * 3, 1), 'quarter').end);
  }
  const ye = YEAR_END.exec(body);
  if (ye && (prefix || ye[1] !== undefined)) return found(ymd(year ?? parts(ctx.today).year, 12, 31));
  if (prefix && (body === '' || body === '度' || re(`${NUM}月`).test(body))) {
    return { error: vagueError(ctx) };
  }
  return undefined;
}

function prefixYear(prefix: RegExpExecArray, ctx: Ctx): number | undefined {
  const thisYear = parts(ctx.today).year;
  const relative: Record<string, number> = { 今年: 0, 本年: 0, 明年: 1, 来年: 1, 后年: 2, 去年: -1, 前年: -2 };
  const word = prefix[1]!;
  const offset = lookup(relative, word);
  if (offset !== undefined) return thisYear + offset;
  const n = parseChineseNumber(prefix[2]!);
  if (n === undefined) return undefined;
  return prefix[2]!.length === 2 ? 2000 + n : n;
}

function monthRelative(s: string, ctx: Ctx): Resolved | undefined {
  const m = MONTH_REL.exec(s);
  if (m) {
    const prefix = m[1] ?? m[3];
    const first = addMonths(periodRange(ctx.today, 'month').start, monthOffset(prefix));
    if (m[4] !== undefined) return found(periodRange(first, 'month').end);
    const day = parseChineseNumber(m[2]!);
    if (day === undefined) return undefined;
    const { year, month } = parts(first);
    return exact(year, month, day, ctx);
  }
  const d = DAY_ONLY.exec(s);
  if (d) {
    const day = parseChineseNumber(d[1]!);
    return day === undefined ? undefined : nearestDayOfMonth(day, ctx);
  }
  return undefined;
}

function monthOffset(prefix: string | undefined): number {
  if (prefix === undefined) return 0;
  if (prefix.startsWith('下下')) return 2;
  if (prefix.startsWith('下')) return 1;
  if (prefix.startsWith('上上')) return -2;
  if (prefix.startsWith('上')) return -1;
  return 0;
}

function quarterRelative(s: string, ctx: Ctx): Resolved | undefined {
  const m = QUARTER_REL.exec(s);
  if (!m) return undefined;
  const first = addMonths(periodRange(ctx.today, 'quarter').start, 3 * monthOffset(m[1]));
  return found(periodRange(first, 'quarter').end);
}

function weekdayPhrase(s: string, ctx: Ctx): Resolved | undefined {
  const m = WEEKDAY.exec(s);
  if (!m) return undefined;
  const target = WEEKDAY_NUMBERS[m[3]!]!;
  const today = ctx.today;
  const prefix = m[1];
  if (prefix === undefined) {
    const ahead = (target - weekday(today) + 7) % 7;
    return found(ctx.allowPast ? addDays(today, ahead === 0 ? 0 : ahead - 7) : addDays(today, ahead));
  }
  const monday = addDays(today, 1 - weekday(today));
  return found(addDays(monday, 7 * monthOffset(prefix) + target - 1));
}

function vague(s: string, ctx: Ctx): Resolved | undefined {
  return VAGUE.test(s) || re(`${NUM}月`).test(s) ? { error: vagueError(ctx) } : undefined;
}

function viaChrono(s: string, ctx: Ctx): Resolved | undefined {
  // chrono's zh parsers ignore the reference timezone and read the instant with the server's local-time getters,
  // so it is handed an instant whose local wall clock shows Shanghai's, and no timezone.
  const wall = new Date(ctx.now.getTime() + 8 * 3_600_000);
  const shanghaiWallClock = new Date(
    wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate(),
    wall.getUTCHours(), wall.getUTCMinutes(), wall.getUTCSeconds(),
  );
  const results = chrono.zh.hans.parse(s, shanghaiWallClock, { forwardDate: !ctx.allowPast });
  const r = results[0];
  // chrono happily matches a fragment (「下下周三」 → 「下周三」), so only a reading of the whole text counts.
  if (results.length !== 1 || r === undefined || r.index !== 0 || r.text !== s) return undefined;
  const c = r.start;
  if (!c.isCertain('day') && !c.isCertain('weekday')) return undefined;
  const year = c.get('year');
  const month = c.get('month');
  const day = c.get('day');
  if (year === null || month === null || day === null) return undefined;
  if (c.isCertain('month') && c.isCertain('day') && !c.isCertain('year')) return nearestMonthDay(month, day, ctx);
  const result = exact(year, month, day, ctx);
  // Merging 「周五」 with 「下午」 can leave chrono with Friday's weekday on today's date.
  const wd = c.get('weekday');
  if ('date' in result && c.isCertain('weekday') && wd !== null && weekday(result.date) !== (wd === 0 ? 7 : wd)) {
    return undefined;
  }
  return result;
}

