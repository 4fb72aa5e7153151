import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateAsOf } from '../../commands/figures/ledger-figures.js';
import { inScopeActivity, inScopePerson, type FigureScope } from '../../commands/figures/scope.js';
import { countsIn, studyFigures, type Span, type StudyFigures } from '../../commands/figures/study-figures.js';
import { addDays, periodRange, startOfDay, type LocalDate } from '../../commands/shared/calendar.js';
import { countsToward, quotaAppliesTo, quotaStatus } from '../../commands/study/quotas.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { HistoryEntry } from '../../storage/ledger.js';
import { ROLES } from '../../storage/records.js';
import { FORMS, participantsOf, PERIODS, type Quota, type StudyRecord } from '../../storage/study.js';
import { BRANCHES, people, quotaBureau, records } from './arbitraries.js';

// The figures' hot loops were rewritten for a province (one pass, no array per record, each time parsed once). Each
// is held here to the definition as it read before: the plain filter-and-count it replaced.

function studyReference(rs: readonly StudyRecord[], ps: readonly { id: string; branchId?: string }[], scope: FigureScope, span: Span): StudyFigures {
  const roster = ps.filter((p) => inScopePerson(p, scope));
  const ids = new Set(roster.map((p) => p.id));
  const inRoster = scope.personId === undefined && scope.branchId === undefined ? () => true : (id: string) => ids.has(id);
  const took = new Set<string>();
  let participations = 0;
  for (const r of rs) if (countsIn(r, span)) for (const id of participantsOf(r)) if (inRoster(id)) (participations++, took.add(id));
  const byForm: StudyFigures['byForm'] = {};
  let minutes = 0;
  const held = rs.filter((r) => countsIn(r, span) && inScopeActivity(r, scope));
  // 学时 by form from the form's whole minutes, as the total is (since the figures read a province's day lists).
  const formMinutes = new Map<string, number>();
  for (const r of held) {
    minutes += r.minutes ?? 0;
    const f = (byForm[r.form] ??= { sessions: 0, hours: 0 });
    f.sessions++;
    formMinutes.set(r.form, (formMinutes.get(r.form) ?? 0) + (r.minutes ?? 0));
  }
  for (const [form, f] of Object.entries(byForm)) f!.hours = Math.round((formMinutes.get(form)! / 60) * 10) / 10;
  return { sessions: held.length, hours: Math.round((minutes / 60) * 10) / 10, participations, participants: roster.filter((p) => took.has(p.id)).length, roster: roster.length, byForm };
}

function quotaReference(quotas: readonly Quota[], rs: readonly StudyRecord[], ps: readonly { id: string; role: (typeof ROLES)[number] }[], asOf: LocalDate) {
  const out = [];
  for (const person of ps) {
    for (const quota of quotas) {
      if (quota.removed || !quotaAppliesTo(quota, person.role)) continue;
      const period = periodRange(asOf, quota.period);
      const counted = rs.filter((r) => countsToward(quota, r, person.id) && r.date >= period.start && r.date <= period.end);
      const done = quota.unit === 'count' ? counted.length : counted.reduce((sum, r) => sum + (r.minutes ?? 0), 0) / 60;
      out.push({ personId: person.id, quota, period, done, required: quota.min, unit: quota.unit, periodEnd: period.end, met: done >= quota.min });
    }
  }
  return out;
}

function stateReference(r: { deadline: string; history: readonly HistoryEntry[] }, asOf: LocalDate) {
  const cutoff = startOfDay(addDays(asOf, 1)).getTime();
  const valueAsOf = (field: string, initial: string) => {
    let value = initial;
    for (const e of r.history) if (e.field === field && e.from !== undefined && Date.parse(e.at) < cutoff && e.to !== undefined) value = e.to;
    return value;
  };
  const opening = r.history.find((e) => e.field === 'deadline' && e.from === undefined && e.to !== undefined);
  const original = opening?.to ?? r.history.find((e) => e.field === 'deadline' && e.from !== undefined)?.from ?? r.deadline;
  return { status: valueAsOf('status', '整改中'), deadline: valueAsOf('deadline', original) };
}

