import { yieldIfBusy } from './event-loop.js';
import type { Tables } from './lowdb/engine-types.js';
import { holidayVerbs } from './lowdb/holidays.js';
import { inboxVerbs } from './lowdb/inbox.js';
import { ledgerVerbs } from './lowdb/ledger.js';
import { jobVerbs } from './lowdb/jobs.js';
import { leaveVerbs } from './lowdb/leave.js';
import { orgVerbs } from './lowdb/org.js';
import { outboxVerbs } from './lowdb/outbox.js';
import { studyVerbs } from './lowdb/study.js';
import type { Tx } from './store.js';

/** The domain verbs over one engine's tables: every store that keeps its data in the in-memory engine uses these. */
export function verbs(t: Tables): Tx {
  return {
    ...orgVerbs(t),
    ...inboxVerbs(t),
    ...outboxVerbs(t),
    ...ledgerVerbs(t),
    ...jobVerbs(t),
    ...studyVerbs(t),
    ...holidayVerbs(t),
    ...leaveVerbs(t),
    async nextNumber(series) {
      return t.next(series);
    },
  };
}

/** The verbs over tables, built once per tables object: an engine hands out one tables view per mode. */
export function verbsCache(): (t: Tables) => Tx {
  const made = new WeakMap<Tables, Tx>();
  return (t) => made.get(t) ?? made.set(t, verbs(t)).get(t)!;
}

/**
 * The verbs of a read view, each letting waiting I/O run first when the work so far has held the thread for a few
 * milliseconds: a report is a long chain of reads that would otherwise run as one block of microtasks.
 */
export function yielding(tx: Tx): Tx {
  const out: Record<string, unknown> = {};
  for (const [name, verb] of Object.entries(tx)) {
    out[name] = async (...args: unknown[]) => {
      await yieldIfBusy();
      return (verb as (...a: unknown[]) => unknown)(...args);
    };
  }
  return out as unknown as Tx;
}
