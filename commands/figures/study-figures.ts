import type { Person } from '../../storage/records.js';
import { FORMS, type Form, type StudyRecord } from '../../storage/study.js';
import type { LocalDate } from '../shared/calendar.js';
import { inScopeActivity, inScopePerson, type FigureScope } from './scope.js';
import { dayNumber, encodeRecords, idCount, idOf, overlaps, personNumbers, type EncodedRecords, type RecordBlock, type StudyRecords } from './study-columns.js';

/** The study figures of one scope and span; each field is defined once, here. */
export interface StudyFigures {
  /** 学习活动次数: activities in scope (logged once each, voided ones excluded). */
  sessions: number;
  /** 学时: the activities' total duration in hours, one decimal. */
  hours: number;
  /** 参与人次: each activity counts once for each person in scope it counts for, whichever branch held it. */
  participations: number;
  /** 参加人数: people in scope who took part at least once. */
  participants: number;
  /** 应参加人数: the people in scope (参与率 = participants / roster). */
  roster: number;
  byForm: Partial<Record<Form, { sessions: number; hours: number }>>;
}

/** A span of dates, both ends included. */
export type Span = { start: LocalDate; end: LocalDate };

/** Whether a record counts at all in a span: not voided and dated within it. */
export function countsIn(r: Pick<StudyRecord, 'voided' | 'date'>, span: Span): boolean {
  return !r.voided && r.date >= span.start && r.date <= span.end;
}

/** 学习活动: the activities a scope counts in a span (the rows of its 学习台账 for that span). */
export function activitiesIn<R extends StudyRecord>(records: readonly R[], scope: FigureScope, span: Span): R[] {
  return records.filter((r) => countsIn(r, span) && inScopeActivity(r, scope));
}

/** The span a report counts up to: the period, cut at the day it is judged on. */
export function spanUpTo(period: Span, asOf: LocalDate): Span {
  return { start: period.start, end: period.end < asOf ? period.end : asOf };
}

/**
 * The study figures for a scope over a span; `records` may hold more (other dates, other branches), and `people`
 * must hold at least the scope's people, with their branches.
 */
export function studyFigures(records: StudyRecords | EncodedRecords, people: readonly Pick<Person, 'id' | 'branchId'>[], scope: FigureScope, span: Span): StudyFigures {
  const roster = people.filter((p) => inScopePerson(p, scope));
  const everyone = scope.personId === undefined && scope.branchId === undefined;
  const rosterIds = roster.map((p) => personNumbers(p).n);
  const branch = scope.branchId !== undefined ? idOf(scope.branchId) : -2;
  const person = scope.personId !== undefined ? idOf(scope.personId) : -2;
  const { blocks } = encodeRecords(records);
  if (everyone) return everyoneFigures(blocks, rosterIds, span);
  const inRoster = new Uint8Array(idCount());
  for (const id of rosterIds) inRoster[id] = 1;
  const took = new Uint8Array(idCount());
  const t = new Tally();
  let participations = 0;
  eachCounting(blocks, span, (b, i) => {
    // 学习活动范围 (inScopeActivity): every activity, the branch's own, or those the person took part in.
    let activity = everyone || b.branch[i] === branch;
    for (let k = b.start[i]!; k < b.start[i + 1]!; k++) {
      const id = b.who[k]!;
      if (id === person) activity = true;
      if (!everyone && !inRoster[id]) continue;
      participations++;
      took[id] = 1;
    }
    if (activity) t.add(b, i);
  });
  let participants = 0;
  for (const id of rosterIds) participants += took[id]!;
  return { ...t.figures(), participations, participants, roster: roster.length };
}

/**
 * `studyFigures` of everyone: a store's days that fall wholly within the span are each summed once and kept (a year of
 * a province is 1.2 million participations), the rest counted record by record.
 */
function everyoneFigures(blocks: readonly RecordBlock[], rosterIds: readonly number[], span: Span): StudyFigures {
  const from = dayNumber(span.start);
  const to = dayNumber(span.end);
  const took = new Uint32Array((idCount() + 31) >>> 5);
  const t = new Tally();
  let participations = 0;
  const partial: RecordBlock[] = [];
  for (const b of blocks) {
    if (!overlaps(b, from, to)) continue;
    if (!b.kept || b.first < from || b.last > to) {
      partial.push(b);
      continue;
    }
    const sum = blockSum(b);
    t.merge(sum.tally);
    participations += sum.participations;
    for (let w = 0; w < sum.took.length; w++) took[w]! |= sum.took[w]!;
  }
  eachCounting(partial, span, (b, i) => {
    t.add(b, i);
    for (let k = b.start[i]!; k < b.start[i + 1]!; k++) {
      participations++;
      took[b.who[k]! >>> 5]! |= 1 << (b.who[k]! & 31);
    }
  });
  let participants = 0;
  for (const id of rosterIds) participants += (took[id >>> 5]! >>> (id & 31)) & 1;
  return { ...t.figures(), participations, participants, roster: rosterIds.length };
}

