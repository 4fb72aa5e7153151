import type { Job } from './types.js';

/** Every scheduled job by name; the admin API and the scheduler both read this list. */
export const JOBS: readonly Job[] = [];
