import type { Person } from '../../storage/records.js';
import { type Form, type StudyRecord } from '../../storage/study.js';
import type { LocalDate } from '../shared/calendar.js';
import { inScopeActivity, inScopePerson, type FigureScope } from './scope.js';

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
export function studyFigures(records: readonly StudyRecord[], people: readonly Pick<Person, 'id' | 'branchId'>[], scope: FigureScope, span: Span): StudyFigures {
  const roster = people.filter((p) => inScopePerson(p, scope));
  const inRoster = scope.personId === undefined && scope.branchId === undefined ? () => true : ((ids) => (id: string) => ids.has(id))(new Set(roster.map((p) => p.id)));
  const byForm: StudyFigures['byForm'] = {};
  const took = new Set<string>();
  let sessions = 0;
  let minutes = 0;
  let participations = 0;
  const took1 = (id: string) => {
    if (!inRoster(id)) return;
    participations++;
    took.add(id);
  };
  // One pass, no array per record (participantsOf's people, in its order): a province's year is 500,000 records.
  for (const r of records) {
    if (!countsIn(r, span)) continue;
    took1(r.personId);
    for (const id of r.attendees) if (id !== r.personId) took1(id);
    if (!inScopeActivity(r, scope)) continue;
    sessions++;
    minutes += r.minutes ?? 0;
    const f = (byForm[r.form] ??= { sessions: 0, hours: 0 });
    f.sessions++;
    f.hours += (r.minutes ?? 0) / 60;
  }
  for (const f of Object.values(byForm)) f.hours = round1(f.hours);
  return { sessions, hours: round1(minutes / 60), participations, participants: roster.filter((p) => took.has(p.id)).length, roster: roster.length, byForm };
}

/**
 * `studyFigures` of each branch, from one pass that hands each branch only the records that can count for it (held
 * by it, or with one of its people taking part): the same figures as calling it per branch on everything, without
 * reading every record once per branch (a province's 1,000 branches and 500,000 records).
 */
export function studyFiguresByBranch(records: readonly StudyRecord[], people: readonly Pick<Person, 'id' | 'branchId'>[], branchIds: readonly string[], span: Span): Record<string, StudyFigures> {
  const branchOf = new Map(people.map((p) => [p.id, p.branchId]));
  const wanted = new Set(branchIds);
  const slices = new Map<string, { records: StudyRecord[]; people: Pick<Person, 'id' | 'branchId'>[] }>(branchIds.map((b) => [b, { records: [], people: [] }]));
  for (const p of people) if (p.branchId !== undefined && wanted.has(p.branchId)) slices.get(p.branchId)!.people.push(p);
  const bs: (string | undefined)[] = [];
  for (const r of records) {
    if (!countsIn(r, span)) continue;
    bs.length = 0;
    bs.push(r.branchId);
    for (const id of r.attendees) {
      const b = branchOf.get(id);
      if (!bs.includes(b)) bs.push(b);
    }
    const own = branchOf.get(r.personId);
    if (!bs.includes(own)) bs.push(own);
    for (const b of bs) if (b !== undefined) slices.get(b)?.records.push(r);
  }
  const out: Record<string, StudyFigures> = {};
  for (const b of branchIds) out[b] = studyFigures(slices.get(b)!.records, slices.get(b)!.people, { branchId: b }, span);
  return out;
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
