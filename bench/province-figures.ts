import { isDeepStrictEqual } from 'node:util';
import { bureauFigures } from '../commands/figures/bureau-figures.js';
import { periodRange, type LocalDate } from '../commands/shared/calendar.js';
import { periodsBetween } from '../commands/shared/periods.js';
import type { Store } from '../storage/store.js';

/** What comparing the two stores found: how many figure sets, which differed, and how long it took. */
export interface FigureCheck {
  scopes: number;
  periods: number;
  checked: number;
  differ: string[];
  ms: number;
}

/**
 * Compares bureauFigures on both stores for 全局 and the given branches over every period, as migrate:postgres's
 * verification does (its functions live in a script that runs on import, hence this copy). `globalPeriods: 'month'`
 * checks 全局 for the current month only: at province scale one 全局 computation still takes about a second here,
 * and the bench compares a sample.
 */
export async function compareFigures(a: Store, b: Store, opts: { branchIds: readonly string[]; from: LocalDate; today: LocalDate; globalPeriods?: 'all' | 'month' }): Promise<FigureCheck> {
  const t0 = performance.now();
  const periods = periodsBetween(opts.from, opts.today);
  const scopes = [undefined, ...opts.branchIds];
  const differ: string[] = [];
  let checked = 0;
  for (const branchId of scopes) {
    const global = branchId === undefined && opts.globalPeriods === 'month';
    for (const period of global ? [periodRange(opts.today, 'month')] : periods) {
      const o = { period, asOf: period.end < opts.today ? period.end : opts.today, branchId };
      const [x, y] = await Promise.all([a.view((tx) => bureauFigures(tx, o)), b.view((tx) => bureauFigures(tx, o))]);
      checked++;
      if (!isDeepStrictEqual(x, y)) differ.push(`${branchId ?? '全局'} ${period.label}`);
    }
  }
  return { scopes: scopes.length, periods: periods.length, checked, differ, ms: Math.round(performance.now() - t0) };
}
