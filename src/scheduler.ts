import { schedule, type ScheduledTask } from 'node-cron';
import { toLocalDate } from '../commands/shared/calendar.js';
import { loadCalendar } from '../commands/shared/load-calendar.js';
import { atShanghai, isQuietHour } from './jobs/gate.js';
import type { Job, JobDeps, JobReport } from './jobs/types.js';
import type { Logger } from './logger.js';
import type { Lease } from './lease.js';

/**
 * Runs each job daily at its time (node-cron, Asia/Shanghai) on the days it applies to, once per day: a run is
 * claimed in the store first, so a restart or a second replica never runs the same day's slot twice. After a
 * restart, a slot missed earlier the same day runs once, if it is still before 20:00.
 */
export function createScheduler(deps: { jobs: readonly Job[]; jobDeps: JobDeps; clock: () => Date; logger: Logger; times?: Record<string, string>; onRan?: () => void; lease?: Lease }) {
  const log = deps.logger.child({ component: 'scheduler' });
  const tasks: ScheduledTask[] = [];
  const timeOf = (j: Job) => deps.times?.[j.name] ?? j.time;
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  function tick(job: Job, trigger: 'cron' | 'catch-up'): Promise<JobReport | undefined> {
    if (stopped) return Promise.resolve(undefined);
    const run = runJob(job, trigger).finally(() => running.delete(run));
    running.add(run);
    return run;
  }

  async function runJob(job: Job, trigger: 'cron' | 'catch-up'): Promise<JobReport | undefined> {
    const now = deps.clock();
    const today = toLocalDate(now);
    const cal = await deps.jobDeps.store.view(loadCalendar);
    if (!cal.isWorkingDay(today) || !job.runsOn(today, cal) || isQuietHour(now)) {
      log.info({ job: job.name, today, trigger }, 'not a day (or hour) for this job; skipped');
      return undefined;
    }
    // Among replicas only the lease holder runs jobs (renewed here, so a holder that lost it by now stands down).
    if (deps.lease && !(await deps.lease.renew())) {
      log.info({ job: job.name, today, trigger }, 'another replica runs the scheduler; skipped');
      return undefined;
    }
    const claimed = await deps.jobDeps.store.transact((tx) => tx.claimJobRun({ job: job.name, slot: today, trigger, startedAt: now.toISOString(), sent: 0 }));
    if (!claimed) return undefined;
    try {
      const report = await job.run(now, deps.jobDeps);
      await deps.jobDeps.store.transact((tx) => tx.finishJobRun(job.name, today, report.sent.length));
      log.info({ job: job.name, trigger, sent: report.sent.length, skipped: report.skipped.length }, 'job ran');
      deps.onRan?.();
      return report;
    } catch (err) {
      log.error({ err, job: job.name }, 'job failed');
      return undefined;
    }
  }

  return {
    start(): void {
      for (const job of deps.jobs) {
        const [hh, mm] = timeOf(job).split(':');
        tasks.push(schedule(`${Number(mm)} ${Number(hh)} * * *`, () => void tick(job, 'cron'), { timezone: 'Asia/Shanghai', name: job.name, noOverlap: true }));
      }
    },
    /** Runs, once, any slot of today that was missed while the process was down. */
    async catchUp(): Promise<string[]> {
      const now = deps.clock();
      const today = toLocalDate(now);
      const ran: string[] = [];
      for (const job of deps.jobs) {
        if (now < atShanghai(today, timeOf(job))) continue;
        const done = await deps.jobDeps.store.read((tx) => tx.listJobRuns(job.name));
        if (done.some((r) => r.slot === today)) continue;
        if (await tick(job, 'catch-up')) ran.push(job.name);
      }
      return ran;
    },
    tick,
    /** Stops the timers and waits for a job already running. */
    async stop(): Promise<void> {
      stopped = true;
      for (const t of tasks) void t.stop();
      await Promise.all([...running]);
    },
  };
}
