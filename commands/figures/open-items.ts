import type { Measure, Problem, Task } from '../../storage/ledger.js';
import type { Person } from '../../storage/records.js';
import { endOfDay, packageCalendar, type LocalDate } from '../shared/calendar.js';
import type { Calendar } from '../shared/working-calendar.js';
import { stateBefore, stateOn } from './ledger-figures.js';
import { timelineOf, timelineReader } from './timeline.js';
import { countLedger, ledgerMemo, memoFor, type LedgerMemo } from './chunks.js';
import type { FigureScope } from './scope.js';

/** An open problem, measure or task as it stood at the end of a day, with who still has to act on it. */
export interface OpenItem {
  kind: 'problem' | 'measure' | 'task';
  id: string;
  title: string;
  /** Who still has to act: the lead person, the measure's owner, or the assignees yet to report (in scope). */
  owners: string[];
  branchId?: string;
  deadline: LocalDate;
  status: string;
  /** The problem (or the measure's problem) waits for a reviewer: reminders leave it alone. */
  awaitingReview: boolean;
}

/** An overdue item (逾期事项) and how late it is. */
export interface OverdueItem extends OpenItem {
  /** The first owner, for one-name lists. */
  owner: string;
  /** Overdue working days, as of the same day everywhere (see `overdueWorkingDays`). */
  days: number;
}

/**
 * 逾期工作日: working days after the deadline up to and including `today`, on the office's calendar (pass the one
 * loaded for the run); 0 until the deadline has passed.
 */
export function overdueWorkingDays(deadline: LocalDate, today: LocalDate, cal: Pick<Calendar, 'workingDaysUntil'> = packageCalendar()): number {
  return deadline < today ? Math.max(0, cal.workingDaysUntil(deadline, today)) : 0;
}

/** 逾期: open and past its deadline on `today` (the deadline day itself is not late). */
export function isOverdueOn(item: Pick<OpenItem, 'deadline'>, today: LocalDate): boolean {
  return item.deadline < today;
}

/**
 * Open items of a scope at the end of `asOf`, replayed from history: a branch's problems and their measures and
 * the tasks given in its chat or to its people; a person's led problems, owned measures and unreported tasks.
 * `problems` must hold the parents of every measure given.
 */
export function openItems(
  data: { problems: readonly Problem[]; measures: readonly Measure[]; tasks: readonly Task[]; people: readonly Pick<Person, 'id' | 'branchId'>[] },
  scope: FigureScope,
  asOf: LocalDate,
): OpenItem[] {
  const cutoff = endOfDay(asOf);
  const before = (at: string | undefined) => at !== undefined && Date.parse(at) < cutoff;
  const { branchId, personId } = scope;
  let branchOf: Map<string, string | undefined> | undefined;
  // A problem's or measure's item is the branch's and the owner's: its branch id, its one owner.
  const inScope = (i: OpenItem) => (branchId === undefined || i.branchId === branchId) && (personId === undefined || i.owners[0] === personId);
  // 全局 is asked of the whole ledger, kept by runs (chunks.ts); a scope's lists are its own, counted afresh.
  const memo = branchId === undefined && personId === undefined ? memoFor(runs, String(cutoff), ledgerMemo<OpenRun, OpenItem[]>) : undefined;
  const items: OpenItem[] = [];
  let open: Map<string, Problem> | undefined;
  countLedger(
    data,
    memo,
    { ...problemRead, count: (ps) => openProblems(ps, cutoff), use: (r) => r.items.forEach((i) => inScope(i) && items.push(i)) },
    {
      ...measureRead,
      count: (ms, problems) => openMeasures(ms, cutoff, (open ??= new Map(problems.flatMap((r) => r.open)))),
      use: (run) => run.forEach((i) => inScope(i) && items.push(i)),
    },
  );
  for (const t of data.tasks) {
    // A cancelled task (取消督办) is silent from then on: no list, reminder or escalation names it.
    if (!before(t.created.at) || before(t.cancelled?.at)) continue;
    const whole = kept(t, cutoff, [t.content, t.branchId, timelineOf(t), t.assignees, ...t.assignees.map((a) => a.reportedAt)], () => ({ kind: 'task', id: t.id, title: t.content, owners: t.assignees.filter((a) => !before(a.reportedAt)).map((a) => a.openId), branchId: t.branchId, deadline: stateBefore(t, cutoff).deadline, status: '办理中', awaitingReview: false }));
    const waiting = whole.owners;
    if (personId === undefined && (branchId === undefined || t.branchId === branchId)) {
      if (waiting.length > 0) items.push(whole);
      continue;
    }
    branchOf ??= new Map(data.people.map((p) => [p.id, p.branchId]));
    const owners = personId !== undefined ? waiting.filter((id) => id === personId) : waiting.filter((id) => branchOf!.get(id) === branchId);
    if (owners.length > 0) items.push({ ...whole, owners });
  }
  return items;
}

/** A run of problems at a cutoff: the open ones (measures are listed under them) and their items. */
type OpenRun = { open: [string, Problem][]; items: OpenItem[] };

const runs = new Map<string, LedgerMemo<OpenRun, OpenItem[]>>();

