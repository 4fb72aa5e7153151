import { bureauFigures } from '../commands/figures/bureau-figures.js';
import { addDays, addMonths, isWorkingDay, periodRange, previousWorkingDay, toLocalDate, type LocalDate } from '../commands/shared/calendar.js';
import { exportProblems } from '../commands/reports/export-files.js';
import { loadNames } from '../commands/reports/names.js';
import { namedOnCard, renderSummaryCard } from '../commands/reports/summary-card.js';
import { atShanghai } from '../src/jobs/gate.js';
import { monthlyBulletin } from '../src/jobs/monthly-bulletin.js';
import { weeklyDigest } from '../src/jobs/weekly-digest.js';
import { createLogger } from '../src/logger.js';
import { openLowdbStore } from '../storage/lowdb/open.js';
import type { Store, Tx } from '../storage/store.js';
import { median } from './load.js';

/** Milliseconds each job took on the scale store, and what it produced. */
export interface JobCosts {
  weeklyDigestMs: number;
  weeklyDigestCards: number;
  monthlyBulletinMs: number;
  monthlyBulletinCards: number;
  /** `/进度` 全局 (median), on a read view as the router runs reports, after the first. */
  progressBureauMs: number;
  /** The first `/进度` 全局 after the store opened, before anything else read it (each day's encoding made then). */
  progressBureauFirstMs: number;
  /** `/进度` 全局 (median of 3), each after a write as a busy bureau makes them: a study record logged, a measure done, a problem reported. */
  progressAfterWritesMs: number;
  progressCardBytes: number;
  exportMs: number;
  exportRows: number;
  exportBytes: number;
  /** The first `/进度` for one branch (measured when a branch is named): the first to read the study log by branch. */
  progressBranchFirstMs?: number;
  /** `/进度` for the same branch (median of 3), each after a write as for progressAfterWritesMs. */
  progressBranchMs?: number;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t0), value };
}

/**
 * Times each job three times on a copy of the scale store, each run at 10:00 on a working day a week (digest) or a
 * month (bulletin) apart, so none is a repeat that finds its work already done (the jobs send nothing at night or
 * on holidays, and each week or month only once); the read-only /进度 card and ledger export simply run three
 * times. Each figure is the median. The store is opened first, so opening it is not part of any figure.
 */
export async function runJobCosts(dataFile: string): Promise<JobCosts> {
  const store = await openLowdbStore(dataFile);
  try {
    return await measureJobs(store);
  } finally {
    await store.close();
  }
}

/**
 * runJobCosts on an open store of any kind (its jobs write their marks and queue their cards in it); `branchId` adds a
 * branch's `/进度`; `runs` (default 3, of which the median) is 1 where one run takes minutes.
 */
export async function measureJobs(store: Store, opts: { branchId?: string; runs?: 1 | 3 } = {}): Promise<JobCosts> {
  const logger = createLogger('silent');
  const today = toLocalDate(new Date());
  const workday = (d: LocalDate) => (isWorkingDay(d) ? d : previousWorkingDay(d));
  const day = workday(today);
  const back = opts.runs === 1 ? [0] : [2, 1, 0];
  const card = (branchId?: string) =>
    timed(() =>
      store.view(async (tx) => {
        const f = await bureauFigures(tx, { period: periodRange(day, 'month'), asOf: day, ...(branchId !== undefined ? { branchId } : {}) });
        return renderSummaryCard(f, await loadNames(tx, namedOnCard(f)), branchId ?? '全局');
      }),
    );
  const first = await card();
  const digests = [];
  for (const weeksBack of back) digests.push(await timed(() => weeklyDigest.run(atShanghai(workday(addDays(today, -7 * weeksBack)), '10:00'), { store, logger })));
  const bulletins = [];
  for (const monthsBack of back) bulletins.push(await timed(() => monthlyBulletin.run(atShanghai(workday(addMonths(today, -monthsBack)), '10:00'), { store, logger })));
  const progress = [];
  const ledgers = [];
  // /进度 three times whatever `runs` says: after the first, one card costs well under a second even on a province.
  for (let i = 0; i < 3; i++) progress.push(await card());
  for (let i = 0; i < back.length; i++) {
    ledgers.push(await timed(() => store.read((tx) => exportProblems(tx, { scopeLabel: '全部', today: day }))));
  }
  const afterEachWrite = async (branchId?: string) => {
    const cards = [];
    for (let i = 0; i < 3; i++) {
      await store.transact((tx) => busyWrite(tx, day, i));
      cards.push(await card(branchId));
    }
    return cards;
  };
  const afterWrites = await afterEachWrite();
  const branchFirst = opts.branchId !== undefined ? await card(opts.branchId) : undefined;
  const branch = opts.branchId !== undefined ? await afterEachWrite(opts.branchId) : [];
  return {
    weeklyDigestMs: median(digests.map((d) => d.ms)),
    weeklyDigestCards: digests.at(-1)!.value.sent.length,
    monthlyBulletinMs: median(bulletins.map((b) => b.ms)),
    monthlyBulletinCards: bulletins.at(-1)!.value.sent.length,
    progressBureauMs: median(progress.map((p) => p.ms)),
    progressBureauFirstMs: first.ms,
    progressAfterWritesMs: median(afterWrites.map((p) => p.ms)),
    progressCardBytes: Buffer.byteLength(JSON.stringify(progress[0]!.value)),
    exportMs: median(ledgers.map((l) => l.ms)),
    exportRows: ledgers[0]!.value.rows,
    exportBytes: ledgers[0]!.value.bytes.length,
    ...(branchFirst ? { progressBranchFirstMs: branchFirst.ms, progressBranchMs: median(branch.map((b) => b.ms)) } : {}),
  };
}

/**
 * What a busy bureau writes between two leaders' cards: a study record logged today, an open measure marked done and a
 * problem reported, each as its command stores it (so the next card counts a changed day, a changed measure and a
 * changed run of problems, which counts every measure again).
 */
async function busyWrite(tx: Tx, day: LocalDate, i: number): Promise<void> {
  const at = new Date().toISOString();
  const person = (await tx.listPeople()).find((p) => p.branchId !== undefined && p.role === 'member');
  const measure = (await tx.listMeasures()).filter((m) => m.status === '整改中')[i];
  if (!person?.branchId || !measure) throw new Error('the bench store has no member in a branch or no open measure');
  await tx.addStudyRecord({ date: day, form: '个人自学', minutes: 30, content: `自学 ${i}`, branchId: person.branchId, personId: person.id, attendees: [], entered: { by: person.id, at } });
  await tx.updateMeasure(measure.id, { status: '已完成', done: { by: measure.owner, at, note: '完成' } }, { by: measure.owner, at, action: 'measure-done', note: '完成' });
  await tx.openProblem({ branchId: person.branchId, description: `新发现的问题 ${i}`, responsibleUnit: '办公室', leadPerson: person.id, deadline: addDays(day, 30) }, { by: person.id, at });
}
