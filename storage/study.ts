import { z } from 'zod';
import { ROLES, Stamp } from './records.js';

/** The activity forms the plans name, in the order replies list them. */
export const FORMS = [
  '理论学习中心组集中研讨',
  '支部集体学习',
  '专题党课',
  '专家辅导',
  '现场教学',
  '观看教学片',
  '个人自学',
  '读书班',
  '调查研究',
  '志愿服务',
] as const;
export type Form = (typeof FORMS)[number];

/** Quota periods follow the Shanghai calendar; weeks run Monday to Sunday. */
export const PERIODS = ['week', 'month', 'quarter', 'year'] as const;

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * One activity, logged once: it counts for `personId` (the organiser, or the member a secretary entered it for)
 * and for each of `attendees`. A voided record stays in the ledger and stops counting.
 */
export const StudyRecord = z.object({
  id: z.string(), // S1, S2 … bureau-wide
  date: LocalDate, // Asia/Shanghai
  form: z.enum(FORMS),
  /** Absent when the form needs no duration (a 党课 or 调研 logged without one). */
  minutes: z.number().int().positive().optional(),
  content: z.string(),
  place: z.string().optional(),
  /** The person's own reflection (心得体会), never generated. */
  reflection: z.string().optional(),
  /** The branch the activity belongs to: the organiser's, or the branch where a 专题党课 was given. */
  branchId: z.string().optional(),
  personId: z.string(),
  attendees: z.array(z.string()),
  /** Who typed it; differs from `personId` when a secretary entered it on a member's behalf (代录). */
  entered: Stamp,
  voided: Stamp.extend({ reason: z.string().optional() }).optional(),
});
export type StudyRecord = z.infer<typeof StudyRecord>;

/** Which quota a setting replaces: one quota per role, form and period. */
export const QuotaKey = z.object({ role: z.enum(ROLES), form: z.enum(FORMS), period: z.enum(PERIODS) });
export type QuotaKey = z.infer<typeof QuotaKey>;

/** A minimum per role and period, as a count of activities or a number of hours. */
export const Quota = QuotaKey.extend({
  id: z.string(),
  min: z.number().positive(),
  unit: z.enum(['count', 'hours']),
  /** Absent for a built-in default nobody has changed. */
  set: Stamp.optional(),
  builtIn: z.boolean().optional(),
  removed: Stamp.optional(),
});
export type Quota = z.infer<typeof Quota>;

/** One line of the quota change log: who changed which quota, from what to what. */
export const QuotaChange = QuotaKey.extend({
  id: z.string(),
  at: z.string(),
  by: z.string(),
  action: z.enum(['set', 'remove']),
  from: z.object({ min: z.number(), unit: z.enum(['count', 'hours']) }).optional(),
  to: z.object({ min: z.number(), unit: z.enum(['count', 'hours']) }).optional(),
});
export type QuotaChange = z.infer<typeof QuotaChange>;

/** The seed plans' rules, in force until an admin sets or removes a quota with the same role, form and period. */
export const DEFAULT_QUOTAS: readonly Quota[] = [
  { id: 'D1', role: 'member', form: '志愿服务', min: 1, unit: 'count', period: 'month', builtIn: true },
  { id: 'D2', role: 'leader', form: '志愿服务', min: 1, unit: 'count', period: 'quarter', builtIn: true },
  { id: 'D3', role: 'leader', form: '专题党课', min: 1, unit: 'count', period: 'year', builtIn: true },
];

/** Whether two quotas govern the same role, form and period. */
export function sameQuotaKey(a: QuotaKey, b: QuotaKey): boolean {
  return a.role === b.role && a.form === b.form && a.period === b.period;
}

/** The quotas in force: stored ones not removed, plus each default no stored quota (even a removed one) overrides. */
export function effectiveQuotas(stored: readonly Quota[]): Quota[] {
  const defaults = DEFAULT_QUOTAS.filter((d) => !stored.some((s) => sameQuotaKey(s, d)));
  return [...defaults, ...stored.filter((s) => !s.removed)];
}

/** Everyone a record counts for: the organiser first, then the attendees. */
export function participantsOf(r: Pick<StudyRecord, 'personId' | 'attendees'>): string[] {
  return [r.personId, ...r.attendees.filter((a) => a !== r.personId)];
}

/** Filter for listStudyRecords; `personId` matches the organiser or any attendee, dates are inclusive. */
export interface StudyFilter {
  branchId?: string;
  personId?: string;
  from?: string;
  to?: string;
  includeVoided?: boolean;
}

/** The study and activity log and its quotas. */
export interface StudyVerbs {
  /** Stores a record under the next bureau-wide number (S1, S2 …). */
  addStudyRecord(r: Omit<StudyRecord, 'id' | 'voided'>): Promise<StudyRecord>;
  getStudyRecord(id: string): Promise<StudyRecord | undefined>;
  /** Marks a record void; it stays in the ledger. */
  voidStudyRecord(id: string, voided: Stamp & { reason?: string }): Promise<StudyRecord>;
  /** Records by date then number; voided ones only when asked. */
  listStudyRecords(filter?: StudyFilter): Promise<StudyRecord[]>;
  /** The quotas in force, built-in defaults included. */
  listQuotas(): Promise<Quota[]>;
  /** Sets the quota for a role, form and period (replacing the one in force) and logs the change. */
  setQuota(q: QuotaKey & Pick<Quota, 'min' | 'unit'>, stamp: Stamp): Promise<Quota>;
  /** Marks the quota in force for that key removed and logs it; undefined when there is none. */
  removeQuota(key: QuotaKey, stamp: Stamp): Promise<Quota | undefined>;
  listQuotaChanges(): Promise<QuotaChange[]>;
}

