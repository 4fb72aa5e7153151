import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildScaleStore, type ScaleManifest } from '../../bench/scale-store.js';
import { bureauFigures, computeFigures, quotaGaps, sliceByBranch, type FigureData } from '../../commands/figures/bureau-figures.js';
import { addDays, periodRange, toLocalDate } from '../../commands/shared/calendar.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

// A small bureau from the bench's generator: collective sessions across people, problems in every state.
let store: Store;
let bureau: ScaleManifest;
let data: FigureData;
// A fixed day, two weeks before the month's and the quarter's end, so the quota gap lists compared are not empty
// (on the wall clock's 1 December they were, and the test said so).
const ANCHOR = new Date('2026-11-20T02:00:00Z');
const today = toLocalDate(ANCHOR);
beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'duban-slices-')), 'duban.json');
  bureau = await buildScaleStore(file, { branches: 6, members: 120, studyRecords: 4000, problems: 300, measuresPerProblem: 2, tasks: 60, leaders: 3, history: false }, ANCHOR);
  store = await openLowdbStore(file);
  data = await store.read(async (tx) => ({
    problems: await tx.listProblems(),
    measures: await tx.listMeasures(),
    tasks: await tx.listTasks(),
    records: await tx.listStudyRecords({ from: periodRange(today, 'year').start, to: today }),
    people: await tx.listPeople(),
    branches: await tx.listBranches(),
    quotas: await tx.listQuotas(),
  }));
});
afterAll(async () => {
  await store?.close();
});

// Figures compared as plain data (order of keys and of equal-date items aside, they must be identical).
const same = (x: unknown) => JSON.parse(JSON.stringify(x));

describe('figures from a slice equal figures from the whole', () => {
  it('a branch’s or a person’s /进度 reads only its slice through the indexes, and gets the same figures', async () => {
    const period = periodRange(today, 'quarter');
    const people = [...bureau.branches.flatMap((b) => [b.secretary, b.members[1]!, b.members[7]!]), ...bureau.leaders];
    const scopes = [...bureau.branches.map((b) => ({ branchId: b.id })), ...people.map((personId) => ({ personId }))];
    for (const scope of scopes) {
      const whole = computeFigures(data, { period, asOf: today, ...scope });
      const sliced = await store.read((tx) => bureauFigures(tx, { period, asOf: today, ...scope }));
      expect(same(sliced), JSON.stringify(scope)).toEqual(same(whole));
    }
  });

  it('the weekly digest’s per-branch slices give each branch the same figures and gap list', async () => {
    const lastWeek = periodRange(addDays(periodRange(today, 'week').start, -1), 'week');
    const slices = await sliceByBranch(data);
    let gapsSeen = 0;
    let overdueSeen = 0;
    let sessionsSeen = 0;
    expect([...slices.keys()]).toEqual(bureau.branches.map((b) => b.id));
    for (const b of bureau.branches) {
      const slice = slices.get(b.id)!;
      const opts = { period: lastWeek, asOf: addDays(today, -1), branchId: b.id };
      const f = computeFigures(slice, opts);
      expect(same(f)).toEqual(same(computeFigures(data, opts)));
      overdueSeen += f.overdue.length;
      sessionsSeen += f.study.year.sessions;
      const gaps = { asOf: today, until: addDays(today, 14), branchId: b.id };
      const g = quotaGaps(slice, gaps);
      expect(same(g)).toEqual(same(computeFigures(data, { period: { start: today, end: addDays(today, 14), label: '' }, asOf: today, branchId: b.id }).gaps));
      gapsSeen += g.length;
    }
    // The comparison is between real figures, not between empty ones.
    expect([gapsSeen > 0, overdueSeen > 0, sessionsSeen > 0]).toEqual([true, true, true]);
  });
});
