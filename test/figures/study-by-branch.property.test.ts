import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { studyFigures, studyFiguresByBranch } from '../../commands/figures/study-figures.js';
import { FORMS, type StudyRecord } from '../../storage/study.js';

const BRANCHES = ['b1', 'b2', 'b3', 'b4'];
const people = fc.array(fc.option(fc.constantFrom(...BRANCHES), { nil: undefined }), { minLength: 1, maxLength: 12 }).map((bs) => bs.map((branchId, i) => ({ id: `ou_${i}`, ...(branchId ? { branchId } : {}) })));

const records = (ids: string[]) =>
  fc.array(
    fc.record({
      day: fc.integer({ min: 1, max: 28 }),
      form: fc.constantFrom(...FORMS),
      minutes: fc.option(fc.integer({ min: 1, max: 240 }), { nil: undefined }),
      // Records of a branch nobody belongs to, of none, and of people from other branches all occur.
      branchId: fc.option(fc.constantFrom(...BRANCHES, 'b-gone'), { nil: undefined }),
      personId: fc.constantFrom(...ids, 'ou_gone'),
      attendees: fc.subarray([...ids, 'ou_gone']),
      voided: fc.boolean(),
    }),
    { maxLength: 40 },
  ).map((rs) =>
    rs.map(
      (r, i): StudyRecord => ({
        id: `S${i + 1}`,
        date: `2026-11-${String(r.day).padStart(2, '0')}`,
        form: r.form,
        ...(r.minutes ? { minutes: r.minutes } : {}),
        content: '学习',
        ...(r.branchId ? { branchId: r.branchId } : {}),
        personId: r.personId,
        attendees: r.attendees,
        entered: { by: r.personId, at: '2026-11-01T00:00:00.000Z' },
        ...(r.voided ? { voided: { by: r.personId, at: '2026-11-02T00:00:00.000Z' } } : {}),
      }),
    ),
  );

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
