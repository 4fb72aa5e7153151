import type { HolidayEntry } from '../records.js';
import type { HolidayVerbs } from '../store.js';
import type { IndexFn, Tables } from './engine.js';

/** The entered holiday schedule, indexed by year. */
export const HOLIDAY_COLLECTIONS: Record<string, Record<string, IndexFn>> = {
  holidays: { year: (h) => String(h.year) },
};

/** Entered holidays over the engine's tables. */
export function holidayVerbs(t: Tables): HolidayVerbs {
  return {
    async saveHoliday(h, stamp) {
      const id = `${h.year}:${h.name}`;
      const old = t.get<HolidayEntry>('holidays', id);
      const days = { off: [...h.off].sort(), work: [...h.work].sort() };
      if (!old) return t.insert<HolidayEntry>('holidays', { id, year: h.year, name: h.name, ...days, entered: stamp, history: [] });
      const previous = { ...old.entered, off: old.off, work: old.work };
      return t.patch<HolidayEntry>('holidays', id, { ...days, entered: stamp, history: [...old.history, previous] });
    },
    async listHolidays(year) {
      const found = year === undefined ? [...t.all<HolidayEntry>('holidays')] : t.by<HolidayEntry>('holidays', 'year', String(year));
      const first = (h: HolidayEntry) => h.off[0] ?? h.work[0] ?? '';
      return found.sort((a, b) => a.year - b.year || first(a).localeCompare(first(b)));
    },
  };
}
