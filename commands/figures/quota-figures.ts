import type { Person } from '../../storage/records.js';
import type { Quota } from '../../storage/study.js';
import { periodRange, type LocalDate } from '../shared/calendar.js';
import { describeQuota, progress, quotaStatus, type QuotaStatus } from '../study/quotas.js';
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
export function quotaStandings(data: { people: readonly Pick<Person, 'id' | 'role' | 'branchId'>[]; quotas: readonly Quota[]; records: StudyRecords | EncodedRecords }, o: { asOf: LocalDate; until: LocalDate } & FigureScope): QuotaStatus[] {
  const judged = data.people.filter((p) => inScopePerson(p, o));
  // Quotas whose period ends after `until` are left out before counting, not after (a month's report skips the year's).
  const quotas = data.quotas.filter((q) => periodRange(o.asOf, q.period).end <= o.until);
  return quotaStatus({ quotas, records: data.records, people: judged, asOf: o.asOf });
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
  const described = new Map<Quota, string>();
  const out: QuotaGap[] = [];
  // A person's standings come together (quotaStatus lists them person by person): each person is looked up once.
  let last: { id: string; p: Pick<Person, 'role' | 'branchId'> | undefined; group: string } | undefined;
  for (const s of standings) {
    if (s.met) continue;
    let quota = described.get(s.quota);
    if (quota === undefined) described.set(s.quota, (quota = describeQuota(s.quota)));
    if (last?.id !== s.personId) {
      const p = person(s.personId);
      last = { id: s.personId, p, group: groupOf(p, branchName) };
    }
    const gap: QuotaGap = { group: last.group, personId: s.personId, quota, progress: progress(s), periodEnd: s.periodEnd };
    if (last.p?.branchId) gap.branchId = last.p.branchId;
    out.push(gap);
  }
  return out;
}
