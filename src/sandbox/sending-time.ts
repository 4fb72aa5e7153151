import { addDays, isWorkingDay, nextWorkingDay, packageCalendar, toLocalDate } from '../../commands/shared/calendar.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';
import { atShanghai, shanghaiMinutes } from '../jobs/gate.js';
import type { Job } from '../jobs/types.js';

const MORNING = '09:30';
const LAST_MINUTE = 19 * 60 + 30;

/**
 * When a visitor would sensibly run a job: now, if it is a working day between 09:30 and 19:30 China time;
 * otherwise 09:30 on the next working day (jobs refuse quiet hours and days off, rightly).
 */
export function nextSendingTime(now: Date): Date {
  const today = toLocalDate(now);
  const minutes = shanghaiMinutes(now);
  if (isWorkingDay(today) && minutes >= 9 * 60 + 30 && minutes < LAST_MINUTE) return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  if (isWorkingDay(today) && minutes < 9 * 60 + 30) return atShanghai(today, MORNING);
  return atShanghai(nextWorkingDay(addDays(today, 1)), MORNING);
}

/** The job's next scheduled slot at or after `now` (its time on the next working day it applies to), within a year. */
export function nextSlot(job: Job, now: Date, time = job.time, cal: Calendar = packageCalendar()): Date | undefined {
  const today = toLocalDate(now);
  for (let i = 0; i < 400; i++) {
    const day = addDays(today, i);
    const at = atShanghai(day, time);
    if (at >= now && cal.isWorkingDay(day) && job.runsOn(day, cal)) return at;
  }
  return undefined;
}
