import { ROLE_NAMES, type Person, type Role } from '../../storage/records.js';
import { participantsOf, type Quota, type StudyRecord } from '../../storage/study.js';
import { periodRange, type LocalDate, type Period } from '../shared/calendar.js';
import { dayNumber, encodeRecords, FORM_INDEX, idCount, overlaps, personNumbers, type EncodedRecords, type RecordBlock, type StudyRecords } from '../figures/study-columns.js';

/** Where one person stands on one quota in the period containing `asOf`. */
export interface QuotaStatus {
  personId: string;
  quota: Quota;
  period: { start: LocalDate; end: LocalDate; label: string };
  /** Activities, or hours (fractional), counted in the period so far. */
  done: number;
  required: number;
  unit: Quota['unit'];
  periodEnd: LocalDate;
  met: boolean;
}

export const PERIOD_NAMES: Record<Period, string> = { week: '周', month: '月', quarter: '季度', year: '年' };

/** Whether a quota for `quota.role` binds someone of `role`: a 党员 quota binds secretaries and admins too, never leaders. */
export function quotaAppliesTo(quota: Pick<Quota, 'role'>, role: Role): boolean {
  return quota.role === role || (quota.role === 'member' && (role === 'secretary' || role === 'admin'));
}

/** Whether a record counts toward a quota for this person: a 专题党课 counts only for who gave it, other forms for everyone present. */
export function countsToward(quota: Pick<Quota, 'form'>, r: StudyRecord, personId: string): boolean {
  if (r.voided || r.form !== quota.form) return false;
  return quota.form === '专题党课' ? r.personId === personId : participantsOf(r).includes(personId);
}

/**
 * Where each person stands on each live quota, as numbers: what `quotaStatus` lists, kept in one array so that a
 * province's 120,000 standings are counted without making an object for each.
 */
export interface QuotaTable<P extends Pick<Person, 'id' | 'role'> = Pick<Person, 'id' | 'role'>> {
  people: readonly P[];
  /** The live quotas (removed ones left out), in the order given. */
  quotas: readonly Quota[];
  /** Each quota's period containing `asOf`. */
  periods: readonly { start: LocalDate; end: LocalDate; label: string }[];
  /** `done` of person n on quota i at n × quotas.length + i, whether or not the quota binds her. */
  done: Float64Array;
}

/**
 * Each person's standing on every quota that applies to their role, for the quota's period containing `asOf`
 * (Shanghai calendar). Records outside that period and voided records are ignored, so callers may pass more.
 */
export function quotaStatus(input: QuotaInput): QuotaStatus[] {
  const t = quotaTable(input);
  const out: QuotaStatus[] = [];
  eachStanding(t, (n, i) => out.push(standingAt(t, n, i)));
  return out;
}

type QuotaInput<P extends Pick<Person, 'id' | 'role'> = Pick<Person, 'id' | 'role'>> = { quotas: readonly Quota[]; records: StudyRecords | EncodedRecords; people: readonly P[]; asOf: LocalDate };

/** Calls `visit` with each standing of the table (person n, quota i) in `quotaStatus`'s order: person by person. */
export function eachStanding(t: QuotaTable, visit: (n: number, i: number) => void): void {
  t.people.forEach((person, n) => t.quotas.forEach((quota, i) => quotaAppliesTo(quota, person.role) && visit(n, i)));
}

/** Whether person n has met quota i. */
export function metAt(t: QuotaTable, n: number, i: number): boolean {
  return t.done[n * t.quotas.length + i]! >= t.quotas[i]!.min;
}

/** Person n's standing on quota i, as `quotaStatus` lists it. */
export function standingAt(t: QuotaTable, n: number, i: number): QuotaStatus {
  const quota = t.quotas[i]!;
  const period = t.periods[i]!;
  const done = t.done[n * t.quotas.length + i]!;
  return { personId: t.people[n]!.id, quota, period, done, required: quota.min, unit: quota.unit, periodEnd: period.end, met: done >= quota.min };
}

