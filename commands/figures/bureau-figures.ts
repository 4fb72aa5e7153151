import type { Measure, Problem, Task } from '../../storage/ledger.js';
import type { Branch, Person } from '../../storage/records.js';
import type { Tx } from '../../storage/store.js';
import type { Quota, StudyRecord } from '../../storage/study.js';
import { addDays, periodRange, type LocalDate } from '../shared/calendar.js';
import { ledgerFigures, type LedgerFigures } from './ledger-figures.js';
import { openItems, overdueItems, type OverdueItem } from './open-items.js';
import { allGaps, gapArray, quotaStandings, quotaStandingTable, tableByGroup, tableGaps, toGaps, type GapList, type QuotaGap, type QuotaTally } from './quota-figures.js';
import { groupOf, type FigureScope } from './scope.js';
import { spanUpTo, studyFigures, studyFiguresByBranch, type StudyFigures } from './study-figures.js';
import { shortBranchName } from './branch-names.js';
import { encodeRecords, recordList, type StudyRecords } from './study-columns.js';
import { loadCalendar } from '../shared/load-calendar.js';
import { yieldIfBusy } from '../shared/event-loop.js';
import type { Calendar } from '../shared/working-calendar.js';

export type { StudyFigures } from './study-figures.js';
export type { OverdueItem } from './open-items.js';
export type { QuotaGap } from './quota-figures.js';

/** A report period: its first and last day and its Chinese label. */
export type ReportPeriod = { start: LocalDate; end: LocalDate; label: string };

/** Everything `/进度`, `/学习 统计`, the weekly digest and the monthly bulletin print: one computation for all. */
export interface BureauFigures {
  scope: FigureScope;
  period: ReportPeriod;
  /** The day the ledger is judged on (end of day): 逾期 and overdue working days count to it. */
  asOf: LocalDate;
  ledger: LedgerFigures;
  /** Study in the period and in the year of `asOf` up to it. */
  study: { period: StudyFigures; year: StudyFigures };
  /** Each branch's own study figures in the period (bureau and branch scopes). */
  studyByBranch: Record<string, StudyFigures>;
  /** 指标完成: standings met over standings judged, by branch id ('' for people without one). */
  quotaByBranch: Record<string, QuotaTally>;
  /** 指标缺口: standings not met, on quotas whose period (containing `asOf`) ends within the report period. */
  gaps: QuotaGap[];
  /** 逾期事项: overdue problems, measures and tasks (a task once, with the owners still to report). */
  overdue: OverdueItem[];
  branches: { id: string; name: string; short: string }[];
}

/** Everything `computeFigures` reads. */
export type FigureData = { problems: readonly Problem[]; measures: readonly Measure[]; tasks: readonly Task[]; records: StudyRecords; people: readonly Person[]; branches: readonly Branch[]; quotas: readonly Quota[] };

/** Options of a computation: the period, the day it is judged on, whose figures, and the run's working calendar. */
export type FigureOptions = { period: ReportPeriod; asOf: LocalDate; calendar?: Calendar } & FigureScope;

/** The records a computation needs: the period and the year of `asOf` up to it, and every open quota period. */
export function recordSpan(opts: Pick<FigureOptions, 'period' | 'asOf'>): { from: LocalDate; to: LocalDate } {
  const year = periodRange(opts.asOf, 'year');
  return { from: opts.period.start < year.start ? opts.period.start : year.start, to: opts.period.end > opts.asOf ? opts.period.end : opts.asOf };
}

/**
 * Reads what the figures need from the store and computes them. A branch or a person reads only its own slice
 * through the store's indexes (what `computeFigures` would keep of the whole).
 */
export async function bureauFigures(tx: Tx, opts: FigureOptions): Promise<BureauFigures> {
  return computeFigures(await readFigureData(tx, opts), { ...opts, calendar: opts.calendar ?? (await loadCalendar(tx)) });
}

