import fc from 'fast-check';
import { ROLES } from '../../storage/records.js';
import { FORMS, PERIODS, type Quota, type StudyRecord } from '../../storage/study.js';

// Random people and study records for the figures' property tests: ids `ou_0` …, records dated in 2026-11.

/** The branches people belong to and records name (records may also name `b-gone` or none). */
export const BRANCHES = ['b1', 'b2', 'b3', 'b4'];
/** One to twelve people, each in one of BRANCHES or in none. */
export const people = fc.array(fc.option(fc.constantFrom(...BRANCHES), { nil: undefined }), { minLength: 1, maxLength: 12 }).map((bs) => bs.map((branchId, i) => ({ id: `ou_${i}`, ...(branchId ? { branchId } : {}) })));

/** Up to 40 records over these people's ids and one unknown id (`ou_gone`), some voided, ids S1 … in order. */
export const records = (ids: string[]) =>
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

/** One to six quotas Q0 … of any role, form, period and unit, some removed. */
export const quotas = fc
  .array(fc.record({ role: fc.constantFrom(...ROLES), form: fc.constantFrom(...FORMS), period: fc.constantFrom(...PERIODS), min: fc.integer({ min: 1, max: 2 }), unit: fc.constantFrom('count' as const, 'hours' as const), removed: fc.boolean() }), { minLength: 1, maxLength: 6 })
  .map((qs) => qs.map((q, i): Quota => ({ id: `Q${i}`, role: q.role, form: q.form, period: q.period, min: q.min, unit: q.unit, ...(q.removed ? { removed: { by: 'ou_admin', at: '2026-11-01T00:00:00.000Z' } } : {}) })));

/** People with roles (as `people`), their records and quotas, for the quota figures. */
export const quotaBureau = people.chain((ps) =>
  fc.tuple(
    fc.array(fc.constantFrom(...ROLES), { minLength: ps.length, maxLength: ps.length }).map((roles) => ps.map((p, i) => ({ ...p, role: roles[i]! }))),
    records(ps.map((p) => p.id)),
    quotas,
  ),
);
