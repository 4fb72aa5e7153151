import type { Measure, Problem, Task } from '../../storage/ledger.js';
import type { Branch, Person } from '../../storage/records.js';
import type { Tx } from '../../storage/store.js';
import { FORMS, participantsOf, type Form, type Quota, type StudyRecord } from '../../storage/study.js';
import { addDays, periodRange, startOfDay, workingDaysUntil, type LocalDate } from '../shared/calendar.js';
import { ledgerFigures, stateAsOf, type LedgerFigures } from './ledger-figures.js';
import { describeQuota, progress, quotaStatus, type QuotaStatus } from '../study/quotas.js';

/** Study activity in a span: sessions logged once each, hours of those sessions, and who took part. */
export interface StudyFigures {
  sessions: number;
  hours: number;
  /** Person-times: each session counts once for everyone it counts for. */
  participations: number;
  /** Branch members (members and secretaries) who took part at least once. */
  membersWhoLogged: number;
  members: number;
  byForm: Partial<Record<Form, { sessions: number; hours: number }>>;
}

/** One quota shortfall, for the gap list (a gap list, never a ranking). */
export interface QuotaGap {
  branchId?: string;
  personId: string;
  quota: string;
  progress: string;
  periodEnd: LocalDate;
}

/** An overdue problem, measure or task and its owner. */
export interface OverdueItem {
  kind: 'problem' | 'measure' | 'task';
  id: string;
  title: string;
  owner: string;
  branchId?: string;
  deadline: LocalDate;
  /** Working days past the deadline. */
  days: number;
}

/** Everything a leader's summary, a weekly digest and a monthly bulletin print: one computation for all three. */
export interface BureauFigures {
  scope: { branchId?: string; personId?: string };
  period: { start: LocalDate; end: LocalDate; label: string };
  asOf: LocalDate;
  ledger: LedgerFigures;
  study: { period: StudyFigures; year: StudyFigures };
  studyByBranch: Record<string, StudyFigures>;
  /** Quota standings falling due within the period (judged on `asOf`). */
  quotaByBranch: Record<string, { met: number; total: number }>;
  gaps: QuotaGap[];
  overdue: OverdueItem[];
  branches: { id: string; name: string }[];
}

/**
 * Reads what the figures need from the store and computes them; `asOf` defaults to the period end. A branch or a
 * person reads only its own slice through the store's indexes (what `computeFigures` would keep of the whole).
 */
export async function bureauFigures(
  tx: Tx,
  opts: { period: { start: LocalDate; end: LocalDate; label: string }; asOf: LocalDate; branchId?: string; personId?: string },
): Promise<BureauFigures> {
  const year = periodRange(opts.asOf, 'year');
  const span = { from: opts.period.start < year.start ? opts.period.start : year.start, to: opts.asOf };
  const [people, branches, quotas] = await Promise.all([tx.listPeople(), tx.listBranches(), tx.listQuotas()]);
  if (opts.personId === undefined && opts.branchId === undefined) {
    const [problems, measures, tasks, records] = await Promise.all([tx.listProblems(), tx.listMeasures(), tx.listTasks(), tx.listStudyRecords(span)]);
    return computeFigures({ problems, measures, tasks, records, people, branches, quotas }, opts);
  }
  const { personId, branchId } = opts;
  let problems: Problem[];
  let tasks: Task[];
  let records: StudyRecord[];
  if (personId !== undefined) {
    const owned = await tx.listMeasures({ owner: personId });
    const ids = new Set([...(await tx.listProblems({ leadPerson: personId })).map((p) => p.id), ...owned.map((m) => m.problemId)]);
    problems = (await Promise.all([...ids].map((id) => tx.getProblem(id)))).filter((p): p is Problem => p !== undefined);
    tasks = await tx.listTasks({ assignee: personId });
    records = await tx.listStudyRecords({ ...span, personId });
  } else {
    problems = await tx.listProblems({ branchId });
    tasks = await tx.listTasks({ branchId });
    const lists = [await tx.listStudyRecords({ ...span, branchId }), ...(await Promise.all(people.filter((p) => p.branchId === branchId).map((p) => tx.listStudyRecords({ ...span, personId: p.id }))))];
    records = [...new Map(lists.flat().map((r) => [r.id, r])).values()];
  }
  const measures = (await Promise.all(problems.map((p) => tx.listMeasures({ problemId: p.id })))).flat();
  return computeFigures({ problems, measures, tasks, records, people, branches, quotas }, opts);
}

/** Everything `computeFigures` reads. */
export type FigureData = { problems: readonly Problem[]; measures: readonly Measure[]; tasks: readonly Task[]; records: readonly StudyRecord[]; people: readonly Person[]; branches: readonly Branch[]; quotas: readonly Quota[] };

/**
 * Splits the bureau's data by branch in one pass, for callers that compute every branch's figures (the weekly
 * digest): `computeFigures(slice, { branchId })` gives the same figures as on the whole, at a fiftieth of the work.
 * A record goes to its own branch and to the branch of each participant; a slice holds the branch's own people
 * (all a branch's figures look up), every branch and every quota.
 */
