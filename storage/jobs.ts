import { z } from 'zod';
import { Stamp } from './records.js';

/** One run of a scheduled job for one slot (e.g. `weekly-digest@2026-11-23`). */
export const JobRun = z.object({
  id: z.string(),
  job: z.string(),
  slot: z.string(),
  trigger: z.enum(['cron', 'catch-up', 'admin']),
  startedAt: z.string(),
  sent: z.number(),
});
export type JobRun = z.infer<typeof JobRun>;

/** A notice that was sent once and must never be sent again (a reminder rung, a digest for a week). */
export const SentMark = z.object({ id: z.string(), job: z.string(), at: z.string() });
export type SentMark = z.infer<typeof SentMark>;

/** Figures frozen when a bulletin was published; later corrections show as changes next time. */
export const Bulletin = z.object({ id: z.string(), period: z.string(), publishedAt: z.string(), figures: z.unknown() });
export type Bulletin = z.infer<typeof Bulletin>;

/** A per-branch switch for one kind of scheduled message, with its history. */
export const Switch = z.object({
  id: z.string(),
  branchId: z.string(),
  key: z.string(),
  enabled: z.boolean(),
  history: z.array(Stamp.extend({ enabled: z.boolean() })),
});
export type Switch = z.infer<typeof Switch>;

/** Who runs a role (the scheduler) among replicas, until when unless renewed. */
export const Lease = z.object({ id: z.string(), holder: z.string(), since: z.string(), expiresAt: z.string() });
export type Lease = z.infer<typeof Lease>;

/** Scheduler bookkeeping: runs, once-only marks, frozen bulletins, per-branch switches and the scheduler's lease. */
export interface JobVerbs {
  /** Records a run of `job` for `slot` unless one exists; false means the slot already ran. */
  claimJobRun(run: Omit<JobRun, 'id'>): Promise<boolean>;
  finishJobRun(job: string, slot: string, sent: number): Promise<void>;
  listJobRuns(job?: string): Promise<JobRun[]>;
  /** Marks a notice as sent; false when it already was (the caller then sends nothing). */
  markSent(key: string, job: string, at: string): Promise<boolean>;
  wasSent(key: string): Promise<boolean>;
  getBulletin(period: string): Promise<Bulletin | undefined>;
  saveBulletin(b: Bulletin): Promise<void>;
  /** A branch's switch for `key`; on when never set. */
  isEnabled(branchId: string, key: string): Promise<boolean>;
  setEnabled(branchId: string, key: string, enabled: boolean, stamp: Stamp): Promise<void>;
  listSwitches(branchId: string): Promise<Switch[]>;
  /**
   * Takes or renews the lease `name` for `holder` until `at` + ttlMs; false while another holder's lease has not
   * expired. Replicas' clocks must agree to well within the ttl.
   */
  holdLease(name: string, holder: string, at: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once (a clean stop), if `holder` has it. */
  releaseLease(name: string, holder: string, at: string): Promise<void>;
  getLease(name: string): Promise<Lease | undefined>;
}
