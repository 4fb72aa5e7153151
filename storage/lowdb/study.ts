import { participantsOf, effectiveQuotas, sameQuotaKey, type MeetingRule, type Quota, type QuotaChange, type StudyRecord, type StudyVerbs } from '../study.js';
import { filterSortInSlices } from '../event-loop.js';
import type { IndexFn, Tables } from './engine.js';

/** The study log's collections and their indexes, for COLLECTIONS. */
export const STUDY_COLLECTIONS: Record<string, Record<string, IndexFn>> = {
  studyRecords: { participant: (r: StudyRecord) => participantsOf(r), branch: (r: StudyRecord) => r.branchId },
  quotas: {},
  quotaChanges: {},
  // New in issue 14: a data file without it opens with it empty (the engine loads every listed collection).
  meetingRules: {},
};

/** The study and activity log over the engine's tables. */
export function studyVerbs(t: Tables): StudyVerbs {
  const stored = () => [...t.all<Quota>('quotas')];
  return {
    async addStudyRecord(r) {
      return t.insert<StudyRecord>('studyRecords', { id: `S${t.next('S')}`, ...r });
    },
    async getStudyRecord(id) {
      return t.get<StudyRecord>('studyRecords', id);
    },
    async voidStudyRecord(id, voided) {
      return t.patch<StudyRecord>('studyRecords', id, { voided });
    },
    async listStudyRecords(f = {}) {
      const base =
        f.personId !== undefined
          ? t.by<StudyRecord>('studyRecords', 'participant', f.personId)
          : f.branchId !== undefined
            ? t.by<StudyRecord>('studyRecords', 'branch', f.branchId)
            : [...t.all<StudyRecord>('studyRecords')];
      // Each id's number is read once, not in every comparison: this list can be the whole year, so it is filtered
      // and sorted in slices that let acknowledgements through.
      const sorted = await filterSortInSlices(
        base,
        (r) =>
          (f.branchId === undefined || r.branchId === f.branchId) &&
          (f.from === undefined || r.date >= f.from) &&
          (f.to === undefined || r.date <= f.to) &&
          (f.includeVoided || !r.voided),
        // One number per record (yyyymmdd, then the id's number) compares far faster than two strings.
        (r) => ({ r, k: Number(r.date.replace(/-/g, '')) * 1e8 + number(r.id) }),
        (a, b) => a.k - b.k,
      );
      return sorted.map((x) => x.r);
    },
    async listQuotas() {
      return effectiveQuotas(stored());
    },
    async setQuota(q, stamp) {
      const before = effectiveQuotas(stored()).find((x) => sameQuotaKey(x, q));
      const live = stored().find((x) => sameQuotaKey(x, q) && !x.removed);
      const saved = live
        ? t.patch<Quota>('quotas', live.id, { min: q.min, unit: q.unit, set: stamp })
        : t.insert<Quota>('quotas', { id: `Q${t.next('Q')}`, role: q.role, form: q.form, period: q.period, min: q.min, unit: q.unit, set: stamp });
      log(t, { ...key(q), action: 'set', at: stamp.at, by: stamp.by, ...(before ? { from: amount(before) } : {}), to: amount(q) });
      return saved;
    },
    async removeQuota(k, stamp) {
      const current = effectiveQuotas(stored()).find((x) => sameQuotaKey(x, k));
      if (!current) return undefined;
      // A default has no row of its own: its removal is a stored copy marked removed, which also shadows it.
      const removed = current.builtIn
        ? t.insert<Quota>('quotas', { id: `Q${t.next('Q')}`, role: current.role, form: current.form, period: current.period, min: current.min, unit: current.unit, removed: stamp })
        : t.patch<Quota>('quotas', current.id, { removed: stamp });
      log(t, { ...key(k), action: 'remove', at: stamp.at, by: stamp.by, from: amount(current) });
      return removed;
    },
    async listQuotaChanges() {
      return [...t.all<QuotaChange>('quotaChanges')].sort((a, b) => number(a.id) - number(b.id));
    },
    async addMakeup(recordId, m) {
      const r = t.get<StudyRecord>('studyRecords', recordId);
      if (!r?.meeting) throw new Error(`${recordId} is not a meeting record`);
      return t.patch<StudyRecord>('studyRecords', recordId, { meeting: { ...r.meeting, makeups: [...(r.meeting.makeups ?? []), m] } });
    },
    async listMeetingRules() {
      return [...t.all<MeetingRule>('meetingRules')].sort((a, b) => number(a.id) - number(b.id));
    },
    async setMeetingRule(r, stamp) {
      const live = [...t.all<MeetingRule>('meetingRules')].find((x) => x.scope === r.scope && x.kind === r.kind);
      if (!live) return t.insert<MeetingRule>('meetingRules', { id: `MR${t.next('MR')}`, ...r, set: stamp, history: [] });
      const before = live.set ? [{ ...live.set, period: live.period, min: live.min }] : [];
      return t.patch<MeetingRule>('meetingRules', live.id, { period: r.period, min: r.min, set: stamp, history: [...(live.history ?? []), ...before] });
    },
  };
}

function log(t: Tables, c: Omit<QuotaChange, 'id'>): void {
  t.insert<QuotaChange>('quotaChanges', { id: `QC${t.next('QC')}`, ...c });
}

function key(q: Pick<Quota, 'role' | 'form' | 'period'>) {
  return { role: q.role, form: q.form, period: q.period };
}

function amount(q: Pick<Quota, 'min' | 'unit'>) {
  return { min: q.min, unit: q.unit };
}

function number(id: string): number {
  return Number(id.replace(/^\D+/, ''));
}