const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-11-${String(d).padStart(2, '0')}`);
const scopes = (ids: string[]) => fc.oneof(fc.constant<FigureScope>({}), fc.constantFrom(...BRANCHES, 'b-gone').map((branchId): FigureScope => ({ branchId })), fc.constantFrom(...ids, 'ou_gone').map((personId): FigureScope => ({ personId })));

describe('the figures’ fast paths agree with the plain definitions', () => {
  it('studyFigures: every scope and span', () => {
    let nonEmpty = 0;
    fc.assert(
      fc.property(
        people.chain((ps) => fc.tuple(fc.constant(ps), records(ps.map((p) => p.id)), scopes(ps.map((p) => p.id)), day, day)),
        ([ps, rs, scope, a, b]) => {
          const span = { start: a < b ? a : b, end: a < b ? b : a };
          const got = studyFigures(rs, ps, scope, span);
          expect(got).toEqual(studyReference(rs, ps, scope, span));
          if (got.sessions > 0 && got.participations > 0) nonEmpty++;
        },
      ),
      { numRuns: 500 },
    );
    expect(nonEmpty).toBeGreaterThan(100);
  });

  it('quotaStatus: counts, hours, the lecturer rule, removed quotas and every period kind', () => {
    let unmet = 0;
    let met = 0;
    fc.assert(
      fc.property(
        quotaBureau,
        day,
        ([judged, rs, quotas], asOf) => {
          const got = quotaStatus({ quotas, records: rs, people: judged, asOf });
          expect(got).toEqual(quotaReference(quotas, rs, judged, asOf));
          for (const s of got) s.met ? met++ : unmet++;
        },
      ),
      { numRuns: 500 },
    );
    // Both outcomes occur often enough for the comparison to mean something.
    expect(met).toBeGreaterThan(20);
    expect(unmet).toBeGreaterThan(100);
  });

  it('stateAsOf: status and deadline replayed from any history, around the cutoff', () => {
    const entry = fc.record({
      // Times either side of midnight Shanghai at the end of 2026-11-10, written with and without an offset.
      minute: fc.integer({ min: -600, max: 600 }),
      offset: fc.boolean(),
      field: fc.option(fc.constantFrom('status', 'deadline', 'owner'), { nil: undefined }),
      from: fc.option(fc.constantFrom('整改中', '待审核', '2026-11-12', '2026-11-20'), { nil: undefined }),
      to: fc.option(fc.constantFrom('已整改销号', '申请延期', '2026-11-15', '2026-12-01'), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.constantFrom('2026-11-09', '2026-11-10', '2026-11-11'), (es, asOf) => {
        const midnight = Date.parse('2026-11-10T16:00:00.000Z');
        const history = es.map((e): HistoryEntry => {
          const t = new Date(midnight + e.minute * 60_000);
          const at = e.offset ? new Date(t.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00') : t.toISOString();
          return { at, by: 'ou_a', action: 'edit', ...(e.field ? { field: e.field } : {}), ...(e.from ? { from: e.from } : {}), ...(e.to ? { to: e.to } : {}) };
        });
        const r = { deadline: '2026-11-30', history };
        expect(stateAsOf(r, asOf)).toEqual(stateReference(r, asOf));
      }),
      { numRuns: 1000 },
    );
  });

  it('listStudyRecords on lowdb: by date, then by the id’s number, whatever order they were entered in', async () => {
    // A temp absolute path: each run needs a store of its own, and none of them is the product's data file.
    const dir = mkdtempSync(join(tmpdir(), 'duban-order-'));
    let runs = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.record({ day: fc.integer({ min: 0, max: 400 }), branch: fc.constantFrom('B1', 'B2') }), { minLength: 1, maxLength: 60 }), async (rs) => {
          const store = await openLowdbStore(join(dir, `run-${runs++}.json`));
          try {
            await store.transact(async (tx) => {
              for (const r of rs) await tx.addStudyRecord({ date: addDays('2026-01-01', r.day), form: FORMS[0], content: '学习', branchId: r.branch, personId: 'ou_a', attendees: [], entered: { by: 'ou_a', at: '2026-01-01T00:00:00.000Z' } });
            });
            const all = await store.read((tx) => tx.listStudyRecords());
            const expected = [...all].sort((a, b) => a.date.localeCompare(b.date) || Number(a.id.slice(1)) - Number(b.id.slice(1)));
            expect(all.map((r) => r.id)).toEqual(expected.map((r) => r.id));
            expect(all).toHaveLength(rs.length);
            const b1 = await store.read((tx) => tx.listStudyRecords({ branchId: 'B1', from: '2026-03-01', to: '2026-12-31' }));
            expect(b1.map((r) => r.id)).toEqual(expected.filter((r) => r.branchId === 'B1' && r.date >= '2026-03-01' && r.date <= '2026-12-31').map((r) => r.id));
          } finally {
            await store.close();
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