export function sliceByBranch(data: FigureData): Map<string, FigureData> {
  const branchOf = new Map(data.people.map((p) => [p.id, p.branchId]));
  const slices = new Map(data.branches.map((b) => [b.id, { problems: [] as Problem[], measures: [] as Measure[], tasks: [] as Task[], records: [] as StudyRecord[] }]));
  const problemBranch = new Map(data.problems.map((p) => [p.id, p.branchId]));
  for (const p of data.problems) slices.get(p.branchId)?.problems.push(p);
  for (const m of data.measures) slices.get(problemBranch.get(m.problemId) ?? '')?.measures.push(m);
  for (const t of data.tasks) if (t.branchId) slices.get(t.branchId)?.tasks.push(t);
  for (const r of data.records) {
    const own = branchOf.get(r.personId);
    if (r.attendees.length === 0) {
      if (r.branchId !== undefined) slices.get(r.branchId)?.records.push(r);
      if (own !== undefined && own !== r.branchId) slices.get(own)?.records.push(r);
      continue;
    }
    const bs = new Set<string | undefined>([r.branchId, own, ...r.attendees.map((id) => branchOf.get(id))]);
    for (const b of bs) if (b !== undefined) slices.get(b)?.records.push(r);
  }
  const peopleOf = new Map<string, Person[]>();
  for (const p of data.people) {
    if (!p.branchId) continue;
    const list = peopleOf.get(p.branchId);
    if (list) list.push(p);
    else peopleOf.set(p.branchId, [p]);
  }
  return new Map([...slices].map(([id, s]) => [id, { ...s, people: peopleOf.get(id) ?? [], branches: data.branches, quotas: data.quotas }]));
}

/** Quota standings of everyone in scope for the quota periods containing `asOf` that end by `until`. */
function quotaStandings(data: Pick<FigureData, 'people' | 'quotas' | 'records'>, o: { asOf: LocalDate; until: LocalDate; branchId?: string; personId?: string }): QuotaStatus[] {
  const judged = data.people.filter((p) => (o.branchId === undefined || p.branchId === o.branchId) && (o.personId === undefined || p.id === o.personId));
  return quotaStatus({ quotas: data.quotas, records: data.records, people: judged, asOf: o.asOf }).filter((s) => s.periodEnd <= o.until);
}

/** Just the gap list of `computeFigures(data, …).gaps`, without the rest of the figures. */
export function quotaGaps(data: Pick<FigureData, 'people' | 'quotas' | 'records'>, o: { asOf: LocalDate; until: LocalDate; branchId?: string; personId?: string }): QuotaGap[] {
  const branchOf = new Map(data.people.map((p) => [p.id, p.branchId]));
  return quotaStandings(data, o)
    .filter((s) => !s.met)
    .map((s) => gapOf(s, branchOf.get(s.personId)));
}