const sums = new WeakMap<RecordBlock, { tally: Tally; participations: number; took: Uint32Array }>();

/** A kept block's records that count, summed: what everyoneFigures adds for a day inside its span. */
function blockSum(b: RecordBlock) {
  let sum = sums.get(b);
  if (sum !== undefined) return sum;
  let top = 0;
  for (const id of b.who) top = Math.max(top, id);
  sum = { tally: new Tally(), participations: 0, took: new Uint32Array((top >>> 5) + 1) };
  for (let i = 0; i < b.n; i++) {
    if (b.voided[i]) continue;
    sum.tally.add(b, i);
    for (let k = b.start[i]!; k < b.start[i + 1]!; k++) {
      sum.participations++;
      sum.took[b.who[k]! >>> 5]! |= 1 << (b.who[k]! & 31);
    }
  }
  sums.set(b, sum);
  return sum;
}

/**
 * `studyFigures` of each branch, from one pass: an activity counts for the branch that held it, a participation for
 * the participant's branch (the same figures as calling it per branch on everything, without reading every record
 * once per branch: a province's 1,000 branches and 500,000 records).
 */
export function studyFiguresByBranch(records: StudyRecords | EncodedRecords, people: readonly Pick<Person, 'id' | 'branchId'>[], branchIds: readonly string[], span: Span): Record<string, StudyFigures> {
  const { blocks } = encodeRecords(records);
  const at = new Map(branchIds.map((id, i) => [idOf(id), i]));
  // Each person's branch among those asked for (its place in branchIds), -1 for none.
  const pairs = people.map((p) => {
    const k = personNumbers(p);
    return [k.n, at.get(k.branch) ?? -1] as const;
  });
  const branchOf = new Int32Array(idCount()).fill(-1);
  for (const [id, b] of pairs) branchOf[id] = b;
  const tallies = branchIds.map(() => new Tally());
  const participations = new Int32Array(branchIds.length);
  const took = new Uint8Array(idCount());
  eachCounting(blocks, span, (b, i) => {
    const held = b.branch[i]! >= 0 ? at.get(b.branch[i]!) : undefined;
    if (held !== undefined) tallies[held]!.add(b, i);
    for (let k = b.start[i]!; k < b.start[i + 1]!; k++) {
      const of = branchOf[b.who[k]!] ?? -1;
      if (of < 0) continue;
      participations[of]!++;
      took[b.who[k]!] = 1;
    }
  });
  const participants = new Int32Array(branchIds.length);
  const roster = new Int32Array(branchIds.length);
  for (const [id, b] of pairs) {
    if (b < 0) continue;
    roster[b]!++;
    participants[b]! += took[id]!;
  }
  const out: Record<string, StudyFigures> = {};
  branchIds.forEach((id, i) => (out[id] = { ...tallies[i]!.figures(), participations: participations[i]!, participants: participants[i]!, roster: roster[i]! }));
  return out;
}

/** Calls `visit` with each record that counts in the span (countsIn): not voided and dated within it. */
function eachCounting(blocks: readonly RecordBlock[], span: Span, visit: (b: RecordBlock, i: number) => void): void {
  const from = dayNumber(span.start);
  const to = dayNumber(span.end);
  for (const b of blocks) {
    if (!overlaps(b, from, to)) continue;
    for (let i = 0; i < b.n; i++) if (!b.voided[i] && b.day[i]! >= from && b.day[i]! <= to) visit(b, i);
  }
}

/** Activities counted so far: sessions and minutes, in all and by form. */
class Tally {
  // Indexed by FORM_INDEX; a form outside FORMS (255) still counts in the totals.
  private readonly sessions = new Float64Array(256);
  private readonly minutes = new Float64Array(256);

  add(b: RecordBlock, i: number): void {
    this.sessions[b.form[i]!]!++;
    this.minutes[b.form[i]!]! += b.minutes[i]!;
  }

  merge(other: Tally): void {
    for (let f = 0; f < 256; f++) {
      this.sessions[f]! += other.sessions[f]!;
      this.minutes[f]! += other.minutes[f]!;
    }
  }

  figures(): Pick<StudyFigures, 'sessions' | 'hours' | 'byForm'> {
    const byForm: StudyFigures['byForm'] = {};
    // 学时 from whole minutes summed, so the figure does not depend on the order the records come in.
    FORMS.forEach((form, f) => {
      if (this.sessions[f] !== 0) byForm[form] = { sessions: this.sessions[f]!, hours: round1(this.minutes[f]! / 60) };
    });
    return { sessions: this.sessions.reduce((a, b) => a + b, 0), hours: round1(this.minutes.reduce((a, b) => a + b, 0) / 60), byForm };
  }
}

/** 参与率: participants over roster, 0 for an empty roster. */
export function turnout(s: Pick<StudyFigures, 'participants' | 'roster'>): number {
  return s.roster === 0 ? 0 : s.participants / s.roster;
}

/** `9.5 小时`: 学时 as every surface prints it. */
export function formatHours(hours: number): string {
  return `${hours} 小时`;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
