import type { HolidayVerbs } from '../../storage/store.js';
import { createCalendar, type Calendar } from './working-calendar.js';

/** The working calendar with the office's entered holidays; load once per command or job run and pass it on. */
export async function loadCalendar(store: Pick<HolidayVerbs, 'listHolidays'>): Promise<Calendar> {
  return createCalendar(await store.listHolidays());
}
