import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { studyFigures, studyFiguresByBranch } from '../../commands/figures/study-figures.js';
import { BRANCHES, people, records } from './arbitraries.js';

describe('studyFiguresByBranch', () => {
  it('gives each branch exactly what studyFigures gives it on every record and every person', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        people.chain((ps) => fc.tuple(fc.constant(ps), records(ps.map((p) => p.id)), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 27 }))),
        ([ps, rs, from, length]) => {
          const span = { start: `2026-11-${String(from).padStart(2, '0')}`, end: `2026-11-${String(Math.min(28, from + length)).padStart(2, '0')}` };
          const byBranch = studyFiguresByBranch(rs, ps, BRANCHES, span);
          expect(Object.keys(byBranch).sort()).toEqual(BRANCHES);
          for (const b of BRANCHES) {
            const one = studyFigures(rs, ps, { branchId: b }, span);
            expect(byBranch[b]).toEqual(one);
            if (one.sessions + one.participations > 0) compared++;
          }
        },
      ),
      { numRuns: 400 },
    );
    // Held with something to compare, not only for empty branches.
    expect(compared).toBeGreaterThan(200);
  });
});
