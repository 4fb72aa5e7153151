import { expect } from 'vitest';
import type { Harness } from '../support/harness.js';

/** What the admin API answers for a job run: whom it sent to and what it skipped, with why. */
export interface JobRun {
  sent: { to: string; summary: string }[];
  skipped: { reason: string; detail?: string }[];
}

/** Runs a scheduled job through the admin API as of `at` (the harness started with adminToken 'tok') and waits for its sending. */
export async function runJobAt(h: Harness, job: string, at: Date): Promise<JobRun> {
  const res = await fetch(`${h.app.url}/admin/jobs/${job}/run`, {
    method: 'POST',
    headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
    body: JSON.stringify({ at: at.toISOString() }),
  });
  expect(res.status).toBe(200);
  await h.app.settle();
  return res.json() as Promise<JobRun>;
}
