import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { QuotaGap } from '../../commands/figures/quota-figures.js';
import { firstGaps } from '../../commands/reports/summary-card.js';

// The card's gap table once sorted the whole list (100,000 gaps on a province) to show 100 rows; firstGaps sorts only
// what it shows. Held to the whole sort it replaced, with branch ids the collator cannot tell apart (é written two
// ways) and people with several gaps, whose rows keep their order.
const collate = new Intl.Collator().compare;
const wholeSort = (gaps: readonly QuotaGap[]) => [...gaps].sort((a, b) => collate(a.branchId ?? '', b.branchId ?? '') || collate(a.personId, b.personId));

const gap = fc.record({
  branchId: fc.option(fc.constantFrom('B1', 'B10', 'B2', 'b2', 'Bé', 'Be\u0301', '第一支部', ''), { nil: undefined }),
  personId: fc.constantFrom('ou_a', 'ou_B', 'ou_b', 'ou_c', 'ou_é', 'ou_e\u0301'),
  quota: fc.constantFrom('志愿服务 每月至少1次', '个人自学 每季度至少10小时'),
});

describe('firstGaps', () => {
  it('gives the first n of the whole list sorted by branch and then person, ties in list order', () => {
    fc.assert(
      fc.property(fc.array(gap, { maxLength: 80 }), fc.integer({ min: 0, max: 30 }), (gs, n) => {
        const gaps: QuotaGap[] = gs.map((g, i) => ({ ...(g.branchId !== undefined ? { branchId: g.branchId } : {}), group: g.branchId ?? '未归属支部', personId: g.personId, quota: `${g.quota}#${i}`, progress: '0/1', periodEnd: '2026-11-30' }));
        expect(firstGaps(gaps, n)).toEqual(wholeSort(gaps).slice(0, n));
      }),
      { numRuns: 2000 },
    );
  });
});
