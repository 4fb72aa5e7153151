import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addWorkingDays,
  daysInMonth,
  diffDays,
  firstWorkingDayOfPeriod,
  formatDate,
  fromParts,
  hasCalendarData,
  holidayName,
  isInLastWorkingDays,
  isValidLocalDate,
  isWorkingDay,
  lastWorkingDaysOfPeriod,
  makeupWorkdayFor,
  nextWorkingDay,
  parts,
  periodRange,
  previousWorkingDay,
  startOfDay,
  toLocalDate,
  weekday,
  weekdayName,
  workingDaysUntil,
  type Period,
} from '../../commands/shared/calendar.js';

// Every assertion is repeated under server time zones on both sides of Shanghai, so a stray local-time getter fails.
const ZONES = [process.env.TZ ?? '', 'UTC', 'America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati'];

describe.each(ZONES)('calendar with server TZ=%s', (zone) => {
  const original = process.env.TZ;
  beforeAll(() => {
    if (zone === '') delete process.env.TZ;
    else process.env.TZ = zone;
  });
  afterAll(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('really runs in that zone', () => {
    const offsets: Record<string, number> = { UTC: 0, 'America/Los_Angeles': 480, 'Asia/Shanghai': -480, 'Pacific/Kiritimati': -840 };
    if (zone in offsets) expect(new Date('2026-11-23T02:00:00Z').getTimezoneOffset()).toBe(offsets[zone]);
  });

  it.each([
    ['2026-11-23T10:00:00+08:00', '2026-11-23'],
    ['2026-11-23T00:00:00+08:00', '2026-11-23'],
    ['2026-11-22T23:59:59.999+08:00', '2026-11-22'],
    ['2026-12-31T23:59:00+08:00', '2026-12-31'],
    ['2027-01-01T00:00:00+08:00', '2027-01-01'],
    ['2026-12-31T16:00:00Z', '2027-01-01'],
    ['2026-12-31T15:59:59.999Z', '2026-12-31'],
    ['2026-03-08T10:30:00Z', '2026-03-08'],
  ])('toLocalDate(%s) = %s', (instant, expected) => {
    expect(toLocalDate(new Date(instant))).toBe(expected);
  });

  it('startOfDay is 00:00 in Shanghai, i.e. 16:00 UTC the day before', () => {
    expect(startOfDay('2026-11-23').toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(startOfDay('2027-01-01').toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('startOfDay and toLocalDate round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 * 366 }), (n) => {
        const d = addDays('1950-01-01', n);
        const start = startOfDay(d);
        expect(toLocalDate(start)).toBe(d);
        expect(toLocalDate(new Date(start.getTime() - 1))).toBe(addDays(d, -1));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['2026-12-31', 1, '2027-01-01'],
    ['2027-01-01', -1, '2026-12-31'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2026-02-28', 1, '2026-03-01'],
    ['2026-11-23', 0, '2026-11-23'],
    ['2026-11-23', 38, '2026-12-31'],
  ] as const)('addDays(%s, %d) = %s', (d, n, expected) => {
    expect(addDays(d, n)).toBe(expected);
    expect(diffDays(d, expected)).toBe(n);
  });

  it('diffDays counts calendar days b − a', () => {
    expect(diffDays('2026-01-01', '2027-01-01')).toBe(365);
    expect(diffDays('2028-01-01', '2029-01-01')).toBe(366);
    expect(diffDays('2026-12-31', '2026-11-23')).toBe(-38);
  });

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-11-23', 1, '2026-12-23'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-11-30', -12, '2025-11-30'],
  ] as const)('addMonths(%s, %d) = %s', (d, n, expected) => {
    expect(addMonths(d, n)).toBe(expected);
  });

  it.each([
    ['2026-11-23', 1, '周一'],
    ['2026-11-27', 5, '周五'],
    ['2026-11-28', 6, '周六'],
    ['2026-11-29', 7, '周日'],
    ['2026-12-31', 4, '周四'],
    ['2027-01-01', 5, '周五'],
    ['2000-01-01', 6, '周六'],
  ] as const)('weekday(%s) = %d %s', (d, n, name) => {
    expect(weekday(d)).toBe(n);
    expect(weekdayName(d)).toBe(name);
  });

  it('formatDate echoes with full-width parentheses', () => {
    expect(formatDate('2026-12-31')).toBe('2026-12-31（周四）');
    expect(formatDate('2026-11-23')).toBe('2026-11-23（周一）');
  });

  it('validates dates', () => {
    expect(isValidLocalDate('2026-02-28')).toBe(true);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(isValidLocalDate('2026-13-01')).toBe(false);
    expect(isValidLocalDate('2026-1-1')).toBe(false);
    expect(fromParts(2026, 2, 30)).toBeUndefined();
    expect(fromParts(2026, 12, 31)).toBe('2026-12-31');
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
    expect(parts('2026-12-31')).toEqual({ year: 2026, month: 12, day: 31 });
    expect(() => parts('2026-02-30')).toThrow(RangeError);
    expect(() => addDays('12月31日', 1)).toThrow(RangeError);
  });

  describe('working days (chinese-days data)', () => {
    it.each([
      // Spring Festival 2026: off Feb 15–23, make-up Saturdays Feb 14 and Feb 28.
      ['2026-02-13', true, undefined, undefined],
      ['2026-02-14', true, undefined, '春节'],
      ['2026-02-15', false, '春节', undefined],
      ['2026-02-16', false, '春节', undefined],
      ['2026-02-20', false, '春节', undefined],
      ['2026-02-23', false, '春节', undefined],
      ['2026-02-24', true, undefined, undefined],
      ['2026-02-28', true, undefined, '春节'],
      ['2026-03-01', false, undefined, undefined],
      // National Day 2026: off Oct 1–7, make-up Sunday Sep 20 and Saturday Oct 10; Mid-autumn Sep 25–27 separately.
      ['2026-09-20', true, undefined, '国庆节'],
      ['2026-09-25', false, '中秋节', undefined],
      ['2026-09-30', true, undefined, undefined],
      ['2026-10-01', false, '国庆节', undefined],
      ['2026-10-05', false, '国庆节', undefined],
      ['2026-10-07', false, '国庆节', undefined],
      ['2026-10-08', true, undefined, undefined],
      ['2026-10-10', true, undefined, '国庆节'],
      ['2026-10-11', false, undefined, undefined],
      // 元旦 2026: Jan 1–3 off, Sunday Jan 4 worked.
      ['2026-01-01', false, '元旦', undefined],
      ['2026-01-04', true, undefined, '元旦'],
      ['2026-04-06', false, '清明节', undefined],
      ['2026-06-19', false, '端午节', undefined],
      // Ordinary days.
      ['2026-11-23', true, undefined, undefined],
      ['2026-11-28', false, undefined, undefined],
      ['2026-11-29', false, undefined, undefined],
    ] as const)('%s working=%s holiday=%s makeup=%s', (d, working, holiday, makeup) => {
      expect(isWorkingDay(d)).toBe(working);
      expect(holidayName(d)).toBe(holiday);
      expect(makeupWorkdayFor(d)).toBe(makeup);
    });

    it('the Spring Festival week 2026-02-16…22 has no working day at all', () => {
      for (let d = '2026-02-16'; d <= '2026-02-22'; d = addDays(d, 1)) expect(isWorkingDay(d)).toBe(false);
    });

    it('has package data for 2004–2026 only; elsewhere the statutory core days are still off', () => {
      expect(hasCalendarData(2004)).toBe(true);
      expect(hasCalendarData(2026)).toBe(true);
      expect(hasCalendarData(2003)).toBe(false);
      expect(hasCalendarData(2027)).toBe(false);
      expect(isWorkingDay('2027-01-01')).toBe(false);
      expect(holidayName('2027-01-01')).toBe('元旦');
      expect(isWorkingDay('2027-01-04')).toBe(true);
      expect(holidayName('2027-10-01')).toBe('国庆节');
    });

    it.each([
      ['2026-11-23', 3, '2026-11-26'],
      ['2026-11-27', 3, '2026-12-02'],
      ['2026-11-28', 1, '2026-11-30'],
      ['2026-09-29', 3, '2026-10-09'],
      ['2026-09-30', 1, '2026-10-08'],
      ['2026-09-30', 3, '2026-10-10'],
      ['2026-10-08', -1, '2026-09-30'],
      ['2026-10-12', -4, '2026-09-30'],
      ['2026-02-13', 1, '2026-02-14'],
      ['2026-02-14', 1, '2026-02-24'],
      ['2026-02-12', 5, '2026-02-26'],
      ['2026-12-31', 1, '2027-01-04'],
      ['2026-11-23', 0, '2026-11-23'],
      ['2026-10-03', 0, '2026-10-08'],
    ] as const)('addWorkingDays(%s, %d) = %s', (d, n, expected) => {
      expect(addWorkingDays(d, n)).toBe(expected);
    });

    it('nextWorkingDay and previousWorkingDay', () => {
      expect(nextWorkingDay('2026-11-23')).toBe('2026-11-23');
      expect(nextWorkingDay('2026-11-28')).toBe('2026-11-30');
      expect(nextWorkingDay('2026-10-01')).toBe('2026-10-08');
      expect(nextWorkingDay('2026-02-15')).toBe('2026-02-24');
      expect(previousWorkingDay('2026-10-07')).toBe('2026-09-30');
      expect(previousWorkingDay('2026-10-11')).toBe('2026-10-10');
      expect(previousWorkingDay('2026-02-23')).toBe('2026-02-14');
    });

    it.each([
      ['2026-11-23', '2026-11-23', 0],
      ['2026-11-23', '2026-11-27', 4],
      ['2026-11-27', '2026-11-30', 1],
      ['2026-11-27', '2026-11-29', 0],
      ['2026-09-30', '2026-10-08', 1],
      ['2026-09-30', '2026-10-12', 4],
      ['2026-02-13', '2026-02-24', 2],
      // Negative: a deadline `to` overdue by that many working days on `from`.
      ['2026-11-24', '2026-11-23', -1],
      ['2026-12-02', '2026-11-27', -3],
      ['2026-10-12', '2026-09-30', -4],
      ['2026-11-30', '2026-11-27', -1],
      ['2026-11-29', '2026-11-27', 0],
    ] as const)('workingDaysUntil(%s, %s) = %d', (from, to, expected) => {
      expect(workingDaysUntil(from, to)).toBe(expected);
    });

    it('workingDaysUntil is antisymmetric and inverts addWorkingDays', () => {
      const day = fc.integer({ min: 0, max: 3 * 366 }).map((n) => addDays('2025-06-01', n));
      fc.assert(
        fc.property(day, day, fc.integer({ min: 1, max: 40 }), (a, b, n) => {
          expect(workingDaysUntil(a, b) + workingDaysUntil(b, a)).toBe(0);
          expect(workingDaysUntil(a, addWorkingDays(a, n))).toBe(n);
          expect(isWorkingDay(addWorkingDays(a, n))).toBe(true);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('periods', () => {
    it.each([
      ['2026-11-23', 'week', '2026-11-23', '2026-11-29', '2026年11月23日—11月29日'],
      ['2026-11-22', 'week', '2026-11-16', '2026-11-22', '2026年11月16日—11月22日'],
      ['2026-12-31', 'week', '2026-12-28', '2027-01-03', '2026年12月28日—2027年1月3日'],
      ['2027-01-01', 'week', '2026-12-28', '2027-01-03', '2026年12月28日—2027年1月3日'],
      ['2026-11-23', 'month', '2026-11-01', '2026-11-30', '2026年11月'],
      ['2028-02-10', 'month', '2028-02-01', '2028-02-29', '2028年2月'],
      ['2026-12-31', 'month', '2026-12-01', '2026-12-31', '2026年12月'],
      ['2026-01-01', 'quarter', '2026-01-01', '2026-03-31', '2026年第一季度'],
      ['2026-06-30', 'quarter', '2026-04-01', '2026-06-30', '2026年第二季度'],
      ['2026-07-01', 'quarter', '2026-07-01', '2026-09-30', '2026年第三季度'],
      ['2026-11-23', 'quarter', '2026-10-01', '2026-12-31', '2026年第四季度'],
      ['2026-11-23', 'year', '2026-01-01', '2026-12-31', '2026年'],
      ['2027-01-01', 'year', '2027-01-01', '2027-12-31', '2027年'],
    ] as const)('periodRange(%s, %s)', (d, p, start, end, label) => {
      expect(periodRange(d, p)).toEqual({ start, end, label });
    });

    it.each([
      ['2026-02-18', 'week', undefined],
      ['2026-10-06', 'week', '2026-10-08'],
      ['2026-11-25', 'week', '2026-11-23'],
      ['2026-02-10', 'month', '2026-02-02'],
      ['2026-10-20', 'month', '2026-10-08'],
      ['2026-11-20', 'quarter', '2026-10-08'],
      ['2026-05-20', 'year', '2026-01-04'],
      ['2027-05-20', 'year', '2027-01-04'],
    ] as const)('firstWorkingDayOfPeriod(%s, %s) = %s', (d, p, expected) => {
      expect(firstWorkingDayOfPeriod(d, p as Period)).toBe(expected);
    });

    it.each([
      ['2026-12-15', 'month', 3, ['2026-12-29', '2026-12-30', '2026-12-31']],
      ['2026-09-01', 'month', 2, ['2026-09-29', '2026-09-30']],
      ['2026-10-06', 'week', 2, ['2026-10-09', '2026-10-10']],
      ['2026-02-18', 'week', 2, []],
      ['2026-08-01', 'quarter', 1, ['2026-09-30']],
      ['2026-11-23', 'quarter', 1, ['2026-12-31']],
      ['2026-03-03', 'year', 2, ['2026-12-30', '2026-12-31']],
    ] as const)('lastWorkingDaysOfPeriod(%s, %s, %d)', (d, p, n, expected) => {
      expect(lastWorkingDaysOfPeriod(d, p as Period, n)).toEqual(expected);
    });

    it.each([
      ['2026-12-29', 'month', 3, true],
      ['2026-12-28', 'month', 3, false],
      ['2026-12-31', 'quarter', 1, true],
      ['2026-12-30', 'quarter', 1, false],
      ['2026-10-10', 'week', 1, true],
      ['2026-10-09', 'week', 1, false],
      ['2026-10-11', 'week', 2, false],
      ['2026-02-14', 'week', 1, true],
      ['2026-11-28', 'week', 2, false],
      ['2026-11-27', 'week', 2, true],
    ] as const)('isInLastWorkingDays(%s, %s, %d) = %s', (d, p, n, expected) => {
      expect(isInLastWorkingDays(d, p as Period, n)).toBe(expected);
    });
  });
});
