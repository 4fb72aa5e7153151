import { formOfKind, participantsOf, type MeetingKind, type MeetingRule, type StudyRecord } from '../../../storage/study.js';
import { addDays, periodRange, type LocalDate } from '../../shared/calendar.js';

/** One period a rule asks for a meeting in, and what was held: 已开, 缺 (the period ended without it) or 待开. */
export interface MeetingSlot {
  kind: MeetingKind;
  rule: MeetingRule;
  period: { start: LocalDate; end: LocalDate; label: string };
  held: StudyRecord[];
  state: 'held' | 'missing' | 'open';
}

/**
 * Whether a record is a meeting of this kind held by the scope: a branch's own records of the kind's form (a 专题党课
 * given at the branch is its 党课), or for the leadership any record of a leadership form. Voided records never count.
 */
export function heldBy(r: StudyRecord, kind: MeetingKind, scope: string): boolean {
  if (r.voided || r.form !== formOfKind(kind)) return false;
  return scope === 'leadership' ? true : r.branchId === scope;
}

/**
 * The slots of each rule over a span, up to `today`: a monthly rule over a quarter gives three, a yearly one the
 * year. `records` may hold more than the scope and span; a slot is 缺 only once its period has ended.
 */
export function orgLifeSlots(input: { rules: readonly MeetingRule[]; records: readonly StudyRecord[]; scope: string; span: { start: LocalDate; end: LocalDate }; today: LocalDate }): MeetingSlot[] {
  const last = input.span.end < input.today ? input.span.end : input.today;
  const out: MeetingSlot[] = [];
  for (const rule of input.rules) {
    for (let d = input.span.start; d <= last; ) {
      const period = periodRange(d, rule.period);
      const held = input.records.filter((r) => heldBy(r, rule.kind, input.scope) && r.date >= period.start && r.date <= period.end);
      const state = held.length >= rule.min ? 'held' : period.end < input.today ? 'missing' : 'open';
      out.push({ kind: rule.kind, rule, period, held, state });
      d = addDays(period.end, 1);
    }
  }
  return out;
}

/** 实到/应到 of a meeting record (`实到 5/6`), or `到会 n 人` for a record logged without a roster (/学习). */
export function turnoutText(r: StudyRecord): string {
  const people = participantsOf(r);
  if (!r.meeting) return `到会 ${people.length} 人`;
  const expected = new Set(r.meeting.expected);
  const made = r.meeting.makeups?.length ?? 0;
  return `实到 ${people.filter((id) => expected.has(id)).length}/${expected.size}${made ? `，补学 ${made}` : ''}`;
}

/** Slots by kind: `支委会（2026年10月、2026年11月）、主题党日（2026年11月）`. */
export function slotList(slots: readonly Pick<MeetingSlot, 'kind' | 'period'>[]): string {
  const byKind = new Map<string, string[]>();
  for (const s of slots) byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s.period.label]);
  return [...byKind].map(([kind, labels]) => `${kind}（${labels.join('、')}）`).join('、');
}
