import { dayNumber, FORMS, type Form, type StudyDay, type StudyRecord } from '../../storage/study.js';

export { dayNumber } from '../../storage/study.js';

/**
 * Study records as figures read them: an array, or the store's day lists (`listStudyDays`), whose encoding is kept
 * for as long as the store hands out the same list, so a province's year is not read and encoded again for each card.
 */
export type StudyRecords = readonly StudyRecord[] | { readonly days: readonly StudyDay[] };

/** Records already encoded, passed between the figures of one computation so that they are encoded once. */
export interface EncodedRecords {
  readonly blocks: readonly RecordBlock[];
}

/**
 * A run of records as numbers, for the loops a province repeats half a million times: dates as yyyymmdd, ids as
 * numbers from `idOf`, each record's participants (`participantsOf`'s people, organiser first) as a slice of `who`.
 */
export interface RecordBlock {
  readonly n: number;
  /** The earliest and latest date in the block, so a span that misses it skips it whole. */
  readonly first: number;
  readonly last: number;
  readonly day: Int32Array;
  readonly form: Uint8Array;
  /** 0 where the record has no duration. */
  readonly minutes: Float64Array;
  readonly voided: Uint8Array;
  /** The activity's branch, -1 for none. */
  readonly branch: Int32Array;
  readonly start: Int32Array;
  readonly who: Int32Array;
  /** A store's day list, encoded once for as long as the store hands out the same list: what is derived from it may be kept too. */
  readonly kept?: true;
}

const ids = new Map<string, number>();

/** A number for an id (a person's or a branch's), the same for the life of the process. */
export function idOf(id: string): number {
  let n = ids.get(id);
  if (n === undefined) ids.set(id, (n = ids.size));
  return n;
}

// A person's numbers kept with the stored object (which a change replaces): 40,000 lookups by string for each figure
// of a province's card added up to more than the figures themselves.
const numbered = new WeakMap<object, { id: string; n: number; branchId?: string; branch: number }>();

/** `idOf` a person's id and branch id (-1 for none). */
export function personNumbers(p: { id: string; branchId?: string }): { n: number; branch: number } {
  let k = numbered.get(p);
  if (k === undefined || k.id !== p.id || k.branchId !== p.branchId) {
    k = { id: p.id, n: idOf(p.id), branchId: p.branchId, branch: p.branchId === undefined ? -1 : idOf(p.branchId) };
    numbered.set(p, k);
  }
  return k;
}

/** How many ids have numbers: the length of an array indexed by them. */
export function idCount(): number {
  return ids.size;
}

/** A form's place in FORMS. */
export const FORM_INDEX: ReadonlyMap<Form, number> = new Map(FORMS.map((f, i) => [f, i]));

// Keyed by the store's own day lists, which it never changes (a changed day is a new list): see listStudyDays.
const byDay = new WeakMap<readonly StudyRecord[], RecordBlock>();

/** The records as blocks: an array encoded now, a store's days each from the last time the same list was seen. */
export function encodeRecords(records: StudyRecords | EncodedRecords): EncodedRecords {
  if ('blocks' in records) return records;
  if (!('days' in records)) return { blocks: [encode(records as readonly StudyRecord[])] };
  return {
    blocks: records.days.map((d) => {
      let b = byDay.get(d.records);
      if (!b) byDay.set(d.records, (b = { ...encode(d.records), kept: true }));
      return b;
    }),
  };
}

/** Whether any of a block's dates falls within `from`…`to` (as dayNumber). */
export function overlaps(b: RecordBlock, from: number, to: number): boolean {
  return b.first <= to && b.last >= from;
}

/** The records of `records` as one array, for the few callers that walk them as objects. */
export function recordList(records: StudyRecords): readonly StudyRecord[] {
  return 'days' in records ? records.days.flatMap((d) => d.records) : (records as readonly StudyRecord[]);
}

function encode(records: readonly StudyRecord[]): RecordBlock {
  const n = records.length;
  let people = 0;
  for (const r of records) people += 1 + r.attendees.length;
  const b = { n, day: new Int32Array(n), form: new Uint8Array(n), minutes: new Float64Array(n), voided: new Uint8Array(n), branch: new Int32Array(n), start: new Int32Array(n + 1), who: new Int32Array(people) };
  let k = 0;
  for (let i = 0; i < n; i++) {
    const r = records[i]!;
    b.day[i] = dayNumber(r.date);
    b.form[i] = FORM_INDEX.get(r.form) ?? 255;
    b.minutes[i] = r.minutes ?? 0;
    b.voided[i] = r.voided ? 1 : 0;
    b.branch[i] = r.branchId === undefined ? -1 : idOf(r.branchId);
    b.start[i] = k;
    b.who[k++] = idOf(r.personId);
    for (const a of r.attendees) if (a !== r.personId) b.who[k++] = idOf(a);
  }
  b.start[n] = k;
  let [first, last] = [Infinity, -Infinity];
  for (const d of b.day) [first, last] = [Math.min(first, d), Math.max(last, d)];
  return { ...b, first, last, who: b.who.subarray(0, k) };
}
