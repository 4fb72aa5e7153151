import { participantsOf, effectiveQuotas, sameQuotaKey, type MeetingRule, type Quota, type QuotaChange, type StudyDay, type StudyRecord, type StudyVerbs, dayNumber } from '../study.js';
import { yieldIfBusy } from '../event-loop.js';
import type { IndexFn, Tables } from './engine.js';

/** The study log's collections and their indexes, for COLLECTIONS. */
export const STUDY_COLLECTIONS: Record<string, Record<string, IndexFn>> = {
  studyRecords: { participant: (r: StudyRecord) => participantsOf(r), branch: (r: StudyRecord) => r.branchId, day: (r: StudyRecord) => r.date },
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
      const keep = (r: StudyRecord) =>
        (f.branchId === undefined || r.branchId === f.branchId) && (f.from === undefined || r.date >= f.from) && (f.to === undefined || r.date <= f.to) && (f.includeVoided || !r.voided);
      return byDayThenNumber(base, keep);
    },
    async listStudyDays(from, to) {
      const days: StudyDay[] = [];
      for (let d = from; d <= to; d = nextDay(d)) {
        const records = t.byShared<StudyRecord>('studyRecords', 'day', d);
        if (records.length > 0) days.push({ date: d, records });
      }
      return days;
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

/**
 * The records kept, ordered by date and then by their id's number, in slices that let acknowledgements through: this
 * list can be a province's year (500,000 records). Records are put in one bucket per day (a few hundred), and each
 * day's few are sorted by number, in place of one comparison sort of the whole year.
 */
async function byDayThenNumber(records: Iterable<StudyRecord>, keep: (r: StudyRecord) => boolean): Promise<StudyRecord[]> {
  const days = new Map<number, StudyRecord[]>();
  let n = 0;
  for (const r of records) {
    if (++n % 1024 === 0) await yieldIfBusy();
    if (!keep(r)) continue;
    const day = dayNumber(r.date);
    const list = days.get(day);
    if (list) list.push(r);
    else days.set(day, [r]);
  }
  const out: StudyRecord[] = [];
  for (const day of [...days.keys()].sort((a, b) => a - b)) {
    await yieldIfBusy();
    // Array.prototype.sort is stable, as the one sort of the whole list was.
    const list = days.get(day)!.map((r) => ({ r, k: number(r.id) })).sort((a, b) => a.k - b.k);
    for (const x of list) out.push(x.r);
  }
  return out;
}

/** The calendar day after `yyyy-mm-dd` (dates as the records store them, no time zone involved). */
function nextDay(d: string): string {
  return new Date(Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)) + 1)).toISOString().slice(0, 10);
}

/** The number in an id (`S123` → 123), read from the characters; anything but a prefix and digits as Number() reads it. */
function number(id: string): number {
  let i = 0;
  while (i < id.length && (id.charCodeAt(i) < 48 || id.charCodeAt(i) > 57)) i++;
  let n = 0;
  for (let j = i; j < id.length; j++) {
    const c = id.charCodeAt(j) - 48;
    if (c < 0 || c > 9 || j - i > 15) return Number(id.replace(/^\D+/, ''));
    n = n * 10 + c;
  }
  return i === id.length ? 0 : n;
}
