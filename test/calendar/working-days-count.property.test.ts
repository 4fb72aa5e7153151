import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, type LocalDate } from '../../commands/shared/calendar.js';
import { createCalendar, type Calendar } from '../../commands/shared/working-calendar.js';

/** The definition workingDaysUntil is counted by: working days after `from` through `to`, negative backwards. */
function counted(cal: Calendar, from: LocalDate, to: LocalDate): number {
  const [a, b] = from <= to ? [from, to] : [to, from];
  let n = 0;
  for (let d = addDays(a, 1); d <= b; d = addDays(d, 1)) if (cal.isWorkingDay(d)) n++;
  return n === 0 || to > from ? n : -n;
}

const day = (lo: string, hi: string) => fc.date({ min: new Date(`${lo}T00:00:00Z`), max: new Date(`${hi}T00:00:00Z`), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

describe('workingDaysUntil from per-year counts', () => {
  it('equals counting day by day, across years, with holidays the office entered', () => {
    const entered = fc.array(
      fc.record({ off: fc.array(day('2026-01-01', '2029-12-31'), { maxLength: 5 }), work: fc.array(day('2026-01-01', '2029-12-31'), { maxLength: 3 }) }),
      { maxLength: 3 },
    );
    fc.assert(
      fc.property(entered, fc.array(fc.tuple(day('2024-01-01', '2031-12-31'), day('2024-01-01', '2031-12-31')), { minLength: 1, maxLength: 20 }), (hs, pairs) => {
        const cal = createCalendar(hs.map((h, i) => ({ year: Number((h.off[0] ?? h.work[0] ?? '2027').slice(0, 4)), name: `假${i}`, off: h.off, work: h.work })));
        for (const [from, to] of pairs) expect(cal.workingDaysUntil(from, to)).toBe(counted(cal, from, to));
      }),
      { numRuns: 150 },
    );
  });

  it('counts the days around the 2027 Spring Festival and a leap day as the office calendar has them', () => {
    const cal = createCalendar();
    for (const [from, to] of [['2027-02-01', '2027-02-28'], ['2028-02-27', '2028-03-02'], ['2026-12-30', '2027-01-05'], ['2027-01-05', '2026-12-30'], ['2026-11-30', '2026-11-30']] as const) {
      expect(cal.workingDaysUntil(from, to)).toBe(counted(cal, from, to));
    }
    expect(cal.workingDaysUntil('2026-12-31', '2027-01-04')).toBe(1);
  });
});
