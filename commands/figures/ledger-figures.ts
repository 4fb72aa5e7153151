import { isSpecial, sourceOf, type HistoryEntry, type Measure, type Problem, type ProblemStatus } from '../../storage/ledger.js';
import { endOfDay, startOfDay, type LocalDate } from '../shared/calendar.js';
import { timelineOf, timelineReader, type Timeline } from './timeline.js';
import { countLedger, ledgerMemo, memoFor, type LedgerMemo } from './chunks.js';

/** What happened within a period (the bulletin's "本月新增 / 本月销号"). */
export interface PeriodCounts {
  found: number;
  rectified: number;
  measures: number;
  measuresDone: number;
}

/** The figures leaders quote, for the whole bureau, one branch or one source. */
export interface LedgerCounts {
  /** Problems found (检视问题), voided ones excluded. */
  found: number;
  /** 专项整治问题: the problems found that carry the 专项整治 mark (any source; older data's source 专项整治 counts). */
  special: number;
  /** 已整改销号: problems whose close-out a reviewer approved. */
  rectified: number;
  /** 整改完成率: rectified / found, 0 when nothing was found. */
  rate: number;
  /** Not yet closed out: 整改中, 申请延期 or 待审核. */
  inProgress: number;
  pendingReview: number;
  extensionRequested: number;
  /** 逾期问题: open problems past their deadline (problems only; 逾期事项 adds measures and tasks). */
  overdue: number;
  /** 整改措施: measures of the problems counted (a person: the measures she owns). */
  measures: number;
  measuresDone: number;
  /** 逾期措施: open measures past their deadline, of problems still open. */
  overdueMeasures: number;
  period?: PeriodCounts;
}

export interface LedgerFigures {
  asOf: LocalDate;
  period?: { start: LocalDate; end: LocalDate };
  total: LedgerCounts;
  /** By branch id. */
  byBranch: Record<string, LedgerCounts>;
  /** By source (调查研究发现 …), `未注明` for problems opened without one; 专项整治 is a mark, counted in `special`, never a source. */
  bySource: Record<string, LedgerCounts>;
  /** Problems voided by an admin by then; they count nowhere else. */
  voided: number;
}

/** Label for problems opened without a source. */
export const NO_SOURCE = '未注明';

/**
 * The one computation behind every figure a leader quotes (/进度, the weekly digest, the monthly bulletin): the
 * ledger as it stood at the end of `asOf` (default: the period's last day), replayed from the append-only history,
 * so figures for a past date stay what they were whatever happened since. `whole` says the lists are a store's whole
 * ledger, asked again as it changes: what was counted is then kept by runs of it.
 */
export function ledgerFigures(
  data: { problems: readonly Problem[]; measures: readonly Measure[] },
  opts: { asOf?: LocalDate; period?: { start: LocalDate; end: LocalDate }; countsProblem?: (p: Problem) => boolean; whole?: boolean },
): LedgerFigures {
  const asOf = opts.asOf ?? opts.period?.end;
  if (asOf === undefined) throw new Error('ledgerFigures needs asOf or a period');
  const window = opts.period && { from: startOfDay(opts.period.start).getTime(), to: endOfDay(opts.period.end) };
  const run: Run = { asOf, cutoff: endOfDay(asOf), window, ...(opts.countsProblem ? { countsProblem: opts.countsProblem } : {}) };
  // The whole ledger's figures (`whole`) are kept by runs of it (see chunks.ts); a branch's or a person's slice is
  // counted afresh, being small and different each time (the weekly digest asks for a thousand).
  const kept = !opts.whole || opts.countsProblem ? undefined : memoFor(runs, `${run.cutoff}:${window?.from}:${window?.to}`, ledgerMemo<ProblemRun, Part>);

  const sum: Part = { total: empty(window !== undefined), byBranch: {}, bySource: {}, voided: 0 };
  let live: Map<string, Parent> | undefined;
  countLedger(
    data,
    kept,
    { ...problemRead, count: (ps) => problemPart(ps, run), use: (r) => add(sum, r.part) },
    {
      ...measureRead,
      count: (ms, problems) => measurePart(ms, run, (live ??= new Map(problems.flatMap((r) => r.live)))),
      use: (part) => add(sum, part),
    },
  );

  const { total, byBranch, bySource, voided } = sum;
  for (const g of [total, ...Object.values(byBranch), ...Object.values(bySource)]) g.rate = g.found === 0 ? 0 : g.rectified / g.found;
  return { asOf, ...(opts.period ? { period: opts.period } : {}), total, byBranch, bySource, voided };
}

