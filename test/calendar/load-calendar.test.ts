import { describe, expect, it } from 'vitest';
import type { HolidayEntry } from '../../storage/records.js';
import { loadCalendar } from '../../commands/shared/load-calendar.js';

const stamp = { by: 'ou_admin', at: '2026-12-01T02:00:00.000Z' };
const entry = (off: string[], work: string[] = []): HolidayEntry => ({ id: '2027:元旦', year: 2027, name: '元旦', off, work, entered: stamp, history: [] });
const store = (entries: HolidayEntry[]) => ({ listHolidays: async () => entries.map((e) => structuredClone(e)) });

describe('loadCalendar', () => {
  it('hands out one calendar while the entries are the same, and a new one as soon as an entry is made, changed or withdrawn', async () => {
    const first = entry(['2027-01-01', '2027-01-02', '2027-01-03']);
    const a = await loadCalendar(store([first]));
    // The same entries read again (new objects, as a store returns them): the calendar and what it worked out are kept.
    expect(await loadCalendar(store([first]))).toBe(a);
    expect(a.isWorkingDay('2027-01-04')).toBe(true);

    // Amended: 1月4日 off too, 1月9日 (a Saturday) worked. A new calendar that says so.
    const amended = await loadCalendar(store([entry(['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'], ['2027-01-09'])]));
    expect(amended).not.toBe(a);
    expect(amended.isWorkingDay('2027-01-04')).toBe(false);
    expect(amended.isWorkingDay('2027-01-09')).toBe(true);
    // Counted on the amended days, not on the year the first calendar worked out.
    expect(a.workingDaysUntil('2026-12-31', '2027-01-08')).toBe(5);
    expect(amended.workingDaysUntil('2026-12-31', '2027-01-08')).toBe(4);

    // Withdrawn: the package's days again, whatever was made before.
    const none = await loadCalendar(store([]));
    expect(none.isWorkingDay('2027-01-04')).toBe(true);
    expect(none.isWorkingDay('2027-01-09')).toBe(false);
  });
});