// What a problem's or measure's item is made from: the object and every field read (see eachChunk).
const problemRead = timelineReader<Problem>(['description', 'leadPerson', 'branchId']);
const measureRead = timelineReader<Measure>(['problemId', 'content', 'owner']);

function openProblems(problems: readonly Problem[], cutoff: number): OpenRun {
  const run: OpenRun = { open: [], items: [] };
  for (const p of problems) {
    const line = timelineOf(p);
    if (!(line.created < cutoff) || line.voided < cutoff) continue;
    const s = stateOn(line, cutoff);
    if (s.status === '已整改销号') continue;
    run.open.push([p.id, p]);
    run.items.push(kept(p, cutoff, [p.description, p.leadPerson, p.branchId, line], () => ({ kind: 'problem', id: p.id, title: p.description, owners: [p.leadPerson], branchId: p.branchId, deadline: s.deadline, status: s.status, awaitingReview: s.status === '待审核' })));
  }
  return run;
}

function openMeasures(measures: readonly Measure[], cutoff: number, open: ReadonlyMap<string, Problem>): OpenItem[] {
  const items: OpenItem[] = [];
  for (const m of measures) {
    const parent = open.get(m.problemId);
    const line = parent && timelineOf(m);
    if (!parent || !line || !(line.created < cutoff)) continue;
    const s = stateOn(line, cutoff);
    if (s.status !== '整改中') continue;
    items.push(kept(m, cutoff, [m.content, m.owner, parent, parent.branchId, line, timelineOf(parent)], () => ({ kind: 'measure', id: m.id, title: m.content, owners: [m.owner], branchId: parent.branchId, deadline: s.deadline, status: s.status, awaitingReview: stateBefore(parent, cutoff).status === '待审核' })));
  }
  return items;
}

// The open item a stored problem, measure or task gives at a cutoff, kept with it: the cards of a day all ask at the
// same cutoff, and a province has 30,000 open items. Stored objects are replaced, never changed, on a write; what an
// item is made from is kept and compared all the same, so an object someone did change (a test's fixture) is read
// afresh. Frozen, since every caller shares it.
const itemAt = new WeakMap<object, { cutoff: number; from: readonly unknown[]; item: OpenItem }>();

function kept(r: object, cutoff: number, from: readonly unknown[], make: () => OpenItem): OpenItem {
  const k = itemAt.get(r);
  if (k !== undefined && k.cutoff === cutoff && k.from.length === from.length && k.from.every((x, i) => x === from[i])) return k.item;
  const item = make();
  Object.freeze(item.owners);
  itemAt.set(r, { cutoff, from, item: Object.freeze(item) });
  return item;
}

// localeCompare(…, 'en', { numeric: true })'s order with the collator made once (a province has 10,000 overdue items).
const byNumber = new Intl.Collator('en', { numeric: true }).compare;
// Ledger ids (P12, M3, T45): capital letters, then a number without leading zeros. Between two such ids the collator's
// order is the letters' (A–Z, a shorter run first) and then the number's, compared here without calling it.
const LEDGER_ID = /^([A-Z]+)([1-9][0-9]{0,14})$/;

type IdKey = { id: string; letters?: string; n: number };

function idKey(id: string): IdKey {
  const m = LEDGER_ID.exec(id);
  return m ? { id, letters: m[1]!, n: Number(m[2]) } : { id, n: 0 };
}

function compareKeys(a: IdKey, b: IdKey): number {
  if (a.letters === undefined || b.letters === undefined) return byNumber(a.id, b.id);
  return a.letters === b.letters ? a.n - b.n : a.letters < b.letters ? -1 : 1;
}

/** `a` and `b` in byNumber's order. */
export function compareIds(a: string, b: string): number {
  return compareKeys(idKey(a), idKey(b));
}

/** The overdue ones among `items` on `today`, latest first. */
export function overdueItems(items: readonly OpenItem[], today: LocalDate, cal?: Pick<Calendar, 'workingDaysUntil'>): OverdueItem[] {
  // Many items share a deadline: each one's working days are counted once.
  const days = new Map<LocalDate, number>();
  const daysLate = (d: LocalDate) => days.get(d) ?? days.set(d, overdueWorkingDays(d, today, cal)).get(d)!;
  // Each id is read once, not at each comparison; a kept item's overdue line is kept with it for as long as it is late by as much.
  const late = items.filter((i) => isOverdueOn(i, today)).map((i) => {
    const days = daysLate(i.deadline);
    const k = Object.isFrozen(i) ? lateAt.get(i) : undefined;
    if (k?.days === days) return k;
    const line = { item: Object.freeze({ ...i, owner: i.owners[0]!, days }), key: idKey(i.id), days };
    if (Object.isFrozen(i)) lateAt.set(i, line);
    return line;
  });
  return late.sort((a, b) => b.days - a.days || compareKeys(a.key, b.key)).map((x) => x.item);
}

const lateAt = new WeakMap<OpenItem, { item: OverdueItem; key: IdKey; days: number }>();

/** 逾期事项 by kind: `{ problem: 2, measure: 1, task: 1 }`. */
export function countByKind(items: readonly Pick<OpenItem, 'kind'>[]): Record<OpenItem['kind'], number> {
  const n = { problem: 0, measure: 0, task: 0 };
  for (const i of items) n[i.kind]++;
  return n;
}
