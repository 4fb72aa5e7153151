import type { LocalDate } from '../../commands/shared/calendar.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';

/** One rung of the escalation ladder for an item with a deadline. */
export interface Rung {
  /** Stable key part: the same rung is never sent twice for the same item. */
  stage: string;
  /** Working days until the deadline (positive) or working days overdue (negative); 0 on the day. */
  days: number;
  copySecretary: boolean;
  copyLeader: boolean;
}

/**
 * The rung due on `today` for an open item due on `deadline`, if any: 5 and 1 working days before, on the day,
 * then overdue on the 1st working day and every 3 working days after (1, 4, 7, 10 …), copying the branch
 * secretary from the 3rd overdue working day and the responsible leader from the 10th. Only working days count.
 */
export function rungFor(deadline: LocalDate, today: LocalDate, cal: Calendar): Rung | undefined {
  if (!cal.isWorkingDay(today)) return undefined;
  const left = cal.workingDaysUntil(today, deadline);
  if (today < deadline) {
    if (left === 5 || left === 1) return { stage: `before-${left}`, days: left, copySecretary: false, copyLeader: false };
    return undefined;
  }
  if (today === deadline) return { stage: 'due', days: 0, copySecretary: false, copyLeader: false };
  const overdue = cal.workingDaysUntil(deadline, today);
  if (overdue < 1 || (overdue - 1) % 3 !== 0) return undefined;
  return { stage: `overdue-${overdue}`, days: -overdue, copySecretary: overdue >= 3, copyLeader: overdue >= 10 };
}
