import type { Person } from '../../storage/records.js';
import type { Quota } from '../../storage/study.js';
import { periodRange, type LocalDate } from '../shared/calendar.js';
import { describeQuota, metAt, progress, quotaAppliesTo, quotaStatus, quotaTable, standingAt, type QuotaStatus, type QuotaTable } from '../study/quotas.js';
import { groupOf, inScopePerson, type FigureScope } from './scope.js';
import type { EncodedRecords, StudyRecords } from './study-columns.js';

/** One quota shortfall, for the gap list (a gap list, never a ranking). */
export interface QuotaGap {
  branchId?: string;
  /** Where the person is listed: the branch name, 领导班子 or 未归属支部. */
  group: string;
  personId: string;
  quota: string;
  progress: string;
  periodEnd: LocalDate;
}

/** 指标完成: standings met and standings judged. */
export interface QuotaTally {
  met: number;
  total: number;
}

/**
 * 指标完成情况: every standing of the scope's people on the quotas that bind their role, for each quota period that
 * contains `asOf` and ends by `until` (a report shows the quotas falling due within it).
 */
export function quotaStandings(data: StandingsData, o: { asOf: LocalDate; until: LocalDate } & FigureScope): QuotaStatus[] {
  return quotaStatus(standingsInput(data, o));
}

/** `quotaStandings` as a table (see QuotaTable), for the figures that count them. */
export function quotaStandingTable<P extends Pick<Person, 'id' | 'role' | 'branchId'>>(data: StandingsData<P>, o: { asOf: LocalDate; until: LocalDate } & FigureScope): QuotaTable<P> {
  return quotaTable(standingsInput(data, o));
}

type StandingsData<P extends Pick<Person, 'id' | 'role' | 'branchId'> = Pick<Person, 'id' | 'role' | 'branchId'>> = { people: readonly P[]; quotas: readonly Quota[]; records: StudyRecords | EncodedRecords };

function standingsInput<P extends Pick<Person, 'id' | 'role' | 'branchId'>>(data: StandingsData<P>, o: { asOf: LocalDate; until: LocalDate } & FigureScope) {
  const judged = data.people.filter((p) => inScopePerson(p, o));
  // Quotas whose period ends after `until` are left out before counting, not after (a month's report skips the year's).
  const quotas = data.quotas.filter((q) => periodRange(o.asOf, q.period).end <= o.until);
  return { quotas, records: data.records, people: judged, asOf: o.asOf };
}

/** `standingsByGroup` over a table, keyed by each standing's person. */
export function tableByGroup<P extends Pick<Person, 'id' | 'role'>>(t: QuotaTable<P>, key: (person: P) => string): Record<string, QuotaTally> {
  const out: Record<string, QuotaTally> = {};
  for (let n = 0; n < t.people.length; n++) {
    let tally: QuotaTally | undefined;
    for (let i = 0; i < t.quotas.length; i++) {
      if (!quotaAppliesTo(t.quotas[i]!, t.people[n]!.role)) continue;
      tally ??= out[key(t.people[n]!)] ??= { met: 0, total: 0 };
      tally.total++;
      if (metAt(t, n, i)) tally.met++;
    }
  }
  return out;
}

/** Standings tallied by a key (a branch id, a quota id). */
export function standingsByGroup(standings: readonly QuotaStatus[], key: (personId: string, s: QuotaStatus) => string): Record<string, QuotaTally> {
  const out: Record<string, QuotaTally> = {};
  for (const s of standings) {
    const t = (out[key(s.personId, s)] ??= { met: 0, total: 0 });
    t.total++;
    if (s.met) t.met++;
  }
  return out;
}

/** The standings not met, as gap-list lines (each quota described once: a province has 100,000 gaps on a few quotas). */
export function toGaps(standings: readonly QuotaStatus[], person: (id: string) => Pick<Person, 'role' | 'branchId'> | undefined, branchName: (id: string) => string | undefined): QuotaGap[] {
  const line = gapLine(branchName);
  // A person's standings come together (quotaStatus lists them person by person): each person is looked up once.
  let last: { id: string; p: Pick<Person, 'role' | 'branchId'> | undefined } | undefined;
  return standings.filter((s) => !s.met).map((s) => line(s, (last?.id === s.personId ? last : (last = { id: s.personId, p: person(s.personId) })).p));
}

/** Makes gap-list lines of one list, each quota described once and each run of one person's standings grouped once. */
function gapLine(branchName: (id: string) => string | undefined): (s: QuotaStatus, person: Pick<Person, 'role' | 'branchId'> | undefined) => QuotaGap {
  const described = new Map<Quota, string>();
  let last: { p: Pick<Person, 'role' | 'branchId'> | undefined; group: string } | undefined;
  return (s, p) => {
    let quota = described.get(s.quota);
    if (quota === undefined) described.set(s.quota, (quota = describeQuota(s.quota)));
    if (last === undefined || last.p !== p) last = { p, group: groupOf(p, branchName) };
    const gap: QuotaGap = { group: last.group, personId: s.personId, quota, progress: progress(s), periodEnd: s.periodEnd };
    if (p?.branchId) gap.branchId = p.branchId;
    return gap;
  };
}

/**
 * A gap list that makes each line only when asked for: a province's 全局 card shows 100 of 117,866 gaps, and its
 * count and order need only who each gap is for.
 */
export interface GapList {
  readonly length: number;
  personId(k: number): string;
  /** The branch the k-th gap's person belongs to ('' for none), which the list is ordered by. */
  branchId(k: number): string;
  at(k: number): QuotaGap;
}

/** An array of gaps as a GapList. */
export function gapArray(gaps: readonly QuotaGap[]): GapList {
  return { length: gaps.length, personId: (k) => gaps[k]!.personId, branchId: (k) => gaps[k]!.branchId ?? '', at: (k) => gaps[k]! };
}

/** Every gap of the list, in order. */
export function allGaps(list: GapList): QuotaGap[] {
  return Array.from({ length: list.length }, (_, k) => list.at(k));
}

/** `toGaps(quotaStatus(…))` of a table, each line made when first asked for. */
export function tableGaps<P extends Pick<Person, 'id' | 'role' | 'branchId'>>(t: QuotaTable<P>, branchName: (id: string) => string | undefined): GapList {
  const unmet: number[] = [];
  // quotaStatus's order: person by person, each in the quotas' order.
  for (let n = 0; n < t.people.length; n++) for (let i = 0; i < t.quotas.length; i++) if (quotaAppliesTo(t.quotas[i]!, t.people[n]!.role) && !metAt(t, n, i)) unmet.push(n * t.quotas.length + i);
  const width = t.quotas.length;
  const line = gapLine(branchName);
  const made = new Map<number, QuotaGap>();
  const person = (k: number) => t.people[Math.floor(unmet[k]! / width)]!;
  return {
    length: unmet.length,
    personId: (k) => person(k).id,
    branchId: (k) => person(k).branchId ?? '',
    at(k) {
      let g = made.get(k);
      if (g === undefined) made.set(k, (g = line(standingAt(t, Math.floor(unmet[k]! / width), unmet[k]! % width), person(k))));
      return g;
    },
  };
}

