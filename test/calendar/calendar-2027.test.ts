import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { describe, expect, it } from 'vitest';
import { addDays, isWorkingDay, weekday } from '../../commands/shared/calendar.js';
import { parseDate } from '../../commands/shared/dates.js';
import { parseHolidayText } from '../../commands/org/holiday-notice-text.js';
import { createCalendar } from '../../commands/shared/working-calendar.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';
import { JOBS } from '../../src/jobs/index.js';
import { announceHolidayGaps } from '../../src/jobs/holiday-notice.js';

// A plausible 2027 notice (the real one is published in the autumn of 2026).
const NOTICE_2027 = `国务院办公厅关于2027年部分节假日安排的通知
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（周五）至2月11日（周四）放假调休，共7天。2月14日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假，共1天。
六、中秋节：9月15日（周三）放假，共1天。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。`;

const CORE_2027 = ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05', '2027-05-01', '2027-05-02', '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-02', '2027-10-03'];

describe('the 2026 schedule, day by day, stays what the package says', () => {
  it('every day of 2026 matches chinese-days (holidays off, 调休 on, otherwise Mon–Fri)', () => {
    const holidays: Record<string, string> = chineseDays.holidays;
    const workdays: Record<string, string> = chineseDays.workdays;
    const cal = createCalendar();
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) {
      const expected = workdays[d] !== undefined ? true : holidays[d] !== undefined ? false : weekday(d) <= 5;
      expect(cal.isWorkingDay(d), d).toBe(expected);
    }
  });

  it('the pasted 2026 notice gives the same calendar as the package', () => {
    const r = parseHolidayText(NOTICE_2027.replace(/2027/g, '2026').split('\n')[0] + '\n' + `一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。`, '2025-11-20');
    if (!r.ok) throw new Error(r.error);
    expect(r.warnings).toEqual([]);
    const entered = createCalendar(r.holidays.map((h) => ({ year: r.year, ...h })));
    const pkg = createCalendar();
    for (let d = '2026-01-01'; d <= '2026-12-31'; d = addDays(d, 1)) expect(entered.isWorkingDay(d), d).toBe(pkg.isWorkingDay(d));
  });
});

describe('2027, which the package does not cover', () => {
  it('keeps the statutory core days off from the lunar calendar, 调休 unknown', () => {
    const cal = createCalendar();
    for (const d of CORE_2027) expect(cal.isWorkingDay(d), d).toBe(false);
    expect(cal.holidayName('2027-02-05')).toBe('春节');
    expect(cal.hasCalendarData(2027)).toBe(false);
    expect(cal.missingHolidays(2027)).toHaveLength(7);
    expect(isWorkingDay('2027-01-01')).toBe(false);
  });

  it('五个工作日 from 2026-12-28 is 2027-01-05, with or without entered data', () => {
    const now = new Date('2026-12-28T09:00:00+08:00');
    expect(parseDate('五个工作日', now)).toMatchObject({ ok: true, date: '2027-01-05' });
    expect(parseDate('5个工作日内', now)).toMatchObject({ ok: true, date: '2027-01-05' });
    expect(createCalendar().addWorkingDays('2026-12-28', 5)).toBe('2027-01-05');
  });

  it('entered data takes precedence: longer holidays off, 调休 Saturdays on', () => {
    const r = parseHolidayText(NOTICE_2027, '2026-11-20');
    if (!r.ok) throw new Error(r.error);
    const cal = createCalendar(r.holidays.map((h) => ({ year: r.year, ...h })));
    expect(cal.hasCalendarData(2027)).toBe(true);
    expect(cal.isWorkingDay('2027-02-10')).toBe(false);
    expect(cal.isWorkingDay('2027-02-20')).toBe(true);
    expect(cal.makeupWorkdayFor('2027-02-20')).toBe('春节');
    expect(cal.isWorkingDay('2027-10-06')).toBe(false);
  });
});

async function bureau(): Promise<Store> {
  const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-2027-')), 'duban.json'));
  const stamp = { by: 'ou_admin', at: '2026-12-01T01:00:00.000Z' };
  await store.transact(async (tx) => {
    const b = await tx.createBranch('第一支部', stamp);
    await tx.bindChat({ id: 'oc_b1', kind: 'branch', branchId: b.id }, stamp);
    await tx.bindChat({ id: 'oc_lead', kind: 'leadership' }, stamp);
    await tx.savePerson({ id: 'ou_admin', name: '管理员', nameSource: 'contact', role: 'admin' }, stamp);
    await tx.savePerson({ id: 'ou_a', name: '张三', nameSource: 'contact', branchId: b.id }, stamp);
    // Deadlines spread so that some ladder rung falls due on (or around) every day of the run.
    for (let k = 0; k < 60; k++) {
      await tx.openProblem({ branchId: b.id, description: `问题${k}`, responsibleUnit: '办公室', leadPerson: 'ou_a', deadline: addDays('2026-12-20', k * 2) }, stamp);
    }
  });
  return store;
}

/** Runs every job at 09:30 on each day of [from, to], as the scheduler would; the days anything was sent. */
async function sendingDays(store: Store, from: string, to: string): Promise<Set<string>> {
  const days = new Set<string>();
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const now = new Date(`${d}T09:30:00+08:00`);
    for (const job of JOBS) {
      if (!job.runsOn(d, await store.view(loadCalendar))) continue;
      if ((await job.run(now, { store, logger: undefined as never })).sent.length > 0) days.add(d);
    }
  }
  return days;
}

describe('a scripted 2027 run sends nothing on statutory holidays', () => {
  it('without entered data: not on 元旦 or the 春节 core days, yet on ordinary working days', async () => {
    const store = await bureau();
    const sent = await sendingDays(store, '2026-12-28', '2027-02-26');
    for (const d of CORE_2027.filter((d) => d < '2027-02-27')) expect(sent.has(d), d).toBe(false);
    expect(sent.has('2027-01-04')).toBe(true);
    await store.close();
  }, 60_000);

  it('with the entered notice: not on any of its days off', async () => {
    const store = await bureau();
    const r = parseHolidayText(NOTICE_2027, '2026-11-20');
    if (!r.ok) throw new Error(r.error);
    await store.transact(async (tx) => {
      for (const h of r.holidays) await tx.saveHoliday({ year: r.year, ...h }, { by: 'ou_admin', at: '2026-11-20T02:00:00.000Z' });
    });
    const sent = await sendingDays(store, '2026-12-28', '2027-02-26');
    const off = r.holidays.flatMap((h) => h.off).filter((d) => d <= '2027-02-26');
    for (const d of off) expect(sent.has(d), d).toBe(false);
    await store.close();
  }, 60_000);

  it('the admin hears once that 2027 is missing, and not again', async () => {
    const store = await bureau();
    const first = await announceHolidayGaps(new Date('2026-11-02T09:30:00+08:00'), store, ['ou_boot']);
    expect(first.sent.map((s) => s.to).sort()).toEqual(['ou_admin', 'ou_boot']);
    const again = await announceHolidayGaps(new Date('2026-11-03T09:30:00+08:00'), store, ['ou_boot']);
    expect(again.sent).toEqual([]);
    const october = await announceHolidayGaps(new Date('2026-10-12T09:30:00+08:00'), await bureau(), []);
    expect(october.skipped[0]?.reason).toContain('已收录');
    await store.close();
  });
});
