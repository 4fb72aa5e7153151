import { addDays, isWorkingDay, nextWorkingDay, previousWorkingDay, startOfDay, type LocalDate } from '../../commands/shared/calendar.js';
import type { Prng } from './prng.js';

/** The demo's calendar: every event falls on a working day between `first` and `last`, in office hours. */
export interface DemoDays {
  first: LocalDate;
  last: LocalDate;
  /** The working day on or after `d`, kept within [first, last]. */
  work(d: LocalDate): LocalDate;
  /** An instant in office hours (09:00–17:30) on that day; `slot` orders several events of one day. */
  at(d: LocalDate, slot?: number): string;
  /** The working days strictly between a and b. */
  between(a: LocalDate, b: LocalDate): LocalDate[];
}

/** A year of working days ending the day before `today`. */
export function createDemoDays(today: LocalDate, rng: Prng): DemoDays {
  const last = previousWorkingDay(addDays(today, -1));
  const first = nextWorkingDay(addDays(today, -364));
  const work = (d: LocalDate) => {
    const w = nextWorkingDay(d < first ? first : d);
    return w > last ? last : w;
  };
  return {
    first,
    last,
    work,
    at(d, slot) {
      const minutes = slot === undefined ? rng.int(9 * 60, 17 * 60 + 30) : 9 * 60 + slot * 37;
      return new Date(startOfDay(d).getTime() + minutes * 60_000 + rng.int(0, 59) * 1000).toISOString();
    },
    between(a, b) {
      const out: LocalDate[] = [];
      for (let d = addDays(a, 1); d < b; d = addDays(d, 1)) if (isWorkingDay(d)) out.push(d);
      return out;
    },
  };
}
