import { addDays, daysInMonth, formatDate, fromParts, parts, periodRange, weekday, type LocalDate } from './calendar.js';
import { lunarToSolar } from './core-holidays.js';
import type { Calendar } from './working-calendar.js';

/** A resolved phrase with remarks for the echo, or a question back to the user. */
export type AnchorResult = { date: LocalDate; notes: string[] } | { error: string };

const HOLIDAY_WORDS: Readonly<Record<string, string>> = {
  元旦: '元旦', 春节: '春节', 过年: '春节', 年: '春节', 清明: '清明节', 清明节: '清明节', 五一: '劳动节', 劳动节: '劳动节',
  端午: '端午节', 端午节: '端午节', 中秋: '中秋节', 中秋节: '中秋节', 国庆: '国庆节', 国庆节: '国庆节',
};
const HOLIDAY = /^(元旦|春节|过年|年|清明节?|五一|劳动节|端午节?|中秋节?|国庆节?|节)(后)?$/;
const PART = /^(?:(本|这个?|当|下个?)月|(\d{1,2}|[一二三四五六七八九十]{1,3})月)?(月初|月中|上旬|中旬|下旬|初|中)$/;
const CN_MONTH: Readonly<Record<string, number>> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10, 十一: 11, 十二: 12 };

/**
 * Deadline phrases anchored on holidays (`国庆前`, `春节后`, `元宵节前`), on parts of a month (`上旬`, `12月中旬`,
 * `下月初`) and on the working week (`本周内`, `周五下班前`, `周末前`); undefined when `s` is none of them.
 */
export function anchorPhrase(s: string, today: LocalDate, cal: Calendar, saidBefore: boolean): AnchorResult | undefined {
  if (/^(全国)?两会$/.test(s)) {
    return { error: '「两会前」没有固定日期（全国两会通常在3月上旬召开），请写明具体日期，如 3月4日前' };
  }
  if (/^元宵节?$/.test(s)) return lantern(today, cal);
  const h = HOLIDAY.exec(s);
  if (h && (h[2] === '后' || saidBefore)) return holidayAnchor(h[1]!, h[2] === '后', today, cal);
  const p = PART.exec(s);
  if (p && (p[3] !== '初' && p[3] !== '中' || p[1] !== undefined || p[2] !== undefined)) return monthPart(p, today, cal);
  if (/^(本周|这周|这个?星期|本星期)(内|之内|以内)$/.test(s)) {
    const { start, end } = periodRange(today, 'week');
    return lastWorkingIn(start < today ? today : start, end, cal, `本周内（${formatDate(start)}—${formatDate(end)}）`);
  }
  if (/^(周五|星期五|礼拜五)下班$/.test(s) || (saidBefore && /^(本周末|周末)$/.test(s))) {
    const friday = addDays(today, (5 - weekday(today) + 7) % 7);
    // A Friday off (元旦 2027) moves the deadline to the working day before it.
    const last = cal.previousWorkingDay(friday);
    const date = last >= today ? last : friday;
    return { date, notes: s.includes('周末') ? ['「周末前」按本周五（最后一个工作日）理解'] : [] };
  }
  return undefined;
}

function holidayAnchor(word: string, after: boolean, today: LocalDate, cal: Calendar): AnchorResult {
  const { year } = parts(today);
  const name = word === '节' ? nextHolidayName(today, cal) : HOLIDAY_WORDS[word]!;
  for (const y of [year, year + 1]) {
    const block = holidayBlock(name, y, cal);
    if (!block) continue;
    if (after ? block.end < today : block.start <= today) continue;
    const notes = [`${name}假期 ${formatDate(block.start)} 至 ${formatDate(block.end)}`];
    if (word === '节') notes.unshift(`「节前」按${name}前理解`);
    if (after) return { date: cal.nextWorkingDay(addDays(block.end, 1)), notes: [...notes, '时限为节后第一个工作日'] };
    return { date: cal.previousWorkingDay(addDays(block.start, -1)), notes: [...notes, '时限为节前最后一个工作日'] };
  }
  return { error: `无法确定${name}的日期，请写明具体日期，如 12月31日` };
}

