import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatRate, ledgerFigures, NO_SOURCE } from '../../commands/figures/ledger-figures.js';
import { describeDue, problemStatusLabel } from '../../commands/ledger/ledger-status.js';
import { packageCalendar } from '../../commands/shared/calendar.js';
import type { Measure, Problem } from '../../storage/ledger.js';
import { seedLedger as seed } from '../support/seed-ledger.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

let store: Store;
let data: { problems: Problem[]; measures: Measure[] };
beforeAll(async () => {
  store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-figures-')), 'duban.json'));
  data = await seed(store);
});
afterAll(async () => {
  await store.close();
});

describe('ledgerFigures over a seeded ledger of 71 problems and 128 measures', () => {
  it('gives the counts leaders quote as of 2026-11-30: 71 found, 69 rectified, 128 measures, 2 overdue', () => {
    const f = ledgerFigures(data, { asOf: '2026-11-30' });
    expect(f.total).toEqual({
      found: 71,
      rectified: 69,
      rate: 69 / 71,
      inProgress: 2,
      pendingReview: 0,
      extensionRequested: 0,
      overdue: 2,
      measures: 128,
      measuresDone: 127,
      overdueMeasures: 1,
      // 「检视问题71个，其中专项整治问题2个」: a mark on problems of any source, not a source of its own.
      special: 2,
    });
    expect(formatRate(f.total.rate)).toBe('97.2%');
    expect(f.voided).toBe(1);
    // The seeds' two 专项整治 problems were entered with it as their source: they keep the mark, their source unknown.
    expect(f.bySource['专项整治']).toBeUndefined();
    expect(f.bySource[NO_SOURCE]).toMatchObject({ found: 2, rectified: 2, measures: 4 });
    expect(Object.values(f.bySource).reduce((n, c) => n + c.found, 0)).toBe(71);
    // P70 and P71 are the open ones: P70 (70 mod 3 = 1) in B1, P71 in B2.
    expect(f.byBranch['B1']).toMatchObject({ found: 24, rectified: 23, overdue: 1, overdueMeasures: 0 });
    expect(f.byBranch['B2']).toMatchObject({ found: 24, rectified: 23, overdue: 1, overdueMeasures: 1 });
    expect(f.byBranch['B3']).toMatchObject({ found: 23, rectified: 23, overdue: 0, rate: 1 });
    const measuresByBranch = Object.values(f.byBranch).reduce((n, c) => n + c.measures, 0);
    expect(measuresByBranch).toBe(128);
  });

  it('keeps figures for a past date frozen, and follows later changes for a later date', () => {
    expect(ledgerFigures(data, { asOf: '2026-10-31' }).total).toMatchObject({ found: 70, rectified: 60, overdue: 1, measures: 127, overdueMeasures: 0 });
    // P70's extension was approved on 12-03: from then on only P71 is overdue, and P70 is back to 整改中.
    const dec = ledgerFigures(data, { asOf: '2026-12-02' }).total;
    expect(dec).toMatchObject({ found: 71, rectified: 69, overdue: 2, extensionRequested: 1 });
    expect(ledgerFigures(data, { asOf: '2026-12-05' }).total).toMatchObject({ overdue: 1, extensionRequested: 0, inProgress: 2 });
    // Before P72 was voided it counted, with its three measures.
    expect(ledgerFigures(data, { asOf: '2026-05-31' }).total).toMatchObject({ found: 71, rectified: 0, measures: 130 });
  });

  it('counts what happened within a period (November 2026) beside the cumulative figures at its end', () => {
    const f = ledgerFigures(data, { period: { start: '2026-11-01', end: '2026-11-30' } });
    expect(f.asOf).toBe('2026-11-30');
    expect(f.total.period).toEqual({ found: 1, rectified: 9, measures: 1, measuresDone: 0 });
    expect(f.total).toMatchObject({ found: 71, rectified: 69 });
    expect(f.byBranch['B2']!.period).toEqual({ found: 1, rectified: 3, measures: 1, measuresDone: 0 });
  });

  it('stores every change as history and deletes nothing', () => {
    expect(data.problems).toHaveLength(72);
    expect(data.measures).toHaveLength(131);
    const p70 = data.problems.find((p) => p.id === 'P70')!;
    expect(p70.deadline).toBe('2027-01-29');
    expect(p70.history.filter((e) => e.field === 'deadline').map((e) => [e.from, e.to])).toEqual([
      [undefined, '2026-10-30'],
      ['2026-10-30', '2027-01-29'],
    ]);
    const p72 = data.problems.find((p) => p.id === 'P72')!;
    expect(p72.voided?.reason).toBe('重复登记');
    expect(problemStatusLabel(p72, '2026-11-30')).toBe('已作废');
    expect(problemStatusLabel(data.problems.find((p) => p.id === 'P71')!, '2026-11-30')).toBe('整改中·逾期');
  });
});

describe('describeDue on the holiday calendar', () => {
  it.each([
    ['2026-11-23', '2026-11-23', '今天到期'],
    ['2026-11-23', '2026-11-27', '还有 4 个工作日'],
    ['2026-11-27', '2026-11-29', '还有 2 天（其间无工作日）'],
    ['2026-11-30', '2026-11-27', '已逾期 1 个工作日'],
    ['2026-11-29', '2026-11-27', '已逾期 2 天'],
    // National Day 2026: 10-01 … 10-07 off; 09-30 to 10-08 is one working day.
    ['2026-09-30', '2026-10-08', '还有 1 个工作日'],
  ])('from %s to %s: %s', (today, deadline, text) => {
    expect(describeDue(deadline, today, packageCalendar())).toBe(text);
  });
});
