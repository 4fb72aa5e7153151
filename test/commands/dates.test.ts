import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addWorkingDays, isValidLocalDate, parts, toLocalDate } from '../../commands/shared/calendar.js';
import { DATE_EXAMPLES, parseChineseNumber, parseDate, type DateParse } from '../../commands/shared/dates.js';

const MON = '2026-11-23T10:00:00+08:00';
const FRI = '2026-11-27T10:00:00+08:00';
const SAT = '2026-11-28T10:00:00+08:00';
const SUN = '2026-11-29T10:00:00+08:00';
const NYE = '2026-12-31T23:59:00+08:00';
const NEW_YEAR = '2027-01-01T00:00:00+08:00';
const SEP29 = '2026-09-29T10:00:00+08:00';
const SEP30 = '2026-09-30T10:00:00+08:00';
const FEB12 = '2026-02-12T10:00:00+08:00';
const EARLY = '2026-11-23T00:30:00+08:00';

function parse(text: string, now: string, allowPast = false): DateParse {
  return parseDate(text, new Date(now), { allowPast });
}

function date(text: string, now: string, allowPast = false): string {
  const r = parse(text, now, allowPast);
  if (!r.ok) throw new Error(`${text}: ${r.error}`);
  return r.date;
}

function notes(text: string, now: string, allowPast = false): string[] {
  const r = parse(text, now, allowPast);
  if (!r.ok) throw new Error(`${text}: ${r.error}`);
  return r.notes;
}

function error(text: string, now: string): string {
  const r = parse(text, now);
  if (r.ok) throw new Error(`${text} unexpectedly gave ${r.date}`);
  return r.error;
}

// Every table runs with the server clock on both sides of Shanghai; chrono-node's zh parsers read local time.
const ZONES = [process.env.TZ ?? '', 'UTC', 'America/Los_Angeles', 'Pacific/Kiritimati'];

