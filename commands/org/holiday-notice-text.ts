import { addDays, formatDate, fromParts, parts, weekday, type LocalDate } from '../shared/calendar.js';
import { coreHolidays, HOLIDAY_NAMES, type HolidayName } from '../shared/core-holidays.js';

/** One holiday of the schedule as read from the admin's text. */
export interface ParsedHoliday {
  name: HolidayName;
  off: LocalDate[];
  work: LocalDate[];
}

/** The schedule read from `/假期` text, with warnings the admin should check; or what was wrong. */
export type HolidayParse = { ok: true; year: number; holidays: ParsedHoliday[]; warnings: string[] } | { ok: false; error: string };

/** The form named in every error. */
export const HOLIDAY_EXAMPLE = '/假期 2027 元旦 1月1日-1月3日 调休:1月4日';

const NAME_WORDS: Readonly<Record<string, HolidayName>> = {
  元旦: '元旦', 春节: '春节', 清明节: '清明节', 清明: '清明节', 劳动节: '劳动节', 五一: '劳动节',
  端午节: '端午节', 端午: '端午节', 中秋节: '中秋节', 中秋: '中秋节', 国庆节: '国庆节', 国庆: '国庆节',
};
const NAME = new RegExp(`(${Object.keys(NAME_WORDS).sort((a, b) => b.length - a.length).join('|')})`, 'g');
const DATE = /(?:(\d{4})\s*[年\-/.]\s*)?(?:(\d{1,2})\s*[月\-/.]\s*)?(\d{1,2})\s*[日号]?/g;
const RANGE_SEP = /^\s*(?:至|到|-|—|–|~|～|－)\s*$/;

/**
 * Reads one or more holidays as the admin types them (`元旦 1月1日-1月3日 调休:1月4日`) or pastes them from the
 * State Council notice (`一、元旦：1月1日（周五）至3日（周日）放假调休，共3天。1月9日（周六）上班。`).
 */
export function parseHolidayText(text: string, today: LocalDate): HolidayParse {
  // Remarks in brackets (weekdays, lunar dates) and day counts (共3天) are not dates of the arrangement.
  const s = text.normalize('NFKC').replace(/[（(][^）)]*[）)]/g, ' ').replace(/(?:共|放假)\s*\d+\s*天/g, ' ');
  const yearMatch = /^\s*(\d{4})\s*年?/.exec(s) ?? /(\d{4})\s*年\s*部分节假日/.exec(s);
  const { year: thisYear, month } = parts(today);
  const year = yearMatch ? Number(yearMatch[1]) : month >= 10 ? thisYear + 1 : thisYear;
  if (year < 2000 || year > 2100) return { ok: false, error: `年份 ${year} 超出范围，请写 2000—2100 年。` };
  const body = yearMatch && yearMatch.index === 0 ? s.slice(yearMatch[0].length) : s;
  const segments = splitByName(body);
  if (segments.length === 0) {
    return { ok: false, error: `没有找到节日名称（${HOLIDAY_NAMES.join('、')}），请写成 ${HOLIDAY_EXAMPLE}` };
  }
  const holidays: ParsedHoliday[] = [];
  const warnings: string[] = [];
  for (const seg of segments) {
    const read = readSegment(seg.text, year, seg.names[seg.names.length - 1]!);
    if ('error' in read) return { ok: false, error: `${seg.names.join('、')}：${read.error}` };
    for (const name of seg.names) {
      holidays.push({ name, ...read });
      warnings.push(...check(name, year, read));
    }
  }
  return { ok: true, year, holidays, warnings };
}

function splitByName(s: string): { names: HolidayName[]; text: string }[] {
  const hits = [...s.matchAll(NAME)];
  const out: { names: HolidayName[]; text: string }[] = [];
  for (const [i, h] of hits.entries()) {
    const name = NAME_WORDS[h[1]!]!;
    const end = hits[i + 1]?.index ?? s.length;
    const text = s.slice(h.index! + h[0].length, end);
    // 「中秋节、国庆节：9月29日至10月6日」 names two holidays sharing one arrangement.
    const last = out[out.length - 1];
    if (last && last.text.trim().replace(/[、，,和与及\s]/g, '') === '') last.names.push(name), (last.text = text);
    else out.push({ names: [name], text });
  }
  return out;
}

function readSegment(text: string, year: number, name: HolidayName): { off: LocalDate[]; work: LocalDate[] } | { error: string } {
  const explicit = /调休\s*[:：]\s*(.*)$/.exec(text);
  const onDuty = [...text.matchAll(/([^。；;]*?)\s*上班/g)].map((m) => m[1]!);
  const offText = explicit ? text.slice(0, explicit.index) : text.replace(/[^。；;]*?上班/g, ' ');
  const workText = explicit ? explicit[1]! : onDuty.join('、');
  const off = readDays(offText, year, name, true);
  if ('error' in off) return off;
  if (off.days.length === 0) return { error: `没有找到放假日期，请写成 ${HOLIDAY_EXAMPLE}` };
  const work = readDays(workText, year, name, false);
  if ('error' in work) return work;
  const both = work.days.filter((d) => off.days.includes(d));
  if (both.length > 0) return { error: `${both.map(formatDate).join('、')} 既写为放假又写为上班，请核对` };
  return { off: off.days, work: work.days };
}

function readDays(text: string, year: number, name: HolidayName, ranges: boolean): { days: LocalDate[] } | { error: string } {
  const days: LocalDate[] = [];
  let month: number | undefined;
  let last: { date: LocalDate; end: number } | undefined;
  for (const m of text.matchAll(DATE)) {
    if (m[2] === undefined && !/[日号]/.test(m[0]) && month === undefined) continue;
    month = m[2] !== undefined ? Number(m[2]) : month;
    if (month === undefined) return { error: `「${m[0].trim()}」缺少月份，请写成 1月1日` };
    // 元旦 may begin in the last days of the year before.
    const y = m[1] !== undefined ? Number(m[1]) : name === '元旦' && month === 12 ? year - 1 : year;
    const date = fromParts(y, month, Number(m[3]));
    if (date === undefined) return { error: `「${m[0].trim()}」不是有效日期` };
    const between = last ? text.slice(last.end, m.index) : '';
    if (ranges && last && RANGE_SEP.test(between)) {
      if (date < last.date) return { error: `${formatDate(last.date)} 至 ${formatDate(date)} 起止颠倒` };
      if (days.length > 0 && addDays(last.date, 15) < date) return { error: `${formatDate(last.date)} 至 ${formatDate(date)} 超过 15 天，请核对` };
      for (let d = addDays(last.date, 1); d <= date; d = addDays(d, 1)) days.push(d);
    } else days.push(date);
    last = { date, end: m.index! + m[0].length };
  }
  const outside = days.find((d) => d < `${year - 1}-12-25` || d > `${year}-12-31`);
  if (outside) return { error: `${formatDate(outside)} 不在 ${year} 年内，请核对年份` };
  return { days: [...new Set(days)].sort() };
}

function check(name: HolidayName, year: number, h: { off: LocalDate[]; work: LocalDate[] }): string[] {
  const warnings: string[] = [];
  const core = coreHolidays(year).find((c) => c.name === name)!.days.filter((d) => !h.off.includes(d));
  if (core.length > 0) warnings.push(`${name}未包含法定假日 ${core.map(formatDate).join('、')}，请核对`);
  const weekdays = h.work.filter((d) => weekday(d) <= 5);
  if (weekdays.length > 0) warnings.push(`${name}的调休上班日 ${weekdays.map(formatDate).join('、')} 本就是工作日，请核对（调休上班日通常是周六或周日）`);
  return warnings;
}