// The days off around the holiday's first core day, as the calendar counts them (entered, package or core).
function holidayBlock(name: string, year: number, cal: Calendar): { start: LocalDate; end: LocalDate } | undefined {
  let core: LocalDate | undefined;
  for (let d = `${year}-01-01`; d <= `${year}-12-31`; d = addDays(d, 1)) if (cal.holidayName(d) === name) { core = d; break; }
  if (!core) return undefined;
  let start = core;
  let end = core;
  while (cal.holidayName(addDays(start, -1)) === name || (!cal.isWorkingDay(addDays(start, -1)) && cal.holidayName(addDays(start, -2)) === name)) start = addDays(start, -1);
  while (!cal.isWorkingDay(addDays(end, 1)) && (cal.holidayName(addDays(end, 1)) === name || weekday(addDays(end, 1)) >= 6)) end = addDays(end, 1);
  return { start, end };
}

function nextHolidayName(today: LocalDate, cal: Calendar): string {
  for (let d = addDays(today, 1); ; d = addDays(d, 1)) {
    const n = cal.holidayName(d);
    if (n) return n;
  }
}

function lantern(today: LocalDate, cal: Calendar): AnchorResult {
  const { year } = parts(today);
  const day = [year, year + 1].map((y) => lunarToSolar(y, 1, 15)).find((d) => d > today)!;
  return { date: cal.previousWorkingDay(addDays(day, -1)), notes: [`元宵节为 ${formatDate(day)}，时限为其前最后一个工作日`] };
}

function monthPart(p: RegExpExecArray, today: LocalDate, cal: Calendar): AnchorResult {
  const part = p[3] === '初' ? '月初' : p[3] === '中' ? '月中' : p[3]!;
  const [from, to] = ({ 月初: [1, 5], 月中: [11, 20], 上旬: [1, 10], 中旬: [11, 20], 下旬: [21, 31] } as Record<string, [number, number]>)[part]!;
  const { year, month } = parts(today);
  const named = p[2] !== undefined ? (/^\d+$/.test(p[2]) ? Number(p[2]) : CN_MONTH[p[2]]) : undefined;
  if (named !== undefined && (named < 1 || named > 12)) return { error: `月份应为1—12：「${p[0]}」` };
  const candidates: [number, number][] =
    named !== undefined ? [[year, named], [year + 1, named]]
    : p[1]?.startsWith('下') ? [[month === 12 ? year + 1 : year, (month % 12) + 1]]
    : p[1] !== undefined ? [[year, month]]
    : [[year, month], [month === 12 ? year + 1 : year, (month % 12) + 1]];
  for (const [y, m] of candidates) {
    const start = fromParts(y, m, from)!;
    const end = fromParts(y, m, Math.min(to, daysInMonth(y, m)))!;
    if (end < today) continue;
    if (part === '月中') return { date: fromParts(y, m, 15)! >= today ? fromParts(y, m, 15)! : end, notes: [`「月中」按${m}月15日理解`] };
    return lastWorkingIn(start, end, cal, `${y === year ? '' : `${y}年`}${m}月${part}（${m}月${from}日—${parts(end).day}日）`);
  }
  return { error: `「${p[0]}」已经过去，请写明具体日期，如 ${month}月${daysInMonth(year, month)}日` };
}

function lastWorkingIn(start: LocalDate, end: LocalDate, cal: Calendar, label: string): AnchorResult {
  let d = end;
  while (d > start && !cal.isWorkingDay(d)) d = addDays(d, -1);
  return { date: d, notes: [`${label}是一段时间，以其中最后一个工作日 ${formatDate(d)} 为时限`] };
}
