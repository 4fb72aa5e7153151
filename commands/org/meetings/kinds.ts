import { kindOfForm, LEADERSHIP_KINDS, MEETING_KINDS, type MeetingKind } from '../../../storage/study.js';
import { PERIOD_NAMES } from '../../study/quotas.js';
import { FORM_SYNONYMS } from '../../study/forms.js';
import { lookup } from '../../shared/lookup.js';
import type { Period } from '../../shared/calendar.js';

/** The meeting a typed word names (`支委会`, `党员大会`, `党课`, `中心组`), or undefined; a bare `研讨` names none. */
export function parseKind(word: string): MeetingKind | undefined {
  const w = word.normalize('NFKC').trim();
  if ((MEETING_KINDS as readonly string[]).includes(w)) return w as MeetingKind;
  const form = lookup(FORM_SYNONYMS, w);
  const kind = form ? kindOfForm(form) : undefined;
  return kind === '中心组学习' && !w.includes('中心组') ? undefined : kind;
}

/** Whether only the leadership (党组) holds this kind of meeting. */
export function isLeadershipKind(kind: MeetingKind): boolean {
  return LEADERSHIP_KINDS.includes(kind);
}

/** The kinds a branch holds, then the leadership's, for error replies. */
export function kindList(): string {
  const branch = MEETING_KINDS.filter((k) => !isLeadershipKind(k));
  return `${branch.join('、')}；领导班子：${LEADERSHIP_KINDS.join('、')}`;
}

/** Kinds whose 应到 is not the whole branch (the 支委, a 党小组, the two people talking): written as 应到:@… or taken from who is listed. */
export const LISTED_ROSTER: readonly MeetingKind[] = ['支委会', '党小组会', '谈心谈话'];

/** `每月`, `每季度`, `每年` and the words for not required, to a period (undefined = not required). */
export const FREQUENCY_WORDS: Readonly<Record<string, Period | null>> = {
  每周: 'week', 每月: 'month', 每季度: 'quarter', 每季: 'quarter', 每年: 'year', 每年度: 'year', 不要求: null, 不需要: null, 取消: null,
};

/** `每月1次` or `每季度2次`. */
export function describeFrequency(r: { period: Period; min: number }): string {
  return `每${PERIOD_NAMES[r.period]}${r.min}次`;
}
