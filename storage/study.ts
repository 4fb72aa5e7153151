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
  // Organisational life (组织生活): meetings a branch or the leadership must hold, each its own form.
  '支部党员大会',
  '支委会',
  '党小组会',
  '主题党日',
  '组织生活会',
  '民主评议党员',
  '谈心谈话',
  '警示教育',
  '民主生活会',
] as const;
export type Form = (typeof FORMS)[number];

/** The meetings of 组织生活 as the rules name them; 党课 is stored as 专题党课, 中心组学习 as 理论学习中心组集中研讨. */
export const MEETING_KINDS = ['支部党员大会', '支委会', '党小组会', '党课', '主题党日', '组织生活会', '民主评议党员', '谈心谈话', '警示教育', '中心组学习', '民主生活会'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** Meetings only the Party group (党组, the leadership) holds. */
export const LEADERSHIP_KINDS: readonly MeetingKind[] = ['中心组学习', '民主生活会'];

/** The study-log form a meeting kind is stored under. */
export function formOfKind(kind: MeetingKind): Form {
  return kind === '党课' ? '专题党课' : kind === '中心组学习' ? '理论学习中心组集中研讨' : kind;
}

/** The meeting kind a record of this form counts as, if any (a 专题党课 given at a branch is that branch's 党课). */
export function kindOfForm(form: Form): MeetingKind | undefined {
  if (form === '专题党课') return '党课';
  if (form === '理论学习中心组集中研讨') return '中心组学习';
  return (MEETING_KINDS as readonly string[]).includes(form) ? (form as MeetingKind) : undefined;
}

/** Quota periods follow the Shanghai calendar; weeks run Monday to Sunday. */
export const PERIODS = ['week', 'month', 'quarter', 'year'] as const;

const LocalDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** A member who missed a meeting and made it up (补学), recorded against that meeting. */
export const Makeup = z.object({ personId: z.string(), date: LocalDate, note: z.string().optional(), entered: Stamp });
export type Makeup = z.infer<typeof Makeup>;

/**
 * A meeting's minutes beyond the study record: 应到 as it stood that day, 请假 with reasons, 缺席 and later 补学.
 * 实到 is the record's participants (the 主持人 as `personId`, the others as `attendees`).
 */
export const MeetingDetail = z.object({
  kind: z.enum(MEETING_KINDS),
  /** 主持人 (also the record's personId) and 记录人. */
  host: z.string(),
  recorder: z.string().optional(),
  expected: z.array(z.string()),
  leave: z.array(z.object({ personId: z.string(), reason: z.string().optional(), auto: z.boolean().optional() })),
  absent: z.array(z.string()),
  makeups: z.array(Makeup).optional(),
});
export type MeetingDetail = z.infer<typeof MeetingDetail>;

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
  /** Present when the record is a meeting logged with /会议 (records from before it, and /学习 entries, have none). */
  meeting: MeetingDetail.optional(),
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

/** Where a meeting rule applies: every branch (the office's default), one branch by id, or the leadership. */
export type RuleScope = 'branches' | 'leadership' | string;

/** How often a kind of meeting must be held in a scope; `min: 0` means not required there. */
export const MeetingRule = z.object({
  id: z.string(),
  scope: z.string(),
  kind: z.enum(MEETING_KINDS),
  period: z.enum(PERIODS),
  min: z.number().int().nonnegative(),
  set: Stamp.optional(),
  builtIn: z.boolean().optional(),
  history: z.array(Stamp.extend({ period: z.enum(PERIODS), min: z.number() })).optional(),
});
export type MeetingRule = z.infer<typeof MeetingRule>;

/** The common rules, in force until the office sets its own. */
export const DEFAULT_MEETING_RULES: readonly MeetingRule[] = (
  [
    ['branches', '支部党员大会', 'quarter'],
    ['branches', '支委会', 'month'],
    ['branches', '党小组会', 'month'],
    ['branches', '党课', 'quarter'],
    ['branches', '主题党日', 'month'],
    ['branches', '组织生活会', 'year'],
    ['branches', '民主评议党员', 'year'],
    ['leadership', '民主生活会', 'year'],
  ] as const
).map(([scope, kind, period], i) => ({ id: `DM${i + 1}`, scope, kind, period, min: 1, builtIn: true }));

/**
 * The rules in force for a branch (by id) or the leadership: a rule set for that branch, else the office's rule for
 * every branch, else the default; rules with `min: 0` are left out.
 */
export function rulesFor(stored: readonly MeetingRule[], scope: string): MeetingRule[] {
  const general = scope === 'leadership' ? 'leadership' : 'branches';
  return MEETING_KINDS.flatMap((kind) => {
    const pick = (s: string) => stored.find((r) => r.scope === s && r.kind === kind) ?? DEFAULT_MEETING_RULES.find((r) => r.scope === s && r.kind === kind);
    const rule = (scope !== general ? stored.find((r) => r.scope === scope && r.kind === kind) : undefined) ?? pick(general);
    return rule && rule.min > 0 ? [rule] : [];
  });
}

/** Everyone a record counts for: the organiser first, then the attendees. */
export function participantsOf(r: Pick<StudyRecord, 'personId' | 'attendees'>): string[] {
  return [r.personId, ...r.attendees.filter((a) => a !== r.personId)];
}

/** `2026-11-30` as 20261130, from the characters (no string made: a province's year is 500,000 dates). */
export function dayNumber(d: string): number {
  let n = 0;
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) n = n * 10 + c;
  }
  return n;
}

/** One day of the study log as `listStudyDays` gives it. */
export interface StudyDay {
  date: string;
  records: readonly StudyRecord[];
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
  /**
   * The records dated each day from `from` to `to` (voided ones included), one entry per day that has any, in date
   * order. Inside a read each day's list is the store's own: the same array while that day's records are unchanged,
   * so figures computed from it can be kept; never change one.
   */
  listStudyDays(from: string, to: string): Promise<StudyDay[]>;
  /** The quotas in force, built-in defaults included. */
  listQuotas(): Promise<Quota[]>;
  /** Sets the quota for a role, form and period (replacing the one in force) and logs the change. */
  setQuota(q: QuotaKey & Pick<Quota, 'min' | 'unit'>, stamp: Stamp): Promise<Quota>;
  /** Marks the quota in force for that key removed and logs it; undefined when there is none. */
  removeQuota(key: QuotaKey, stamp: Stamp): Promise<Quota | undefined>;
  listQuotaChanges(): Promise<QuotaChange[]>;
  /** Records a 补学 against a meeting record. */
  addMakeup(recordId: string, m: Makeup): Promise<StudyRecord>;
  /** The meeting rules the office has set (defaults not included: see rulesFor). */
  listMeetingRules(): Promise<MeetingRule[]>;
  /** Sets how often a kind of meeting is required in a scope, keeping the earlier setting in the rule's history. */
  setMeetingRule(r: Pick<MeetingRule, 'scope' | 'kind' | 'period' | 'min'>, stamp: Stamp): Promise<MeetingRule>;
}

