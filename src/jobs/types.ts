import type { Store } from '../../storage/store.js';
import type { Logger } from '../logger.js';

/** What a job run reports: the messages it queued, by id, and anything skipped with why. */
export interface JobReport {
  job: string;
  at: string;
  sent: { id: string; to: string; summary: string }[];
  skipped: { reason: string; detail?: string }[];
}

/** What every job gets besides `now`. */
export interface JobDeps {
  store: Store;
  logger: Logger;
}

/** A scheduled job: a plain function of `now`, safe to run twice for the same moment. */
export interface Job {
  name: string;
  /** node-cron expression in Asia/Shanghai. */
  schedule: string;
  run(now: Date, deps: JobDeps): Promise<JobReport>;
}
