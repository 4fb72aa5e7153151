import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bureauFigures, computeFigures, readFigureData, recordSpan } from '../../commands/figures/bureau-figures.js';
import { ledgerFigures } from '../../commands/figures/ledger-figures.js';
import { addDays, periodRange } from '../../commands/shared/calendar.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Problem } from '../../storage/ledger.js';
import { FORMS } from '../../storage/study.js';

// 全局 figures read the store's day lists and keep each day's encoding while the store hands out the same list. Held
// here against the same figures computed from a fresh array of the same records, view after view, as records are
// added and voided and people change branch: a stale day anywhere would show as a difference.

const stamp = { by: 'ou_admin', at: '2026-11-01T00:00:00.000Z' };
const PEOPLE = ['ou_0', 'ou_1', 'ou_2', 'ou_3', 'ou_4', 'ou_5'];

const op = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    day: fc.integer({ min: 0, max: 45 }),
    form: fc.constantFrom(...FORMS.slice(0, 4), '志愿服务', '个人自学'),
    minutes: fc.integer({ min: 1, max: 240 }),
    personId: fc.constantFrom(...PEOPLE),
    attendees: fc.subarray(PEOPLE, { maxLength: 4 }),
    branch: fc.integer({ min: 0, max: 2 }),
  }),
  fc.record({ kind: fc.constant('void' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('move' as const), person: fc.constantFrom(...PEOPLE), branch: fc.integer({ min: 0, max: 2 }) }),
);

describe('全局 figures from the store’s day lists', () => {
  it('equal the figures from a fresh array of the same records, after every write', async () => {
    // A temp absolute path: each run needs a store of its own, and none of them is the product's data file.
    const dir = mkdtempSync(join(tmpdir(), 'duban-days-'));
    let runs = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.integer({ min: 0, max: 45 }), async (ops, asOfDay) => {
          const store = await openLowdbStore(join(dir, `run-${runs++}.json`));
          try {
            const branches = await store.transact(async (tx) => Promise.all(['第一支部', '第二支部', '第三支部'].map((n) => tx.createBranch(n, stamp))));
            await store.transact(async (tx) => {
              for (const [i, id] of PEOPLE.entries()) await tx.savePerson({ id, name: `人${i}`, nameSource: 'contact', ...(i < 5 ? { branchId: branches[i % 3]!.id } : {}) }, stamp);
              // Quotas that read the lecturer rule, hours and a week, besides the defaults.
              await tx.setQuota({ role: 'member', form: '专题党课', period: 'month', min: 1, unit: 'count' }, stamp);
              await tx.setQuota({ role: 'member', form: '支部集体学习', period: 'week', min: 2, unit: 'hours' }, stamp);
            });
            const asOf = addDays('2026-11-01', asOfDay);
            const opts = { period: periodRange(asOf, 'month'), asOf };
            for (const o of ops) {
              await store.transact(async (tx) => {
                if (o.kind === 'add') {
                  await tx.addStudyRecord({ date: addDays('2026-11-01', o.day), form: o.form, minutes: o.minutes, content: '学习', branchId: branches[o.branch]!.id, personId: o.personId, attendees: o.attendees, entered: stamp });
                } else if (o.kind === 'void') {
                  const all = await tx.listStudyRecords();
                  if (all.length > 0) await tx.voidStudyRecord(all[o.at % all.length]!.id, stamp);
                } else await tx.savePerson({ id: o.person, branchId: branches[o.branch]!.id }, stamp);
              });
              const [fromDays, fromArray] = await store.view(async (tx) => {
                const data = await readFigureData(tx, opts);
                const span = recordSpan(opts);
                return [await bureauFigures(tx, opts), computeFigures({ ...data, records: await tx.listStudyRecords({ from: span.from, to: span.to }) }, opts)];
              });
              expect('days' in (await store.view((tx) => readFigureData(tx, opts))).records).toBe(true);
              expect(fromDays).toEqual(fromArray);
            }
          } finally {
            await store.close();
          }
        }),
        { numRuns: 25 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a ledger item changed in place (a test’s fixture) is read afresh, not from its kept timeline', () => {
    const p: Problem = {
      id: 'P1',
      number: 1,
      branchId: 'B1',
      description: '问题',
      responsibleUnit: '办公室',
      leadPerson: 'ou_a',
      deadline: '2026-11-10',
      status: '整改中',
      created: stamp,
      history: [{ at: stamp.at, by: stamp.by, action: 'open', field: 'deadline', to: '2026-11-10' }],
    };
    const on = (asOf: string) => ledgerFigures({ problems: [p], measures: [] }, { asOf }).total;
    expect(on('2026-11-20')).toMatchObject({ overdue: 1, rectified: 0 });
    p.history = [...p.history, { at: '2026-11-15T00:00:00.000Z', by: 'ou_b', action: 'close-approve', field: 'status', from: '待审核', to: '已整改销号' }];
    expect(on('2026-11-20')).toMatchObject({ overdue: 0, rectified: 1 });
    (p.history as unknown[]).push({ at: '2026-11-16T00:00:00.000Z', by: 'ou_b', action: 'edit', field: 'status', from: '已整改销号', to: '整改中' });
    expect(on('2026-11-20')).toMatchObject({ overdue: 1, rectified: 0 });
  });
});