/** The counting behind `quotaStatus`: one pass over the records for everyone judged. */
export function quotaTable<P extends Pick<Person, 'id' | 'role'>>(input: QuotaInput<P>): QuotaTable<P> {
  const periods = new Map<Period, ReturnType<typeof periodRange>>();
  const live = input.quotas.filter((q) => !q.removed);
  const spans = live.map((q) => {
    let period = periods.get(q.period);
    if (!period) periods.set(q.period, (period = periodRange(input.asOf, q.period)));
    return { from: dayNumber(period.start), to: dayNumber(period.end), period };
  });
  // Each judged person's count and minutes per quota, from one pass over the records: only records a person took
  // part in count for her (a 专题党课 only for who gave it), and only in the quota's form and period.
  const byForm = new Map<number, number[]>();
  live.forEach((q, i) => {
    const f = FORM_INDEX.get(q.form) ?? -1;
    byForm.set(f, [...(byForm.get(f) ?? []), i]);
  });
  const lecture = FORM_INDEX.get('专题党课');
  const { blocks } = encodeRecords(input.records);
  const judged = input.people.map((p) => personNumbers(p).n);
  // A judged person's row in the tallies (+1; 0 for anyone else); someone listed twice has one row.
  const row = new Int32Array(idCount());
  judged.forEach((id, j) => (row[id] ||= j + 1));
  const width = live.length * 2;
  const tallies = new Float64Array(judged.length * width);
  for (const b of blocks) {
    if (!spans.some((x) => overlaps(b, x.from, x.to))) continue;
    if (b.kept && b.first === b.last) {
      // A store's day, summed once per person and form (see daySums) and kept with it.
      for (const [f, qs] of byForm) {
        const sum = daySums(b, lecture).get(f);
        if (!sum) continue;
        for (const i of qs) {
          if (b.first < spans[i]!.from || b.first > spans[i]!.to) continue;
          for (let e = 0; e < sum.ids.length; e++) {
            const j = sum.ids[e]! < row.length ? row[sum.ids[e]!]! : 0;
            if (j === 0) continue;
            tallies[(j - 1) * width + 2 * i]! += sum.count[e]!;
            tallies[(j - 1) * width + 2 * i + 1]! += sum.minutes[e]!;
          }
        }
      }
      continue;
    }
    for (let r = 0; r < b.n; r++) {
      const qs = b.voided[r] ? undefined : byForm.get(b.form[r]!);
      if (!qs) continue;
      const last = b.form[r] === lecture ? b.start[r]! + 1 : b.start[r + 1]!;
      for (const i of qs) {
        if (b.day[r]! < spans[i]!.from || b.day[r]! > spans[i]!.to) continue;
        for (let k = b.start[r]!; k < last; k++) {
          const j = b.who[k]! < row.length ? row[b.who[k]!]! : 0;
          if (j === 0) continue;
          tallies[(j - 1) * width + 2 * i]!++;
          tallies[(j - 1) * width + 2 * i + 1]! += b.minutes[r]!;
        }
      }
    }
  }
  const done = new Float64Array(input.people.length * live.length);
  input.people.forEach((_, n) => {
    const j = row[judged[n]!]! - 1;
    live.forEach((quota, i) => (done[n * live.length + i] = quota.unit === 'count' ? tallies[j * width + 2 * i]! : tallies[j * width + 2 * i + 1]! / 60));
  });
  return { people: input.people, quotas: live, periods: spans.map((s) => s.period), done };
}

type DaySum = { ids: Int32Array; count: Float64Array; minutes: Float64Array };
const kept = new WeakMap<RecordBlock, Map<number, DaySum>>();

/**
 * A day's records that count toward quotas, by form: each person's activities and minutes (a 专题党课 for who gave
 * it, any other form for everyone present), so a quota's period adds up days and not a province's 1.2 million
 * participations.
 */
function daySums(b: RecordBlock, lecture: number | undefined): Map<number, DaySum> {
  const known = kept.get(b);
  if (known) return known;
  const acc = new Map<number, Map<number, [number, number]>>();
  for (let r = 0; r < b.n; r++) {
    if (b.voided[r]) continue;
    let of = acc.get(b.form[r]!);
    if (!of) acc.set(b.form[r]!, (of = new Map()));
    const last = b.form[r] === lecture ? b.start[r]! + 1 : b.start[r + 1]!;
    for (let k = b.start[r]!; k < last; k++) {
      const t = of.get(b.who[k]!);
      if (t) (t[0]++, (t[1] += b.minutes[r]!));
      else of.set(b.who[k]!, [1, b.minutes[r]!]);
    }
  }
  const out = new Map<number, DaySum>();
  for (const [f, of] of acc) out.set(f, { ids: Int32Array.from(of.keys()), count: Float64Array.from(of.values(), (t) => t[0]), minutes: Float64Array.from(of.values(), (t) => t[1]) });
  kept.set(b, out);
  return out;
}

/** `志愿服务 每月至少1次` or `个人自学 每季度至少10小时`. */
export function describeQuota(q: Pick<Quota, 'form' | 'period' | 'min' | 'unit'>): string {
  return `${q.form} 每${PERIOD_NAMES[q.period]}至少${amount(q.min, q.unit)}`;
}

/** The same with the role in front: `党员 志愿服务 每月至少1次`. */
export function describeRoleQuota(q: Pick<Quota, 'role' | 'form' | 'period' | 'min' | 'unit'>): string {
  return `${ROLE_NAMES[q.role]} ${describeQuota(q)}`;
}

/** `1次` or `2.5小时`. */
export function amount(n: number, unit: Quota['unit']): string {
  return unit === 'count' ? `${n}次` : `${Math.round(n * 10) / 10}小时`;
}

/** `1/1` or `2.5/10小时`: done over required in the quota's unit. */
export function progress(s: Pick<QuotaStatus, 'done' | 'required' | 'unit'>): string {
  return s.unit === 'count' ? `${s.done}/${s.required}` : `${Math.round(s.done * 10) / 10}/${s.required}小时`;
}