type Run = { asOf: LocalDate; cutoff: number; window: { from: number; to: number } | undefined; countsProblem?: (p: Problem) => boolean };
/** Counts of a run of problems or measures, added up into the figures. */
type Part = { total: LedgerCounts; byBranch: Record<string, LedgerCounts>; bySource: Record<string, LedgerCounts>; voided: number };
/** A run of problems counted: its counts, and the problems live then as their measures are counted. */
type ProblemRun = { part: Part; live: [string, Parent][] };
/** A problem as its measures are counted: whether it was closed and where it is filed. */
type Parent = { closed: boolean; branch: string; source: string };

// What a problem's or measure's counts are made from: the object and every field read, so that a run of the ledger is
// counted again when any of them differs (stored objects are replaced on a write; a test's fixture may be changed).
const problemRead = timelineReader<Problem>(['branchId', 'source', 'special']);
const measureRead = timelineReader<Measure>(['problemId']);

function problemPart(problems: readonly Problem[], run: Run): ProblemRun {
  const { cutoff, asOf, window } = run;
  const inWindow = (t: number) => window !== undefined && t >= window.from && t < window.to;
  const part: Part = { total: empty(window !== undefined), byBranch: {}, bySource: {}, voided: 0 };
  const live: [string, Parent][] = [];
  for (const p of problems) {
    const line = timelineOf(p);
    if (line.created >= cutoff) continue;
    if (line.voided < cutoff) {
      part.voided++;
      continue;
    }
    const source = sourceOf(p) ?? NO_SOURCE;
    const groups = [part.total, (part.byBranch[p.branchId] ??= empty(window !== undefined)), (part.bySource[source] ??= empty(window !== undefined))];
    const { status: replayed, deadline } = stateOn(line, cutoff);
    const status = replayed as ProblemStatus;
    const closed = status === '已整改销号';
    live.push([p.id, { closed, branch: p.branchId, source }]);
    // A person's figures hold the parents of her measures only to file those measures under a branch and source.
    if (run.countsProblem && !run.countsProblem(p)) continue;
    for (const g of groups) {
      g.found++;
      if (isSpecial(p)) g.special++;
      if (closed) g.rectified++;
      else g.inProgress++;
      if (status === '待审核') g.pendingReview++;
      if (status === '申请延期') g.extensionRequested++;
      if (!closed && deadline < asOf) g.overdue++;
      if (g.period) {
        if (inWindow(line.created)) g.period.found++;
        if (closed && inWindow(line.approved)) g.period.rectified++;
      }
    }
  }
  return { part, live };
}

function measurePart(measures: readonly Measure[], run: Run, live: ReadonlyMap<string, Parent>): Part {
  const { cutoff, asOf, window } = run;
  const inWindow = (t: number) => window !== undefined && t >= window.from && t < window.to;
  const part: Part = { total: empty(window !== undefined), byBranch: {}, bySource: {}, voided: 0 };
  for (const m of measures) {
    const parent = live.get(m.problemId);
    const line = timelineOf(m);
    if (!parent || line.created >= cutoff) continue;
    const { status: state, deadline } = stateOn(line, cutoff);
    // A cancelled measure (已撤销) stays in the ledger but is no longer one of the problem's measures.
    if (state === '已撤销') continue;
    const done = state === '已完成';
    for (const g of [part.total, (part.byBranch[parent.branch] ??= empty(window !== undefined)), (part.bySource[parent.source] ??= empty(window !== undefined))]) {
      g.measures++;
      if (done) g.measuresDone++;
      else if (!parent.closed && deadline < asOf) g.overdueMeasures++;
      if (g.period) {
        if (inWindow(line.created)) g.period.measures++;
        if (done && inWindow(line.done)) g.period.measuresDone++;
      }
    }
  }
  return part;
}