/** The slice of the store a scope's figures read. */
export async function readFigureData(tx: Tx, opts: FigureOptions): Promise<FigureData> {
  const span = recordSpan(opts);
  const [ledger, branches, quotas] = await Promise.all([readLedgerData(tx, opts), tx.listBranches(), tx.listQuotas()]);
  const { personId, branchId, people } = { ...opts, people: ledger.people };
  if (personId !== undefined) return { ...ledger, records: await tx.listStudyRecords({ ...span, personId }), branches, quotas };
  // The whole log by day: each day's encoding is kept while the day is unchanged (see listStudyDays).
  if (branchId === undefined) return { ...ledger, records: { days: await tx.listStudyDays(span.from, span.to) }, branches, quotas };
  const lists = [await tx.listStudyRecords({ ...span, branchId }), ...(await Promise.all(people.filter((p) => p.branchId === branchId).map((p) => tx.listStudyRecords({ ...span, personId: p.id }))))];
  return { ...ledger, records: [...new Map(lists.flat().map((r) => [r.id, r])).values()], branches, quotas };
}

/** The problems, measures, tasks and people a scope's ledger figures and open items read (measures with their parents). */
export async function readLedgerData(tx: Tx, scope: FigureScope): Promise<Pick<FigureData, 'problems' | 'measures' | 'tasks' | 'people'>> {
  const { personId, branchId } = scope;
  // Only the scope's people: every figure of a scope counts its own people (`inScopePerson`), and a province has 40,000.
  const people =
    personId !== undefined
      ? [await tx.getPerson(personId)].filter((p): p is Person => p !== undefined)
      : await tx.listPeople(branchId !== undefined ? { branchId } : {});
  if (personId !== undefined) {
    const measures = await tx.listMeasures({ owner: personId });
    const ids = new Set([...(await tx.listProblems({ leadPerson: personId })).map((p) => p.id), ...measures.map((m) => m.problemId)]);
    const problems = (await Promise.all([...ids].map((id) => tx.getProblem(id)))).filter((p): p is Problem => p !== undefined);
    return { problems, measures, tasks: await tx.listTasks({ assignee: personId }), people };
  }
  if (branchId === undefined) {
    const [problems, measures, tasks] = await Promise.all([tx.listProblems(), tx.listMeasures(), tx.listTasks()]);
    return { problems, measures, tasks, people };
  }
  const problems = await tx.listProblems({ branchId });
  const measures = (await Promise.all(problems.map((p) => tx.listMeasures({ problemId: p.id })))).flat();
  const ids = new Set(people.filter((p) => p.branchId === branchId).map((p) => p.id));
  const tasks = (await tx.listTasks()).filter((t) => t.branchId === branchId || t.assignees.some((a) => ids.has(a.openId)));
  return { problems, measures, tasks, people };
}

/**
 * Splits the bureau's data by branch in one pass, for callers that compute every branch's figures (the weekly
 * digest): `computeFigures(slice, { branchId })` gives the same figures as on the whole. A record goes to its own
 * branch and to the branch of each participant; a task to its branch and to each assignee's.
 */
