import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeFigures, gapsOf, type FigureData } from '../../commands/figures/bureau-figures.js';
import { quotaStandings, standingsByGroup, toGaps } from '../../commands/figures/quota-figures.js';
import type { FigureScope } from '../../commands/figures/scope.js';
import { firstGaps } from '../../commands/reports/summary-card.js';
import { periodRange } from '../../commands/shared/calendar.js';
import { BRANCHES, quotaBureau } from './arbitraries.js';

// computeFigures counts standings in a table and makes gap lines only when read (a province's 全局 card shows 100 of
// 117,866): its 指标完成, its gap list read whole, and the card's first rows are held here to the object path they
// replaced, quotaStatus's standings tallied and turned into gap lines one by one.

const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-11-${String(d).padStart(2, '0')}`);

describe('the gap list and 指标完成 from the standings table', () => {
  it('equal the standings made one by one, read whole or a card’s first rows at a time', () => {
    let gapsSeen = 0;
    fc.assert(
      fc.property(
        quotaBureau.chain(([staff, rs, quotas]) =>
          fc.tuple(
            fc.constant({ staff: staff.map((p) => ({ ...p, name: p.id })), rs, quotas }),
            day,
            fc.oneof(fc.constant<FigureScope>({}), fc.constantFrom(...BRANCHES).map((branchId): FigureScope => ({ branchId })), fc.constantFrom(...staff.map((p) => p.id)).map((personId): FigureScope => ({ personId }))),
            fc.integer({ min: 0, max: 40 }),
            fc.constantFrom('month' as const, 'quarter' as const, 'year' as const),
          ),
        ),
        ([{ staff, rs, quotas }, asOf, scope, n, kind]) => {
          const branches = BRANCHES.map((id) => ({ id, name: `${id}支部`, chatId: `oc_${id}` }));
          const data = { problems: [], measures: [], tasks: [], records: rs, people: staff, branches, quotas } as unknown as FigureData;
          const period = periodRange(asOf, kind);
          const opts = { period: { ...period, label: '本月' }, asOf, ...scope };

          const standings = quotaStandings(data, { asOf, until: period.end, ...scope });
          const byId = new Map(staff.map((p) => [p.id, p]));
          const names = new Map(branches.map((b) => [b.id, b.name]));
          const expected = toGaps(standings, (id) => byId.get(id), (id) => names.get(id));

          // The card's path first, before anything reads the whole list.
          const f = computeFigures(data, opts);
          expect(gapsOf(f).length).toBe(expected.length);
          expect(firstGaps(gapsOf(f), n)).toEqual(firstGaps(expected, n));
          expect(f.quotaByBranch).toEqual(standingsByGroup(standings, (id) => byId.get(id)?.branchId ?? ''));
          expect(f.gaps).toEqual(expected);
          // Once read, the list is an ordinary array, and a caller's change to it is what the card then shows.
          expect(JSON.parse(JSON.stringify(computeFigures(data, opts)))).toEqual(JSON.parse(JSON.stringify({ ...f, gaps: expected })));
          f.gaps = f.gaps.slice(1);
          expect(gapsOf(f).length).toBe(Math.max(0, expected.length - 1));
          gapsSeen += expected.length;
        },
      ),
      { numRuns: 400 },
    );
    expect(gapsSeen, String(gapsSeen)).toBeGreaterThan(400);
  });
});
