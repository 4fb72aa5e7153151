import type { ScaleSpec } from './scale-store.js';

/** Issue 17's province: 1,000 branches of 40 people, 500,000 study records, 20,000 problems (tasks and measures in the bureau's proportion). */
export const PROVINCE_SCALE: ScaleSpec = { branches: 1000, members: 40_000, studyRecords: 500_000, problems: 20_000, measuresPerProblem: 2, tasks: 10_000, leaders: 10, history: false };
