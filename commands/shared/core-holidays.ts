import { Lunar } from 'lunar-typescript';
import { addDays, fromParts, type LocalDate } from './calendar.js';

/** The seven statutory holidays in the order of the State Council notice. */
export const HOLIDAY_NAMES = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'] as const;
export type HolidayName = (typeof HOLIDAY_NAMES)[number];

/** One statutory holiday's fixed core: the days off the law sets whatever the year's 调休 arrangement. */
export interface CoreHoliday {
  name: HolidayName;
  days: LocalDate[];
}

/**
 * The statutory core days of a year (元旦 1 Jan; 春节 除夕–初三; 清明 the solar term; 劳动节 1–2 May; 端午; 中秋;
 * 国庆 1–3 Oct), computed from the lunar calendar so a year no holiday table covers still keeps them off.
 */
export function coreHolidays(year: number): CoreHoliday[] {
  const newYear = lunarToSolar(year, 1, 1);
  const qingming = Lunar.fromYmd(year, 3, 1).getJieQiTable()['清明']!;
  return [
    { name: '元旦', days: [ymd(year, 1, 1)] },
    { name: '春节', days: [-1, 0, 1, 2].map((n) => addDays(newYear, n)) },
    { name: '清明节', days: [ymd(qingming.getYear(), qingming.getMonth(), qingming.getDay())] },
    { name: '劳动节', days: [ymd(year, 5, 1), ymd(year, 5, 2)] },
    { name: '端午节', days: [lunarToSolar(year, 5, 5)] },
    { name: '中秋节', days: [lunarToSolar(year, 8, 15)] },
    { name: '国庆节', days: [ymd(year, 10, 1), ymd(year, 10, 2), ymd(year, 10, 3)] },
  ];
}

/** Solar date of a lunar festival; 元宵 (1-15) and the like, for date phrases. */
export function lunarToSolar(lunarYear: number, month: number, day: number): LocalDate {
  const s = Lunar.fromYmd(lunarYear, month, day).getSolar();
  return ymd(s.getYear(), s.getMonth(), s.getDay());
}

function ymd(y: number, m: number, d: number): LocalDate {
  const date = fromParts(y, m, d);
  if (date === undefined) throw new RangeError(`no such date ${y}-${m}-${d}`);
  return date;
}
