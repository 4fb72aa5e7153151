import type { HistoryEntry } from '../../storage/ledger.js';

/** A problem's, measure's or task's history as instants, for replaying it at any cutoff without parsing a date. */
export interface Timeline {
  created: number;
  /** When it was voided; Infinity if never. */
  voided: number;
  /** The deadline it was given when opened. */
  firstDeadline: string;
  /** Its status and deadline changes (those with both values), in the order recorded. */
  changes: readonly { at: number; status: boolean; to: string }[];
  /** When a close-out was first approved (close-approve), NaN if never. */
  approved: number;
  /** When a measure was first reported done (measure-done), NaN if never. */
  done: number;
  /** The last state asked for (see stateBefore): the cards of a day all ask at the same cutoff. */
  last?: { cutoff: number; initial: string; state: { status: string; deadline: string } };
}

type Item = { deadline: string; history: readonly HistoryEntry[]; created?: { at: string }; voided?: { at: string } };

// Stored items are never changed in place (a change stores a new object), so an item's timeline is made once for
// all the cards and reminders that read it; what a timeline is made from is kept with it and checked, so an object
// someone did change (a test's fixture) is read afresh.
const made = new WeakMap<object, { history: readonly HistoryEntry[]; entries: number; deadline: string; created?: string; voided?: string; t: Timeline }>();

/**
 * What a kept count of an item was read from (see eachChunk): the item, the fields its timeline is made from, and the
 * fields `keys` names, written at `out[at]` onward.
 */
export function timelineReader<T extends Item>(keys: readonly (keyof T)[]): { width: number; read: (r: T, out: unknown[], at: number) => void } {
  return {
    width: 6 + keys.length,
    read(r, out, at) {
      out[at] = r;
      out[at + 1] = r.history;
      out[at + 2] = r.history.length;
      out[at + 3] = r.deadline;
      out[at + 4] = r.created?.at;
      out[at + 5] = r.voided?.at;
      for (let k = 0; k < keys.length; k++) out[at + 6 + k] = r[keys[k]!];
    },
  };
}

/** The item's timeline, made once per stored version of it. */
export function timelineOf(r: Item): Timeline {
  const k = made.get(r);
  if (k && k.history === r.history && k.entries === r.history.length && k.deadline === r.deadline && k.created === r.created?.at && k.voided === r.voided?.at) return k.t;
  const t = makeTimeline(r);
  made.set(r, { history: r.history, entries: r.history.length, deadline: r.deadline, created: r.created?.at, voided: r.voided?.at, t });
  return t;
}

function makeTimeline(r: Item): Timeline {
  const changes: { at: number; status: boolean; to: string }[] = [];
  let approved: string | undefined;
  let done: string | undefined;
  for (const e of r.history) {
    if (e.action === 'close-approve') approved ??= e.at;
    if (e.action === 'measure-done') done ??= e.at;
    if ((e.field === 'status' || e.field === 'deadline') && e.from !== undefined && e.to !== undefined) changes.push({ at: Date.parse(e.at), status: e.field === 'status', to: e.to });
  }
  return {
    created: r.created ? Date.parse(r.created.at) : -Infinity,
    voided: r.voided ? Date.parse(r.voided.at) : Infinity,
    firstDeadline: originalDeadline(r),
    changes,
    approved: approved === undefined ? NaN : Date.parse(approved),
    done: done === undefined ? NaN : Date.parse(done),
  };
}

// The opening entry records the first deadline; older data without it falls back to the first change's old value.
function originalDeadline(r: { deadline: string; history: readonly HistoryEntry[] }): string {
  const opening = r.history.find((e) => e.field === 'deadline' && e.from === undefined && e.to !== undefined);
  if (opening?.to) return opening.to;
  return r.history.find((e) => e.field === 'deadline' && e.from !== undefined)?.from ?? r.deadline;
}
