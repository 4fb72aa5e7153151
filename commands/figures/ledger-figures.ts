import { isSpecial, sourceOf, type HistoryEntry, type Measure, type Problem, type ProblemStatus } from '../../storage/ledger.js';
import { endOfDay, startOfDay, type LocalDate } from '../shared/calendar.js';
import { timelineOf, type Timeline } from './timeline.js';

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
 * so figures for a past date stay what they were whatever happened since.
 */
export function ledgerFigures(
  data: { problems: readonly Problem[]; measures: readonly Measure[] },
  opts: { asOf?: LocalDate; period?: { start: LocalDate; end: LocalDate }; countsProblem?: (p: Problem) => boolean },
): LedgerFigures {
  const asOf = opts.asOf ?? opts.period?.end;
  if (asOf === undefined) throw new Error('ledgerFigures needs asOf or a period');
  const cutoff = endOfDay(asOf);
  const window = opts.period && { from: startOfDay(opts.period.start).getTime(), to: endOfDay(opts.period.end) };
  const inWindow = (t: number) => window !== undefined && t >= window.from && t < window.to;

  const total = empty(window !== undefined);
  const byBranch: Record<string, LedgerCounts> = {};
  const bySource: Record<string, LedgerCounts> = {};
  const live = new Map<string, { p: Problem; closed: boolean; groups: LedgerCounts[] }>();
  let voided = 0;

  for (const p of data.problems) {
    const line = timelineOf(p);
    if (line.created >= cutoff) continue;
    if (line.voided < cutoff) {
      voided++;
      continue;
    }
    const groups = [total, (byBranch[p.branchId] ??= empty(window !== undefined)), (bySource[sourceOf(p) ?? NO_SOURCE] ??= empty(window !== undefined))];
    const { status: replayed, deadline } = stateOn(line, cutoff);
    const status = replayed as ProblemStatus;
    const closed = status === '已整改销号';
    live.set(p.id, { p, closed, groups });
    // A person's figures hold the parents of her measures only to file those measures under a branch and source.
    if (opts.countsProblem && !opts.countsProblem(p)) continue;
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

  for (const m of data.measures) {
    const parent = live.get(m.problemId);
    const line = timelineOf(m);
    if (!parent || line.created >= cutoff) continue;
    const { status: state, deadline } = stateOn(line, cutoff);
    // A cancelled measure (已撤销) stays in the ledger but is no longer one of the problem's measures.
    if (state === '已撤销') continue;
    const done = state === '已完成';
    for (const g of parent.groups) {
      g.measures++;
      if (done) g.measuresDone++;
      else if (!parent.closed && deadline < asOf) g.overdueMeasures++;
      if (g.period) {
        if (inWindow(line.created)) g.period.measures++;
        if (done && inWindow(line.done)) g.period.measuresDone++;
      }
    }
  }

  for (const g of [total, ...Object.values(byBranch), ...Object.values(bySource)]) g.rate = g.found === 0 ? 0 : g.rectified / g.found;
  return { asOf, ...(opts.period ? { period: opts.period } : {}), total, byBranch, bySource, voided };
}

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
