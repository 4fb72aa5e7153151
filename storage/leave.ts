import { z } from 'zod';
import { Stamp } from './records.js';

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * A person's leave (请假) from `from` to `to`, both included (Asia/Shanghai dates). While it runs, scheduled
 * reminders and quota nags skip the person and meeting attendance marks them 请假. A cancelled leave stays, voided.
 */
export const Leave = z.object({
  id: z.string(), // L1, L2 … bureau-wide
  personId: z.string(),
  from: LocalDate,
  to: LocalDate,
  reason: z.string().optional(),
  /** Who typed it: the person, or their secretary or an admin on their behalf. */
  entered: Stamp,
  voided: Stamp.optional(),
});
export type Leave = z.infer<typeof Leave>;

/** Filter for listLeaves: leaves overlapping the inclusive span `from`–`to`; voided ones only when asked. */
export interface LeaveFilter {
  personId?: string;
  from?: string;
  to?: string;
  includeVoided?: boolean;
}

/** The leave register. */
export interface LeaveVerbs {
  /** Stores a leave under the next bureau-wide number (L1, L2 …). */
  addLeave(l: Omit<Leave, 'id' | 'voided'>): Promise<Leave>;
  /** Marks a leave cancelled; it stays in the register. */
  voidLeave(id: string, voided: Stamp): Promise<Leave>;
  /** Leaves by start date then number. */
  listLeaves(filter?: LeaveFilter): Promise<Leave[]>;
}

/** Whether a live leave covers `date`. */
export function covers(l: Pick<Leave, 'from' | 'to' | 'voided'>, date: string): boolean {
  return !l.voided && l.from <= date && date <= l.to;
}

/** The person's live leave covering `date`, if any; works on a transaction or a read view. */
export async function onLeave(tx: Pick<LeaveVerbs, 'listLeaves'>, personId: string, date: string): Promise<Leave | undefined> {
  return (await tx.listLeaves({ personId, from: date, to: date })).find((l) => covers(l, date));
}

/** The live leaves covering `date` of people whose (home) branch is `branchId`, one per person. */
export async function onLeaveInBranch(
  tx: Pick<LeaveVerbs, 'listLeaves'> & { listPeople(filter?: { branchId?: string }): Promise<{ id: string }[]> },
  branchId: string,
  date: string,
): Promise<Leave[]> {
  const ids = new Set((await tx.listPeople({ branchId })).map((p) => p.id));
  const found = new Map<string, Leave>();
  for (const l of await tx.listLeaves({ from: date, to: date })) if (ids.has(l.personId) && covers(l, date) && !found.has(l.personId)) found.set(l.personId, l);
  return [...found.values()];
}

/** The people on leave on `date` among `leaves` (read once per job run, then asked per person). */
export function awayOn(leaves: readonly Leave[], date: string): Set<string> {
  return new Set(leaves.filter((l) => covers(l, date)).map((l) => l.personId));
}
