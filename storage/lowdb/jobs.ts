import type { Bulletin, JobRun, JobVerbs, Lease, SentMark, Switch } from '../jobs.js';
import type { IndexFn, Tables } from './engine.js';

/** Collections of the scheduler's bookkeeping. */
export const JOB_COLLECTIONS: Record<string, Record<string, IndexFn>> = {
  jobRuns: { job: (r) => r.job },
  sentMarks: {},
  bulletins: {},
  switches: { branch: (s) => s.branchId },
  // New in issue 17: a data file without it opens with it empty (the engine loads every listed collection).
  leases: {},
};

/** Scheduler bookkeeping over the engine's tables. */
export function jobVerbs(t: Tables): JobVerbs {
  return {
    async claimJobRun(run) {
      const id = `${run.job}@${run.slot}`;
      if (t.get('jobRuns', id)) return false;
      t.insert<JobRun>('jobRuns', { id, ...run });
      return true;
    },
    async finishJobRun(job, slot, sent) {
      const id = `${job}@${slot}`;
      if (t.get('jobRuns', id)) t.patch<JobRun>('jobRuns', id, { sent });
    },
    async listJobRuns(job) {
      return job ? t.by<JobRun>('jobRuns', 'job', job) : [...t.all<JobRun>('jobRuns')];
    },
    async markSent(key, job, at) {
      if (t.get('sentMarks', key)) return false;
      t.insert<SentMark>('sentMarks', { id: key, job, at });
      return true;
    },
    async wasSent(key) {
      return t.get('sentMarks', key) !== undefined;
    },
    async getBulletin(period) {
      return t.get<Bulletin>('bulletins', period);
    },
    async saveBulletin(b) {
      if (!t.get('bulletins', b.id)) t.insert<Bulletin>('bulletins', b);
    },
    async isEnabled(branchId, key) {
      return t.get<Switch>('switches', `${branchId}:${key}`)?.enabled ?? true;
    },
    async setEnabled(branchId, key, enabled, stamp) {
      const id = `${branchId}:${key}`;
      const old = t.get<Switch>('switches', id);
      const entry = { ...stamp, enabled };
      if (old) t.patch<Switch>('switches', id, { enabled, history: [...old.history, entry] });
      else t.insert<Switch>('switches', { id, branchId, key, enabled, history: [entry] });
    },
    async listSwitches(branchId) {
      return t.by<Switch>('switches', 'branch', branchId);
    },
    async holdLease(name, holder, at, ttlMs) {
      const old = t.get<Lease>('leases', name);
      if (old && old.holder !== holder && old.expiresAt > at) return false;
      const expiresAt = new Date(Date.parse(at) + ttlMs).toISOString();
      const since = old?.holder === holder && old.expiresAt > at ? old.since : at;
      if (old) t.patch<Lease>('leases', name, { holder, since, expiresAt });
      else t.insert<Lease>('leases', { id: name, holder, since, expiresAt });
      return true;
    },
    async releaseLease(name, holder, at) {
      if (t.get<Lease>('leases', name)?.holder === holder) t.patch<Lease>('leases', name, { expiresAt: at });
    },
    async getLease(name) {
      return t.get<Lease>('leases', name);
    },
  };
}
