import { rulesFor, type StudyRecord } from '../../../storage/study.js';
import type { Tx } from '../../../storage/store.js';
import { toLocalDate, type LocalDate } from '../../shared/calendar.js';
import { isLeadershipKind } from './kinds.js';
import { orgLifeSlots, type MeetingSlot } from './org-life-status.js';

/** One branch's (or the leadership's) slots of the required meetings over a span. */
export interface ScopeSlots {
  scope: string;
  name: string;
  slots: MeetingSlot[];
}

/** Every branch and the leadership with the slots of their rules over `span` judged on `today`: what /组织生活 全局, the reminder and the bulletin read. */
export async function orgLifeByScope(tx: Pick<Tx, 'listBranches' | 'listMeetingRules' | 'listStudyRecords'>, span: { start: LocalDate; end: LocalDate }, today: LocalDate): Promise<ScopeSlots[]> {
  const stored = await tx.listMeetingRules();
  // Whole years: a yearly rule's slot reaches past a month or quarter on both sides.
  const records = await tx.listStudyRecords({ from: `${span.start.slice(0, 4)}-01-01`, to: `${span.end.slice(0, 4)}-12-31` });
  const scopes: [string, string, string][] = [...(await tx.listBranches()).map((b): [string, string, string] => [b.id, b.name, b.created.at]), ['leadership', '领导班子', '']];
  // A branch's slots count only its own records (heldBy), so each is handed those alone: a province's 1,000
  // branches each filtering the year's 500,000 records per period made the monthly bulletin take minutes.
  const byBranch = new Map<string, StudyRecord[]>();
  for (const r of records) {
    if (r.branchId === undefined) continue;
    const list = byBranch.get(r.branchId);
    if (list) list.push(r);
    else byBranch.set(r.branchId, [r]);
  }
  return scopes.map(([scope, name, created]) => {
    const rules = rulesFor(stored, scope).filter((r) => isLeadershipKind(r.kind) === (scope === 'leadership'));
    // A period that ended before the branch was set up in Duban asked nothing of it here.
    const since = created ? toLocalDate(new Date(created)) : '';
    const own = scope === 'leadership' ? records : (byBranch.get(scope) ?? []);
    return { scope, name, slots: orgLifeSlots({ rules, records: own, scope, span, today }).filter((s) => s.period.end >= since) };
  });
}

/** The required meetings whose period ended within `span` without being held, by branch (a gap list, not a ranking). */
export async function missingMeetings(tx: Pick<Tx, 'listBranches' | 'listMeetingRules' | 'listStudyRecords'>, span: { start: LocalDate; end: LocalDate }, today: LocalDate): Promise<ScopeSlots[]> {
  return (await orgLifeByScope(tx, span, today))
    .map((s) => ({ ...s, slots: s.slots.filter((x) => x.state === 'missing' && x.period.end >= span.start && x.period.end <= span.end) }))
    .filter((s) => s.slots.length > 0);
}
