import { toLocalDate, type LocalDate } from '../../commands/shared/calendar.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';

/** Minutes since midnight in Asia/Shanghai. */
export function shanghaiMinutes(now: Date): number {
  const t = new Date(now.getTime() + 8 * 3600_000);
  return t.getUTCHours() * 60 + t.getUTCMinutes();
}

/** The instant of HH:MM on a Shanghai date. */
export function atShanghai(day: LocalDate, hhmm: string): Date {
  return new Date(`${day}T${hhmm}:00+08:00`);
}

/** Quiet hours: nothing scheduled goes out from 20:00 to 08:30 China time. */
export function isQuietHour(now: Date): boolean {
  const m = shanghaiMinutes(now);
  return m >= 20 * 60 || m < 8 * 60 + 30;
}

/** Why a scheduled send may not happen at `now` on the given (loaded) calendar, or undefined when it may. */
export function whyNotNow(now: Date, cal: Calendar): { reason: string; detail?: string } | undefined {
  const today = toLocalDate(now);
  if (isQuietHour(now)) return { reason: '静默时段（20:00—次日08:30）不发送' };
  if (!cal.isWorkingDay(today)) return { reason: `${today} 不是工作日${cal.holidayName(today) ? `（${cal.holidayName(today)}）` : ''}` };
  return undefined;
}

/** A message's useful life: scheduled notices expire at 20:00 of the day they were made. */
export function endOfSendingDay(now: Date): string {
  return atShanghai(toLocalDate(now), '20:00').toISOString();
}