/** The pure part of `bureauFigures`, for callers that already hold the data. */
export function computeFigures(
  data: FigureData,
  opts: { period: { start: LocalDate; end: LocalDate; label: string }; asOf: LocalDate; branchId?: string; personId?: string },
): BureauFigures {
  const { asOf, branchId, personId } = opts;
  const inScopeBranch = (b: string | undefined) => branchId === undefined || b === branchId;
  const ownsMeasureOf = new Set(personId === undefined ? [] : data.measures.filter((m) => m.owner === personId).map((m) => m.problemId));
  const problems = data.problems.filter((p) => inScopeBranch(p.branchId) && (personId === undefined || p.leadPerson === personId || ownsMeasureOf.has(p.id)));
  const inScope = new Map(problems.map((p) => [p.id, p]));
  const measures = data.measures.filter((m) => inScope.has(m.problemId) && (personId === undefined || m.owner === personId || inScope.get(m.problemId)?.leadPerson === personId));
  const ledger = ledgerFigures({ problems, measures }, { asOf, period: { start: opts.period.start, end: opts.period.end } });

  const branchOf = new Map(data.people.map((p) => [p.id, p.branchId]));
  const members = data.people.filter((p) => p.branchId && (p.role === 'member' || p.role === 'secretary') && inScopeBranch(p.branchId) && (personId === undefined || p.id === personId));
  const takesPart = (r: StudyRecord, test: (id: string) => boolean) => test(r.personId) || r.attendees.some(test);
  const records = data.records.filter((r) => !r.voided && r.date <= asOf && (personId === undefined || takesPart(r, (id) => id === personId)) && (branchId === undefined || r.branchId === branchId || takesPart(r, (id) => branchOf.get(id) === branchId)));
  const year = periodRange(asOf, 'year');
  const inPeriod = records.filter((r) => r.date >= opts.period.start && r.date <= opts.period.end);
  const study = {
    period: studyFigures(inPeriod, members),
    year: studyFigures(records.filter((r) => r.date >= year.start), members),
  };
  // Each record counts for its own branch and for every branch one of its participants belongs to.
  const recordsByBranch = new Map<string, StudyRecord[]>();
  for (const r of inPeriod) {
    const bs = new Set<string | undefined>([r.branchId, ...participantsOf(r).map((id) => branchOf.get(id))]);
    for (const b of bs) {
      if (b === undefined) continue;
      const list = recordsByBranch.get(b);
      if (list) list.push(r);
      else recordsByBranch.set(b, [r]);
    }
  }
  const studyByBranch: Record<string, StudyFigures> = {};
  for (const b of data.branches.filter((x) => inScopeBranch(x.id))) {
    studyByBranch[b.id] = studyFigures(recordsByBranch.get(b.id) ?? [], members.filter((p) => p.branchId === b.id));
  }

  const statuses = quotaStandings(data, { asOf, until: opts.period.end, branchId, personId });
  const quotaByBranch: Record<string, { met: number; total: number }> = {};
  const gaps: QuotaGap[] = [];
  for (const s of statuses) {
    const b = branchOf.get(s.personId) ?? '';
    const q = (quotaByBranch[b] ??= { met: 0, total: 0 });
    q.total++;
    if (s.met) q.met++;
    else gaps.push(gapOf(s, branchOf.get(s.personId)));
  }

  const overdue: OverdueItem[] = [];
  const late = new Map<LocalDate, number>();
  const workingDaysLate = (deadline: LocalDate) => {
    let n = late.get(deadline);
    if (n === undefined) late.set(deadline, (n = workingDaysUntil(deadline, asOf)));
    return n;
  };
  const byId = new Map(data.problems.map((p) => [p.id, p]));
  // Judged as things stood on `asOf`, so a past period's list agrees with its counts.
  const cutoff = startOfDay(addDays(asOf, 1)).getTime();
  const existed = (r: { created: { at: string }; voided?: { at: string } }) => Date.parse(r.created.at) < cutoff && !(r.voided && Date.parse(r.voided.at) < cutoff);
  const openOn = new Map<string, boolean>();
  for (const p of problems) {
    if (!existed(p)) continue;
    const s = stateAsOf(p, asOf);
    openOn.set(p.id, s.status !== '已整改销号');
    if (s.status !== '已整改销号' && s.deadline < asOf) overdue.push({ kind: 'problem', id: p.id, title: p.description, owner: p.leadPerson, branchId: p.branchId, deadline: s.deadline, days: workingDaysLate(s.deadline) });
  }
  for (const m of measures) {
    if (!openOn.get(m.problemId) || Date.parse(m.created.at) >= cutoff) continue;
    const s = stateAsOf(m, asOf);
    if (s.status !== '已完成' && s.deadline < asOf) overdue.push({ kind: 'measure', id: m.id, title: m.content, owner: m.owner, branchId: byId.get(m.problemId)?.branchId, deadline: s.deadline, days: workingDaysLate(s.deadline) });
  }
  for (const t of data.tasks) {
    if (t.status !== '办理中' || t.deadline >= asOf || !inScopeBranch(t.branchId)) continue;
    for (const a of t.assignees) {
      if (a.reportedAt || (personId !== undefined && a.openId !== personId)) continue;
      overdue.push({ kind: 'task', id: t.id, title: t.content, owner: a.openId, branchId: t.branchId, deadline: t.deadline, days: workingDaysLate(t.deadline) });
    }
  }
  overdue.sort((a, b) => b.days - a.days || a.id.localeCompare(b.id));

  return {
    scope: { branchId, personId },
    period: opts.period,
    asOf,
    ledger,
    study,
    studyByBranch,
    quotaByBranch,
    gaps,
    overdue,
    branches: data.branches.filter((b) => inScopeBranch(b.id)).map((b) => ({ id: b.id, name: b.name })),
  };
}

function studyFigures(records: readonly StudyRecord[], members: readonly Pick<Person, 'id'>[]): StudyFigures {
  const byForm: StudyFigures['byForm'] = {};
  const people = new Set<string>();
  let minutes = 0;
  let participations = 0;
  for (const r of records) {
    const f = (byForm[r.form] ??= { sessions: 0, hours: 0 });
    f.sessions++;
    f.hours += (r.minutes ?? 0) / 60;
    minutes += r.minutes ?? 0;
    people.add(r.personId);
    participations += 1;
    for (const id of r.attendees) {
      if (id === r.personId) continue;
      people.add(id);
      participations += 1;
    }
  }
  for (const form of FORMS) if (byForm[form]) byForm[form]!.hours = round1(byForm[form]!.hours);
  return {
    sessions: records.length,
    hours: round1(minutes / 60),
    participations,
    membersWhoLogged: members.filter((m) => people.has(m.id)).length,
    members: members.length,
    byForm,
  };
}

function gapOf(s: QuotaStatus, branchId: string | undefined): QuotaGap {
  return { branchId, personId: s.personId, quota: describeQuota(s.quota), progress: progress(s), periodEnd: s.periodEnd };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The day before `d`, for "last week" and "last month" spans. */
export const dayBefore = (d: LocalDate): LocalDate => addDays(d, -1);