export async function sliceByBranch(data: FigureData): Promise<Map<string, FigureData>> {
  const branchOf = new Map(data.people.map((p) => [p.id, p.branchId]));
  const slices = new Map(data.branches.map((b) => [b.id, { problems: [] as Problem[], measures: [] as Measure[], tasks: [] as Task[], records: [] as StudyRecord[] }]));
  const problemBranch = new Map(data.problems.map((p) => [p.id, p.branchId]));
  for (const p of data.problems) slices.get(p.branchId)?.problems.push(p);
  for (const m of data.measures) slices.get(problemBranch.get(m.problemId) ?? '')?.measures.push(m);
  for (const t of data.tasks) for (const b of new Set([t.branchId, ...t.assignees.map((a) => branchOf.get(a.openId))])) if (b !== undefined) slices.get(b)?.tasks.push(t);
  let n = 0;
  for (const r of recordList(data.records)) {
    // A year of a bureau's records with their attendees is a few hundred thousand lookups: acks go first.
    if (++n % 1024 === 0) await yieldIfBusy();
    const bs = new Set<string | undefined>([r.branchId, branchOf.get(r.personId), ...r.attendees.map((id) => branchOf.get(id))]);
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

/** Just the gap list of `computeFigures(data, …).gaps`, for a window ending on `until`. */
export function quotaGaps(data: Pick<FigureData, 'people' | 'quotas' | 'records' | 'branches'>, o: { asOf: LocalDate; until: LocalDate } & FigureScope): QuotaGap[] {
  const names = new Map(data.branches.map((b) => [b.id, b.name]));
  const byId = new Map(data.people.map((p) => [p.id, p]));
  return toGaps(quotaStandings(data, o), (id) => byId.get(id), (id) => names.get(id));
}

/** The pure part of `bureauFigures`, for callers that already hold the data. */
export function computeFigures(data: FigureData, opts: FigureOptions): BureauFigures {
  const { asOf, branchId, personId } = opts;
  const scope: FigureScope = { ...(branchId !== undefined ? { branchId } : {}), ...(personId !== undefined ? { personId } : {}) };
  const inBranch = (b: string | undefined) => branchId === undefined || b === branchId;
  const names = new Map(data.branches.map((b) => [b.id, b.name]));

  // A person's figures count her measures and the problems she leads or owns a measure of; a bureau's, everything.
  const measures = personId === undefined ? data.measures : data.measures.filter((m) => m.owner === personId);
  const parents = personId === undefined ? undefined : new Set(measures.map((m) => m.problemId));
  const problems = branchId === undefined && parents === undefined ? data.problems : data.problems.filter((p) => inBranch(p.branchId) && (parents === undefined || p.leadPerson === personId || parents.has(p.id)));
  const ledger = ledgerFigures(
    { problems, measures },
    { asOf, period: { start: opts.period.start, end: opts.period.end }, ...(personId !== undefined ? { countsProblem: (p: Problem) => p.leadPerson === personId } : {}), whole: branchId === undefined && personId === undefined },
  );

  const upToAsOf = spanUpTo(opts.period, asOf);
  const year = { start: periodRange(asOf, 'year').start, end: asOf };
  const records = encodeRecords(data.records);
  const study = { period: studyFigures(records, data.people, scope, upToAsOf), year: studyFigures(records, data.people, scope, year) };
  const studyByBranch: Record<string, StudyFigures> = personId === undefined ? studyFiguresByBranch(records, data.people, data.branches.filter((x) => inBranch(x.id)).map((b) => b.id), upToAsOf) : {};

  const standings = quotaStandingTable({ ...data, records }, { asOf, until: opts.period.end, ...scope });
  const gaps = tableGaps(standings, (id) => names.get(id));

  const figures: BureauFigures = {
    scope,
    period: opts.period,
    asOf,
    ledger,
    study,
    studyByBranch,
    quotaByBranch: tableByGroup(standings, (p) => p.branchId ?? ''),
    gaps: [],
    overdue: overdueItems(openItems(data, scope, asOf), asOf, opts.calendar),
    branches: data.branches.filter((b) => inBranch(b.id)).map((b) => ({ id: b.id, name: b.name, short: shortBranchName(b.name) })),
  };
  lazyGaps.set(figures, gaps);
  // The gap lines are made when first read: a card reads 100 of them through gapsOf, a bulletin or a test all.
  Object.defineProperty(figures, 'gaps', {
    enumerable: true,
    configurable: true,
    get: () => settle(figures, allGaps(gaps)),
    set: (v: QuotaGap[]) => settle(figures, v),
  });
  return figures;
}

const lazyGaps = new WeakMap<BureauFigures, GapList>();

function settle(f: BureauFigures, gaps: QuotaGap[]): QuotaGap[] {
  Object.defineProperty(f, 'gaps', { value: gaps, enumerable: true, configurable: true, writable: true });
  return gaps;
}

/** The figures' gap list without making every line (`f.gaps` makes them all). */
export function gapsOf(f: BureauFigures): GapList {
  const known = lazyGaps.get(f);
  // Once read or replaced, `f.gaps` is the list (a caller may have changed it).
  return known !== undefined && Object.getOwnPropertyDescriptor(f, 'gaps')?.get !== undefined ? known : gapArray(f.gaps);
}

/** The label a gap or a person is listed under: the branch name, 领导班子, or 未归属支部. */
export function groupLabel(person: Pick<Person, 'role' | 'branchId'> | undefined, branches: readonly Pick<Branch, 'id' | 'name'>[]): string {
  return groupOf(person, (id) => branches.find((b) => b.id === id)?.name);
}

/** The day before `d`, for "last week" and "last month" spans. */
export const dayBefore = (d: LocalDate): LocalDate => addDays(d, -1);