describe.each(ZONES)('parseDate with server TZ=%s', (zone) => {
  const original = process.env.TZ;
  beforeAll(() => {
    if (zone === '') delete process.env.TZ;
    else process.env.TZ = zone;
  });
  afterAll(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  describe('absolute dates', () => {
    it.each([
      ['2026-12-31', '2026-12-31'],
      ['2026/12/31', '2026-12-31'],
      ['2026.12.31', '2026-12-31'],
      ['20261231', '2026-12-31'],
      ['2026-1-5', '2026-01-05'],
      ['１２月３１日', '2026-12-31'],
      ['12月31日', '2026-12-31'],
      ['12月31号', '2026-12-31'],
      ['12月31', '2026-12-31'],
      ['12-31', '2026-12-31'],
      ['12/31', '2026-12-31'],
      ['2026年12月31日', '2026-12-31'],
      ['2027年1月5日', '2027-01-05'],
      ['26年12月31日', '2026-12-31'],
      ['今年12月31日', '2026-12-31'],
      ['明年3月31日', '2027-03-31'],
      [' 12 月 31 日 ', '2026-12-31'],
      ['12月31日前', '2026-12-31'],
      ['12月31日之前', '2026-12-31'],
      ['12月31日以前', '2026-12-31'],
      ['截至12月31日', '2026-12-31'],
      ['截止到12月31日', '2026-12-31'],
      ['6月30日前', '2027-06-30'],
      ['11月23日', '2026-11-23'],
      ['11月22日', '2027-11-22'],
      ['1月1日', '2027-01-01'],
      ['2026-12-31（周四）', '2026-12-31'],
      ['12月31日(周四)', '2026-12-31'],
      ['12月31日下午5点', '2026-12-31'],
      ['2026-12-31 17:00', '2026-12-31'],
      ['12月31日下午5点前', '2026-12-31'],
    ])('%s → %s (now Monday 2026-11-23)', (text, expected) => {
      expect(date(text, MON)).toBe(expected);
    });

    it('says when a year-less date was put into next year', () => {
      expect(notes('6月30日前', MON)).toContain('未写年份，按2027年理解');
      expect(notes('12月31日', MON)).not.toContain('未写年份，按2027年理解');
    });

    it.each([
      ['11月22日', '2026-11-22'],
      ['11月23日', '2026-11-23'],
      // A date up to two months ahead is a slip, refused by name (see dates-phrases.test.ts), not last year's.
      ['1月24日', '2026-01-24'],
      ['3月31日', '2026-03-31'],
      ['15号', '2026-11-15'],
      ['25号', '2026-10-25'],
    ])('allowPast: %s → the latest such date up to today, %s', (text, expected) => {
      expect(date(text, MON, true)).toBe(expected);
    });
  });

  describe('relative dates', () => {
    it.each([
      ['今天', '2026-11-23'],
      ['明天', '2026-11-24'],
      ['后天', '2026-11-25'],
      ['大后天', '2026-11-26'],
      ['昨天', '2026-11-22'],
      ['前天', '2026-11-21'],
      ['明天之前', '2026-11-24'],
      ['3天后', '2026-11-26'],
      ['三天后', '2026-11-26'],
      ['3天内', '2026-11-26'],
      ['3日内', '2026-11-26'],
      ['十天后', '2026-12-03'],
      ['两周后', '2026-12-07'],
      ['2周内', '2026-12-07'],
      ['一个星期后', '2026-11-30'],
      ['1个月后', '2026-12-23'],
      ['一个月内', '2026-12-23'],
      ['半个月后', '2026-12-08'],
      ['3天前', '2026-11-20'],
      ['两周前', '2026-11-09'],
      ['下周五', '2026-12-04'],
      ['下个周五', '2026-12-04'],
      ['下星期五', '2026-12-04'],
      ['本周五', '2026-11-27'],
      ['这周五', '2026-11-27'],
      ['周五', '2026-11-27'],
      ['星期五', '2026-11-27'],
      ['礼拜五', '2026-11-27'],
      ['周一', '2026-11-23'],
      ['周日', '2026-11-29'],
      ['星期天', '2026-11-29'],
      ['本周末', '2026-11-29'],
      ['下周一', '2026-11-30'],
      ['下周日', '2026-12-06'],
      ['下下周三', '2026-12-09'],
      ['上周五', '2026-11-20'],
      ['下个月15日', '2026-12-15'],
      ['下月15号', '2026-12-15'],
      ['下个月十五号', '2026-12-15'],
      ['本月30日', '2026-11-30'],
      ['15号', '2026-12-15'],
      ['30号', '2026-11-30'],
      ['31号', '2026-12-31'],
    ])('%s → %s (now Monday 2026-11-23)', (text, expected) => {
      expect(date(text, MON)).toBe(expected);
    });

    it.each([
      ['周五', FRI, false, '2026-11-27'],
      ['本周五', FRI, false, '2026-11-27'],
      ['下周五', FRI, false, '2026-12-04'],
      ['周五', SAT, false, '2026-12-04'],
      ['周五', SAT, true, '2026-11-27'],
      ['周五', FRI, true, '2026-11-27'],
      ['周一', MON, true, '2026-11-23'],
      ['周二', MON, true, '2026-11-17'],
      // Weeks start on Monday, so on a Sunday 下周五 is five days away, like 周五.
      ['下周五', SUN, false, '2026-12-04'],
      ['周五', SUN, false, '2026-12-04'],
      ['本周五', SUN, false, '2026-11-27'],
      ['下周一', SUN, false, '2026-11-30'],
    ] as const)('%s at %s (allowPast=%s) → %s', (text, now, past, expected) => {
      expect(date(text, now, past)).toBe(expected);
    });

    it('a past result without allowPast is kept but remarked on', () => {
      expect(notes('昨天', MON)).toContain('该日期早于今天（今天是2026-11-23）');
      expect(notes('本周五', SUN)).toContain('该日期早于今天（今天是2026-11-29）');
      expect(notes('前天', MON, true)).not.toContain('该日期早于今天（今天是2026-11-23）');
      expect(notes('明天', MON, true)).toContain('该日期晚于今天（今天是2026-11-23）');
    });
  });

  describe('period ends', () => {
    it.each([
      ['月底', '2026-11-30'],
      ['月底前', '2026-11-30'],
      ['本月底', '2026-11-30'],
      ['月末', '2026-11-30'],
      ['本月内', '2026-11-30'],
      ['下月底', '2026-12-31'],
      ['下个月底', '2026-12-31'],
      ['下下个月底', '2027-01-31'],
      ['本季度末', '2026-12-31'],
      ['季度末', '2026-12-31'],
      ['季末', '2026-12-31'],
      ['下季度末', '2027-03-31'],
      ['下个季度末', '2027-03-31'],
      ['第四季度末', '2026-12-31'],
      ['四季度末', '2026-12-31'],
      ['一季度末', '2027-03-31'],
      ['2027年第一季度末', '2027-03-31'],
      ['年底', '2026-12-31'],
      ['年底前', '2026-12-31'],
      ['年末', '2026-12-31'],
      ['本年底', '2026-12-31'],
      ['今年年底', '2026-12-31'],
      ['年内', '2026-12-31'],
      ['2026年底', '2026-12-31'],
      ['2026年内', '2026-12-31'],
      ['明年底', '2027-12-31'],
      ['上半年', '2027-06-30'],
      ['下半年', '2026-12-31'],
      ['明年上半年', '2027-06-30'],
      ['12月底', '2026-12-31'],
      ['2月底', '2027-02-28'],
    ])('%s → %s (now 2026-11-23)', (text, expected) => {
      expect(date(text, MON)).toBe(expected);
    });
  });

  describe('working-day counts', () => {
    it.each([
      ['3个工作日内', MON, '2026-11-26'],
      ['三个工作日', MON, '2026-11-26'],
      ['5个工作日后', MON, '2026-11-30'],
      // Across a weekend.
      ['3个工作日内', FRI, '2026-12-02'],
      ['3个工作日内', SAT, '2026-12-02'],
      // Across the National Day break (Oct 1–7 off, Saturday Oct 10 worked).
      ['3个工作日内', SEP29, '2026-10-09'],
      ['3个工作日内', SEP30, '2026-10-10'],
      ['一个工作日', SEP30, '2026-10-08'],
      // Across the Spring Festival (Feb 15–23 off, Saturday Feb 14 worked).
      ['5个工作日后', FEB12, '2026-02-26'],
      ['两个工作日内', FEB12, '2026-02-14'],
    ] as const)('%s at %s → %s', (text, now, expected) => {
      expect(date(text, now)).toBe(expected);
    });

    it('matches addWorkingDays for any count', () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 700 }), (n, offset) => {
          const now = new Date(Date.parse('2025-06-01T09:00:00+08:00') + offset * 86_400_000);
          expect(parseDate(`${n}个工作日内`, now)).toMatchObject({ ok: true, date: addWorkingDays(toLocalDate(now), n) });
        }),
        { numRuns: 200 },
      );
    });
  });

  describe('notes on non-working days', () => {
    it.each([
      ['10月1日', SEP29, '2026-10-01', '该日为法定节假日（国庆节），非工作日'],
      ['10月5日', SEP29, '2026-10-05', '该日为法定节假日（国庆节），非工作日'],
      ['3天后', SEP29, '2026-10-02', '该日为法定节假日（国庆节），非工作日'],
      ['2026-02-17', FEB12, '2026-02-17', '该日为法定节假日（春节），非工作日'],
      ['2026-09-25', '2026-09-01T10:00:00+08:00', '2026-09-25', '该日为法定节假日（中秋节），非工作日'],
      ['周六', MON, '2026-11-28', '该日为周六，非工作日'],
      ['周日', MON, '2026-11-29', '该日为周日，非工作日'],
      ['10月10日', SEP29, '2026-10-10', '该日为调休工作日'],
      ['2026-09-20', '2026-09-01T10:00:00+08:00', '2026-09-20', '该日为调休工作日'],
      ['2月14日', FEB12, '2026-02-14', '该日为调休工作日'],
      ['2月28日', FEB12, '2026-02-28', '该日为调休工作日'],
    ] as const)('%s at %s → %s with 「%s」', (text, now, expected, note) => {
      const r = parse(text, now);
      expect(r).toMatchObject({ ok: true, date: expected });
      expect(r.ok && r.notes).toContain(note);
    });

    it('an ordinary working day has no notes', () => {
      expect(notes('12月31日', MON)).toEqual([]);
      expect(notes('下周五', MON)).toEqual([]);
    });

    it('names a year whose 调休 are unknown once, beside the notes, not in them', () => {
      expect(parseDate('明年底', new Date(MON))).toMatchObject({ ok: true, uncoveredYear: 2027 });
      expect(notes('明年底', MON).join()).not.toContain('尚未');
    });
  });

  describe('around the turn of the year', () => {
    it.each([
      ['今天', NYE, '2026-12-31'],
      ['明天', NYE, '2027-01-01'],
      ['月底', NYE, '2026-12-31'],
      ['下月底', NYE, '2027-01-31'],
      ['季度末', NYE, '2026-12-31'],
      ['下季度末', NYE, '2027-03-31'],
      ['年底', NYE, '2026-12-31'],
      ['明年底', NYE, '2027-12-31'],
      ['12月31日', NYE, '2026-12-31'],
      ['1月5日', NYE, '2027-01-05'],
      ['周五', NYE, '2027-01-01'],
      ['下周一', NYE, '2027-01-04'],
      ['3个工作日内', NYE, '2027-01-06'], // 2027-01-01 is 元旦 even without the year's data
      ['今天', NEW_YEAR, '2027-01-01'],
      ['昨天', NEW_YEAR, '2026-12-31'],
      ['月底', NEW_YEAR, '2027-01-31'],
      ['季度末', NEW_YEAR, '2027-03-31'],
      ['年底', NEW_YEAR, '2027-12-31'],
      ['上半年', NEW_YEAR, '2027-06-30'],
      ['12月31日', NEW_YEAR, '2027-12-31'],
    ] as const)('%s at %s → %s', (text, now, expected) => {
      expect(date(text, now)).toBe(expected);
    });

    it('allowPast looks back across the year boundary', () => {
      expect(date('12月31日', NEW_YEAR, true)).toBe('2026-12-31');
      expect(notes('12月31日', NEW_YEAR, true)).toContain('未写年份，按2026年理解');
    });
  });

  describe('Chinese numerals', () => {
    it.each([
      ['十二月三十一日', '2026-12-31'],
      ['二〇二六年十二月三十一日', '2026-12-31'],
      ['二零二六年十二月三十一日', '2026-12-31'],
      ['十二月二十一号', '2026-12-21'],
      ['十五号', '2026-12-15'],
      ['二十一日', '2026-12-21'],
      ['一个月后', '2026-12-23'],
      ['十一天后', '2026-12-04'],
      ['两个工作日后', '2026-11-25'],
      ['下月一日', '2026-12-01'],
      ['周三', '2026-11-25'],
      ['星期7', '2026-11-29'],
    ])('%s → %s', (text, expected) => {
      expect(date(text, MON)).toBe(expected);
    });

    it.each([
      ['0', 0],
      ['31', 31],
      ['十', 10],
      ['十五', 15],
      ['两', 2],
      ['二十', 20],
      ['三十一', 31],
      ['一百零五', 105],
      ['二〇二六', 2026],
      ['两两', undefined],
      ['十十', undefined],
      ['五a', undefined],
      ['', undefined],
    ] as const)('parseChineseNumber(%s) = %s', (text, expected) => {
      expect(parseChineseNumber(text)).toBe(expected);
    });
  });

  describe('times of day are dropped', () => {
    it.each([
      ['明天下午', MON, '2026-11-24'],
      ['后天下午3点', MON, '2026-11-25'],
      ['星期五下午', MON, '2026-11-27'],
      ['下周五下午', MON, '2026-12-04'],
      ['大后天早上', MON, '2026-11-26'],
      ['明早', MON, '2026-11-24'],
      ['今晚', MON, '2026-11-23'],
      ['12月31日 18:30', MON, '2026-12-31'],
      // chrono takes 明天 said before 02:00 to mean today; a deadline does not.
      ['明天', EARLY, '2026-11-24'],
      ['明天下午', EARLY, '2026-11-24'],
      ['明天上午九点', EARLY, '2026-11-24'],
      ['明天', NEW_YEAR, '2027-01-02'],
    ] as const)('%s at %s → %s', (text, now, expected) => {
      expect(date(text, now)).toBe(expected);
    });
  });

  describe('chrono-node fallback', () => {
    it.each([
      ['现在', MON, false, '2026-11-23'],
      ['立刻', NYE, false, '2026-12-31'],
      ['后日', MON, false, '2026-11-25'],
      ['后日', NYE, false, '2027-01-02'],
      ['前日', MON, true, '2026-11-21'],
      ['半天内', NYE, false, '2027-01-01'],
    ] as const)('%s at %s (allowPast=%s) → %s', (text, now, past, expected) => {
      expect(date(text, now, past)).toBe(expected);
    });

    it('a time span without a date is not a date', () => {
      expect(error('3小时后', MON)).toContain('无法识别日期「3小时后」');
    });
  });

  describe('errors', () => {
    it('unknown phrases name the accepted forms', () => {
      expect(error('下下下周', MON)).toBe(`无法识别日期「下下下周」，请写成 ${DATE_EXAMPLES} 等`);
      expect(DATE_EXAMPLES).toBe('12月31日、2026-12-31、下周五、3天后、月底');
      expect(error('找个时间', MON)).toContain('无法识别日期「找个时间」');
    });

    it.each([
      ['2月30日', '2月最多29天'],
      ['2026年2月29日', '2026年2月只有28天'],
      ['13月1日', '月份应为1—12'],
      ['0月1日', '月份应为1—12'],
      ['12月0日', '日应为1—31'],
      ['12月32日', '12月最多31天'],
      ['2026-02-30', '2026年2月只有28天'],
      ['2026-13-01', '月份应为1—12'],
      ['32号', '日应为1—31'],
      ['本月31日', '2026年11月只有30天'],
      ['第五季度末', '季度应为1—4'],
    ])('%s is not a date (%s)', (text, why) => {
      const e = error(text, MON);
      expect(e).toContain(`「${text}」不是有效日期`);
      expect(e).toContain(why);
    });

    it.each(['下周', '下个月', '本月', '2026年', '12月', '明年'])('%s is too vague', (text) => {
      expect(error(text, MON)).toBe(`「${text}」不够具体，请写明哪一天，如 下周五、12月31日、月底`);
    });

    it('N月后 without 个 is ambiguous', () => {
      expect(error('2月后', MON)).toBe('「2月后」有歧义，请写成 2个月后，或写明具体日期如 12月31日');
      expect(error('十月以后', MON)).toContain('有歧义');
    });

    it('checks a written weekday against the date', () => {
      expect(error('2026-12-31（周五）', MON)).toBe('「2026-12-31（周五）」日期与星期不符：2026-12-31（周四），请核对');
    });

    it('rejects dates far outside the ledger', () => {
      expect(error('1999-12-31', MON)).toContain('超出可登记的日期范围');
      expect(error('100年后', MON)).toContain('超出可登记的日期范围');
      expect(error('99999999天后', MON)).toContain('超出可登记的日期范围');
      expect(error('99999个工作日后', MON)).toContain('超出可登记的日期范围');
    });

    it('empty input asks for a date', () => {
      expect(error('', MON)).toBe(`未填写日期，请写成 ${DATE_EXAMPLES} 等`);
      expect(error('   ', MON)).toBe(`未填写日期，请写成 ${DATE_EXAMPLES} 等`);
    });

    it('keeps quoted input short', () => {
      expect(error('这是一段很长很长很长很长很长很长很长很长的并不是日期的文字', MON)).toContain('…」');
    });
  });
});

