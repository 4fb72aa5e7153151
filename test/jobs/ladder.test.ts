import { describe, expect, it } from 'vitest';
import { addDays, isWorkingDay, packageCalendar, type LocalDate } from '../../commands/shared/calendar.js';
import { rungFor } from '../../src/jobs/ladder.js';

/** Every rung sent for one item, walking day by day from `from` to `to`. */
function walk(deadline: LocalDate, from: LocalDate, to: LocalDate) {
  const out: [LocalDate, string, boolean, boolean][] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const r = rungFor(deadline, d, packageCalendar());
    if (r) out.push([d, r.stage, r.copySecretary, r.copyLeader]);
  }
  return out;
}

describe('escalation ladder', () => {
  it('walks an ordinary deadline: 5 and 1 working days before, on the day, then overdue 1, 4, 7, 10', () => {
    // 2026-11-27 is a Friday.
    expect(walk('2026-11-27', '2026-11-16', '2026-12-15')).toEqual([
      ['2026-11-20', 'before-5', false, false],
      ['2026-11-26', 'before-1', false, false],
      ['2026-11-27', 'due', false, false],
      ['2026-11-30', 'overdue-1', false, false],
      ['2026-12-03', 'overdue-4', true, false],
      ['2026-12-08', 'overdue-7', true, false],
      ['2026-12-11', 'overdue-10', true, true],
    ]);
  });

  it('skips the National Day holiday and counts the 调休 make-up days as working days', () => {
    // Deadline 2026-10-09 (Friday after the holiday). Nothing is sent on a non-working day.
    // 2026: Mid-Autumn 25–27 Sep, National Day 1–7 Oct, make-up working day Saturday 10 Oct.
    const rungs = walk('2026-10-09', '2026-09-20', '2026-10-20');
    for (const [d] of rungs) expect(isWorkingDay(d)).toBe(true);
    expect(rungs.map(([d, s]) => [d, s])).toEqual([
      ['2026-09-24', 'before-5'], // five working days back reach across both holidays
      ['2026-10-08', 'before-1'],
      ['2026-10-09', 'due'],
      ['2026-10-10', 'overdue-1'], // the 调休 Saturday is a working day
      ['2026-10-14', 'overdue-4'],
      ['2026-10-19', 'overdue-7'],
    ]);
  });

  it('sends nothing on weekends, and nothing between the rungs', () => {
    expect(rungFor('2026-11-27', '2026-11-28', packageCalendar())).toBeUndefined();
    expect(rungFor('2026-11-27', '2026-11-24', packageCalendar())).toBeUndefined();
    expect(rungFor('2026-11-27', '2026-12-01', packageCalendar())).toBeUndefined();
  });
});
