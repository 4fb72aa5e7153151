import type { HolidayVerbs } from '../../storage/store.js';
import { createCalendar, type Calendar } from './working-calendar.js';

// A calendar is a pure function of the entered holidays and caches what it works out (a year's working days), which
// each command building its own did again: calendars are kept by the entries' content, so an entry made, changed or
// withdrawn is a new key.
const made = new Map<string, Calendar>();
const KEEP = 8;

/** The working calendar with the office's entered holidays; load once per command or job run and pass it on. */
export async function loadCalendar(store: Pick<HolidayVerbs, 'listHolidays'>): Promise<Calendar> {
  const entered = await store.listHolidays();
  const key = JSON.stringify(entered.map((h) => [h.year, h.name, h.off, h.work]));
  let calendar = made.get(key);
  if (calendar === undefined) {
    calendar = createCalendar(entered);
    if (made.size >= KEEP) made.delete(made.keys().next().value!);
    made.set(key, calendar);
  }
  return calendar;
}