describe('parseDate properties', () => {
  const tokens = [
    '下', '上', '本', '这', '个', '周', '星期', '月', '年', '日', '号', '天', '后', '前', '内', '底', '末', '季度',
    '第', '半', '工作日', '今', '明', '大', '一', '两', '三', '十', '百', '〇', '0', '2', '12', '31', '2026', '-', '/',
    '.', ':', '点', '下午', '（', '）', ' ', '截至', '之', '以', '周五', '号前',
  ];
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.array(fc.constantFrom(...tokens), { maxLength: 8 }).map((a) => a.join('')),
  );
  const instant = fc.integer({ min: Date.parse('2001-01-01T00:00:00Z'), max: Date.parse('2090-12-31T00:00:00Z') });

  it('never throws, and any accepted date is a real YYYY-MM-DD', () => {
    fc.assert(
      fc.property(text, instant, fc.boolean(), (s, t, allowPast) => {
        const r = parseDate(s, new Date(t), { allowPast });
        if (r.ok) {
          expect(r.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(isValidLocalDate(r.date)).toBe(true);
          expect(r.notes.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
        } else {
          expect(r.error.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('a year-less month-day is the next such date (or with allowPast the last one) within a year or so', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), instant, fc.boolean(), (m, d, t, allowPast) => {
        const now = new Date(t);
        const today = toLocalDate(now);
        const r = parseDate(`${m}月${d}日`, now, { allowPast });
        if (!r.ok) {
          expect(r.error).toMatch(/不是有效日期|不能晚于今天/);
          return;
        }
        expect(parts(r.date)).toMatchObject({ month: m, day: d });
        if (allowPast) expect(r.date <= today).toBe(true);
        else expect(r.date >= today).toBe(true);
        // Only 2月29日 may have to skip to a leap year.
        const span = Math.abs(Date.parse(r.date) - Date.parse(today)) / 86_400_000;
        expect(span).toBeLessThan(m === 2 && d === 29 ? 8 * 366 : 366);
      }),
      { numRuns: 1_000 },
    );
  });

  it('N天后 is N calendar days from today in Shanghai', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), instant, (n, t) => {
        const now = new Date(t);
        expect(parseDate(`${n}天后`, now)).toMatchObject({ ok: true, date: addDays(toLocalDate(now), n) });
      }),
      { numRuns: 500 },
    );
  });
});
