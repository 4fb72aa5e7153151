import type { LocalDate } from '../../commands/shared/calendar.js';
import type { Calendar } from '../../commands/shared/working-calendar.js';
import type { Store } from '../../storage/store.js';
import type { Logger } from '../logger.js';

/** What a job run reports: the messages it queued and anything skipped, with why. */
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
  /** Chinese name for people (the sandbox, /提醒). */
  label: string;
  /** Default time of day in Asia/Shanghai, `HH:MM`; configurable. */
  time: string;
  /** Whether the job has anything to do on this (working) day, e.g. only on the first working day of a week. */
  runsOn(today: LocalDate, cal: Calendar): boolean;
  run(now: Date, deps: JobDeps): Promise<JobReport>;
}
