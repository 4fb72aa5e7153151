import type { Person, Role } from '../../storage/records.js';
import { participantsOf, type StudyRecord } from '../../storage/study.js';

/** Whose figures: the whole bureau (neither set), one branch, or one person. */
export interface FigureScope {
  branchId?: string;
  personId?: string;
}

/** 人员范围: everyone for the bureau, a branch's own people (leaders who belong to it included), or the person. */
export function inScopePerson(p: Pick<Person, 'id' | 'branchId'>, scope: FigureScope): boolean {
  if (scope.personId !== undefined) return p.id === scope.personId;
  return scope.branchId === undefined || p.branchId === scope.branchId;
}

/** 学习活动范围: every activity for the bureau, a branch's own activities (the rows of its 学习台账), or those the person took part in. */
export function inScopeActivity(r: Pick<StudyRecord, 'branchId' | 'personId' | 'attendees'>, scope: FigureScope): boolean {
  if (scope.personId !== undefined) return participantsOf(r).includes(scope.personId);
  return scope.branchId === undefined || r.branchId === scope.branchId;
}

/** Label for people without a branch: leaders are 领导班子, anyone else (an admin, a newcomer) 未归属支部. */
export function groupOf(p: { role: Role; branchId?: string } | undefined, branchName: (id: string) => string | undefined): string {
  if (p?.branchId) return branchName(p.branchId) ?? p.branchId;
  return p?.role === 'leader' ? '领导班子' : '未归属支部';
}
