import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK } from '../../commands/figures/chunks.js';
import { ledgerFigures } from '../../commands/figures/ledger-figures.js';
import { openItems, type OpenItem } from '../../commands/figures/open-items.js';
import type { HistoryEntry, Measure, Problem } from '../../storage/ledger.js';

// A bureau's ledger figures and its 全局 open items are kept by runs of the ledger and counted again only where an
// item changed (chunks.ts). Held here, over a ledger of several runs and a sequence of writes as a store makes them
// (an item replaced, one appended) and as a test's fixture may (a history changed in place), to the same figures
// counted afresh: a person's path (countsProblem, never kept) counting everyone, and each branch's open items.

const BRANCHES = ['B1', 'B2', 'B3'];
const PROBLEMS = CHUNK + 700;
const stamp = { by: 'ou_admin', at: '2026-10-01T00:00:00.000Z' };
const AS_OF = '2026-11-20';
const PERIOD = { start: '2026-11-01', end: '2026-11-30' };

function problem(n: number, history: HistoryEntry[] = []): Problem {
  return {
    id: `P${n}`,
    number: n,
    branchId: BRANCHES[n % 3]!,
    description: `问题${n}`,
    responsibleUnit: '办公室',
    leadPerson: `ou_${n % 7}`,
    deadline: n % 4 === 0 ? '2026-11-10' : '2026-12-10',
    status: '整改中',
    created: { by: 'ou_admin', at: n % 11 === 0 ? '2026-11-05T00:00:00.000Z' : stamp.at },
    history: [{ at: stamp.at, by: 'ou_admin', action: 'open', field: 'deadline', to: n % 4 === 0 ? '2026-11-10' : '2026-12-10' }, ...history],
  };
}

function measure(n: number, seq: number, history: HistoryEntry[] = []): Measure {
  return { id: `P${n}-${seq}`, problemId: `P${n}`, seq, content: `措施${n}-${seq}`, owner: `ou_${(n + seq) % 5}`, deadline: '2026-11-15', status: '整改中', created: stamp, history: [{ at: stamp.at, by: 'ou_admin', action: 'open', field: 'deadline', to: '2026-11-15' }, ...history] };
}

const closeOut = (day: number): HistoryEntry => ({ at: `2026-11-${String(day).padStart(2, '0')}T02:00:00.000Z`, by: 'ou_b', action: 'close-approve', field: 'status', from: '待审核', to: '已整改销号' });
const measureDone = (day: number): HistoryEntry => ({ at: `2026-11-${String(day).padStart(2, '0')}T02:00:00.000Z`, by: 'ou_b', action: 'measure-done', field: 'status', from: '整改中', to: '已完成' });

const write = fc.oneof(
  fc.record({ kind: fc.constant('close' as const), at: fc.nat(), day: fc.integer({ min: 1, max: 28 }) }),
  fc.record({ kind: fc.constant('extend' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('measure-done' as const), at: fc.nat(), day: fc.integer({ min: 1, max: 28 }) }),
  fc.record({ kind: fc.constant('append' as const) }),
  fc.record({ kind: fc.constant('in-place' as const), at: fc.nat(), day: fc.integer({ min: 1, max: 28 }) }),
);

const byId = (a: OpenItem, b: OpenItem) => (a.kind + a.id < b.kind + b.id ? -1 : 1);

describe('the ledger kept by runs', () => {
  it('gives the figures and open items counted afresh, after every write', () => {
    let changed = 0;
    fc.assert(
      fc.property(fc.array(write, { minLength: 1, maxLength: 6 }), (writes) => {
        const problems = Array.from({ length: PROBLEMS }, (_, i) => problem(i + 1, i % 9 === 0 ? [closeOut(3)] : []));
        const measures = problems.flatMap((p) => [measure(p.number, 1), measure(p.number, 2, p.number % 5 === 0 ? [measureDone(8)] : [])]);
        const check = () => {
          const kept = ledgerFigures({ problems, measures }, { asOf: AS_OF, period: PERIOD, whole: true });
          expect(kept).toEqual(ledgerFigures({ problems, measures }, { asOf: AS_OF, period: PERIOD, countsProblem: () => true }));
          const all = openItems({ problems, measures, tasks: [], people: [] }, {}, AS_OF);
          const branches = BRANCHES.flatMap((branchId) => openItems({ problems, measures, tasks: [], people: [] }, { branchId }, AS_OF));
          expect([...all].sort(byId)).toEqual(branches.sort(byId));
          return kept.total;
        };
        check();
        for (const w of writes) {
          const before = JSON.stringify(check());
          const k = w.kind === 'append' ? 0 : w.at % problems.length;
          if (w.kind === 'close') problems[k] = { ...problems[k]!, history: [...problems[k]!.history, closeOut(w.day)] };
          else if (w.kind === 'extend') problems[k] = { ...problems[k]!, history: [...problems[k]!.history, { at: '2026-11-02T00:00:00.000Z', by: 'ou_b', action: 'extend-approve', field: 'deadline', from: problems[k]!.deadline, to: '2027-01-31' }] };
          else if (w.kind === 'measure-done') {
            const m = w.at % measures.length;
            measures[m] = { ...measures[m]!, history: [...measures[m]!.history, measureDone(w.day)] };
          } else if (w.kind === 'append') {
            const n = problems.length + 1;
            problems.push(problem(n));
            measures.push(measure(n, 1));
          } else (problems[k]!.history as HistoryEntry[]).push(closeOut(w.day));
          if (JSON.stringify(check()) !== before) changed++;
        }
      }),
      { numRuns: 12 },
    );
    // Writes changed the figures often enough for the comparison to mean something.
    expect(changed).toBeGreaterThan(10);
  }, 120_000);
});