function add(to: Part, part: Part): void {
  to.voided += part.voided;
  addCounts(to.total, part.total);
  for (const [k, c] of Object.entries(part.byBranch)) addCounts((to.byBranch[k] ??= empty(c.period !== undefined)), c);
  for (const [k, c] of Object.entries(part.bySource)) addCounts((to.bySource[k] ??= empty(c.period !== undefined)), c);
}

function addCounts(to: LedgerCounts, c: LedgerCounts): void {
  for (const k of COUNTED) to[k] += c[k];
  if (to.period && c.period) for (const k of PERIOD_COUNTED) to.period[k] += c.period[k];
}

const COUNTED = ['found', 'special', 'rectified', 'inProgress', 'pendingReview', 'extensionRequested', 'overdue', 'measures', 'measuresDone', 'overdueMeasures'] as const;
const PERIOD_COUNTED = ['found', 'rectified', 'measures', 'measuresDone'] as const;

const runs = new Map<string, LedgerMemo<ProblemRun, Part>>();


/** Whether a problem counts in the ledger at the end of `asOf`: opened by then and not voided by then. */
export function countedOn(p: { created: { at: string }; voided?: { at: string } }, asOf: LocalDate): boolean {
  const cutoff = endOfDay(asOf);
  return Date.parse(p.created.at) < cutoff && !(p.voided && Date.parse(p.voided.at) < cutoff);
}

/** `97.2%`: one decimal, as bulletins print rates. */
export function formatRate(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

function empty(withPeriod: boolean): LedgerCounts {
  return {
    found: 0,
    special: 0,
    rectified: 0,
    rate: 0,
    inProgress: 0,
    pendingReview: 0,
    extensionRequested: 0,
    overdue: 0,
    measures: 0,
    measuresDone: 0,
    overdueMeasures: 0,
    ...(withPeriod ? { period: { found: 0, rectified: 0, measures: 0, measuresDone: 0 } } : {}),
  };
}

/** A problem's or measure's status and deadline as they stood at the end of `asOf`, replayed from its history. */
export function stateAsOf(r: { deadline: string; history: readonly HistoryEntry[] }, asOf: LocalDate, initialStatus = '整改中'): { status: string; deadline: LocalDate } {
  return stateBefore(r, endOfDay(asOf), initialStatus);
}

/**
 * `stateAsOf` at an instant computed once by the caller: each change's time is parsed once, for both fields, and
 * only for the fields that matter (a province's ledger replays 60,000 histories for one 全局 card).
 */
export function stateBefore(r: { deadline: string; history: readonly HistoryEntry[] }, cutoff: number, initialStatus = '整改中'): { status: string; deadline: LocalDate } {
  return stateOn(timelineOf(r), cutoff, initialStatus);
}

/** `stateBefore` from the item's timeline, for callers that already hold it. */
export function stateOn(line: Timeline, cutoff: number, initialStatus = '整改中'): { status: string; deadline: LocalDate } {
  if (line.last?.cutoff === cutoff && line.last.initial === initialStatus) return line.last.state;
  let status = initialStatus;
  let deadline = line.firstDeadline;
  // A field's value at the cutoff: its initial value with every recorded change before the cutoff applied.
  for (const c of line.changes) {
    if (c.at >= cutoff) continue;
    if (c.status) status = c.to;
    else deadline = c.to;
  }
  const state = Object.freeze({ status, deadline });
  line.last = { cutoff, initial: initialStatus, state };
  return state;
}
