import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toLocalDate } from '../../commands/shared/calendar.js';
import { parsePeriodWord } from '../../commands/shared/periods.js';
import { countsToward, describeRoleQuota, quotaAppliesTo, quotaStatus } from '../../commands/study/quotas.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { DEFAULT_QUOTAS, type Quota, type StudyRecord } from '../../storage/study.js';

const stamp = { by: 'ou_admin', at: '2026-11-23T01:00:00.000Z' };
const people = [
  { id: 'm', role: 'member' as const },
  { id: 's', role: 'secretary' as const },
  { id: 'l', role: 'leader' as const },
];
let n = 0;
function rec(date: string, form: StudyRecord['form'], personId: string, attendees: string[] = [], extra: Partial<StudyRecord> = {}): StudyRecord {
  return { id: `S${++n}`, date, form, content: 'x', personId, attendees, entered: { by: personId, at: stamp.at }, ...extra };
}
const at = (iso: string) => toLocalDate(new Date(iso));
const status = (records: StudyRecord[], asOf: string, quotas: readonly Quota[] = DEFAULT_QUOTAS) =>
  quotaStatus({ quotas, records, people, asOf }).map((s) => [s.personId, s.quota.form, s.quota.period, s.done, s.required, s.periodEnd, s.met]);

describe('quota roles', () => {
  it('binds secretaries and admins by member quotas and leaders only by leader quotas', () => {
    expect(quotaAppliesTo({ role: 'member' }, 'member')).toBe(true);
    expect(quotaAppliesTo({ role: 'member' }, 'secretary')).toBe(true);
    expect(quotaAppliesTo({ role: 'member' }, 'admin')).toBe(true);
    expect(quotaAppliesTo({ role: 'member' }, 'leader')).toBe(false);
    expect(quotaAppliesTo({ role: 'leader' }, 'leader')).toBe(true);
    expect(quotaAppliesTo({ role: 'leader' }, 'member')).toBe(false);
  });

  it('describes the seed plans as the defaults', () => {
    expect(DEFAULT_QUOTAS.map(describeRoleQuota)).toEqual(['党员 志愿服务 每月至少1次', '领导 志愿服务 每季度至少1次', '领导 专题党课 每年至少1次']);
  });
});

describe('quotaStatus', () => {
  it('counts a collective activity for the organiser and every attendee, and nothing voided', () => {
    const records = [
      rec('2026-11-05', '志愿服务', 'm', ['s', 'l']),
      rec('2026-11-06', '志愿服务', 's', [], { voided: { ...stamp, reason: '重复' } }),
    ];
    expect(status(records, '2026-11-23')).toEqual([
      ['m', '志愿服务', 'month', 1, 1, '2026-11-30', true],
      ['s', '志愿服务', 'month', 1, 1, '2026-11-30', true],
      ['l', '志愿服务', 'quarter', 1, 1, '2026-12-31', true],
      ['l', '专题党课', 'year', 0, 1, '2026-12-31', false],
    ]);
  });

  it('leaves leaders out of member quotas: a leader with no volunteering is never behind a monthly quota', () => {
    const lines = quotaStatus({ quotas: DEFAULT_QUOTAS, records: [], people, asOf: '2026-11-23' });
    expect(lines.filter((s) => s.personId === 'l').map((s) => s.quota.role)).toEqual(['leader', 'leader']);
    expect(lines.filter((s) => !s.met).map((s) => `${s.personId}:${s.quota.period}`)).toEqual(['m:month', 's:month', 'l:quarter', 'l:year']);
  });

  it('counts a 专题党课 only for the leader who gave it, not for those who attended', () => {
    const lecture = rec('2026-06-01', '专题党课', 'l', ['m']);
    expect(countsToward({ form: '专题党课' }, lecture, 'l')).toBe(true);
    expect(countsToward({ form: '专题党课' }, lecture, 'm')).toBe(false);
    const attendeeLeader = [{ id: 'l2', role: 'leader' as const }];
    const s = quotaStatus({ quotas: DEFAULT_QUOTAS, records: [rec('2026-06-01', '专题党课', 'l', ['l2'])], people: attendeeLeader, asOf: '2026-06-30' });
    expect(s.find((x) => x.quota.form === '专题党课')).toMatchObject({ done: 0, met: false });
  });

  it('sums hours for an hours quota; a record without a duration adds none', () => {
    const q: Quota = { id: 'Q1', role: 'member', form: '个人自学', min: 3, unit: 'hours', period: 'week' };
    const records = [rec('2026-11-23', '个人自学', 'm', [], { minutes: 90 }), rec('2026-11-24', '个人自学', 'm', [], { minutes: 60 }), rec('2026-11-25', '个人自学', 'm')];
    const [m] = quotaStatus({ quotas: [q], records, people: [people[0]!], asOf: '2026-11-25' });
    expect(m).toMatchObject({ done: 2.5, required: 3, unit: 'hours', met: false, periodEnd: '2026-11-29' });
    expect(m!.period.start).toBe('2026-11-23');
  });

  it('skips a removed quota', () => {
    const removed = { ...DEFAULT_QUOTAS[0]!, removed: stamp };
    expect(quotaStatus({ quotas: [removed], records: [], people, asOf: '2026-11-23' })).toEqual([]);
  });

  describe('period edges in China time, whatever the server zone', () => {
    const volunteeredOn31 = [rec('2026-03-31', '志愿服务', 'm', ['l'])];
    it('month end 23:59: the last-day activity counts for March', () => {
      const asOf = at('2026-03-31T23:59:00+08:00');
      expect(asOf).toBe('2026-03-31');
      expect(status(volunteeredOn31, asOf)[0]).toEqual(['m', '志愿服务', 'month', 1, 1, '2026-03-31', true]);
    });
    it('00:00 next day (still 16:00 UTC on the 31st): April starts empty', () => {
      const asOf = at('2026-04-01T00:00:00+08:00');
      expect(asOf).toBe('2026-04-01');
      expect(status(volunteeredOn31, asOf)[0]).toEqual(['m', '志愿服务', 'month', 0, 1, '2026-04-30', false]);
    });
    it('quarter end: Q1 counts the 31 March activity at 23:59, Q2 starts empty at 00:00', () => {
      expect(status(volunteeredOn31, at('2026-03-31T23:59:59+08:00'))[2]).toEqual(['l', '志愿服务', 'quarter', 1, 1, '2026-03-31', true]);
      expect(status(volunteeredOn31, at('2026-04-01T00:00:00+08:00'))[2]).toEqual(['l', '志愿服务', 'quarter', 0, 1, '2026-06-30', false]);
    });
    it('year end: a lecture on 31 December meets the year quota until 00:00 on 1 January', () => {
      const lecture = [rec('2026-12-31', '专题党课', 'l')];
      expect(status(lecture, at('2026-12-31T23:59:00+08:00'))[3]).toEqual(['l', '专题党课', 'year', 1, 1, '2026-12-31', true]);
      expect(status(lecture, at('2027-01-01T00:00:00+08:00'))[3]).toEqual(['l', '专题党课', 'year', 0, 1, '2027-12-31', false]);
    });
  });
});

describe('parsePeriodWord', () => {
  const today = '2026-11-23';
  it.each([
    ['本月', '2026-11-01', '2026-11-30', '2026年11月'],
    ['上月', '2026-10-01', '2026-10-31', '2026年10月'],
    ['本季度', '2026-10-01', '2026-12-31', '2026年第四季度'],
    ['上季度', '2026-07-01', '2026-09-30', '2026年第三季度'],
    ['本年', '2026-01-01', '2026-12-31', '2026年'],
    ['去年', '2025-01-01', '2025-12-31', '2025年'],
    ['11月', '2026-11-01', '2026-11-30', '2026年11月'],
    ['12月', '2025-12-01', '2025-12-31', '2025年12月'],
    ['十月', '2026-10-01', '2026-10-31', '2026年10月'],
    ['2026年2月', '2026-02-01', '2026-02-28', '2026年2月'],
    ['2026-03', '2026-03-01', '2026-03-31', '2026年3月'],
    ['第一季度', '2026-01-01', '2026-03-31', '2026年第一季度'],
    ['2025年第四季度', '2025-10-01', '2025-12-31', '2025年第四季度'],
    ['2025年', '2025-01-01', '2025-12-31', '2025年'],
  ])('%s', (word, start, end, label) => {
    expect(parsePeriodWord(word, today)).toMatchObject({ start, end, label });
  });
  it.each([['13月'], ['第五季度'], ['第一支部'], ['']])('%s is not a period', (word) => {
    expect(parsePeriodWord(word, today)).toBeUndefined();
  });
});

describe('quota verbs in the store', () => {
  it('serves the defaults unconfigured, lets an admin override and remove them, and logs every change across a reopen', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'duban-quota-')), 'duban.json');
    const s = await openLowdbStore(file);
    const shown = async () => (await s.read((tx) => tx.listQuotas())).map(describeRoleQuota);
    expect(await shown()).toEqual(['党员 志愿服务 每月至少1次', '领导 志愿服务 每季度至少1次', '领导 专题党课 每年至少1次']);

    await s.transact((tx) => tx.setQuota({ role: 'member', form: '志愿服务', period: 'month', min: 2, unit: 'count' }, stamp));
    await s.transact((tx) => tx.removeQuota({ role: 'leader', form: '志愿服务', period: 'quarter' }, stamp));
    await s.transact((tx) => tx.setQuota({ role: 'member', form: '个人自学', period: 'quarter', min: 10, unit: 'hours' }, stamp));
    expect(await s.transact((tx) => tx.removeQuota({ role: 'admin', form: '读书班', period: 'year' }, stamp))).toBeUndefined();
    expect(await shown()).toEqual(['领导 专题党课 每年至少1次', '党员 志愿服务 每月至少2次', '党员 个人自学 每季度至少10小时']);
    await s.close();

    const again = await openLowdbStore(file);
    expect((await again.read((tx) => tx.listQuotas())).map(describeRoleQuota)).toEqual(['领导 专题党课 每年至少1次', '党员 志愿服务 每月至少2次', '党员 个人自学 每季度至少10小时']);
    // Set again after a removal: a new quota; the removed one stays, marked.
    await again.transact((tx) => tx.setQuota({ role: 'leader', form: '志愿服务', period: 'quarter', min: 2, unit: 'count' }, stamp));
    expect((await again.read((tx) => tx.listQuotas())).map(describeRoleQuota)).toContain('领导 志愿服务 每季度至少2次');
    const log = await again.read((tx) => tx.listQuotaChanges());
    expect(log.map((c) => [c.id, c.action, c.role, c.form, c.from?.min, c.to?.min])).toEqual([
      ['QC1', 'set', 'member', '志愿服务', 1, 2],
      ['QC2', 'remove', 'leader', '志愿服务', 1, undefined],
      ['QC3', 'set', 'member', '个人自学', undefined, 10],
      ['QC4', 'set', 'leader', '志愿服务', undefined, 2],
    ]);
    expect(log.every((c) => c.by === 'ou_admin' && c.at === stamp.at)).toBe(true);
    await again.close();
  });

  it('numbers records S1, S2 … and never deletes a voided one', async () => {
    const s = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-study-')), 'duban.json'));
    const base = { form: '个人自学' as const, content: '党章', personId: 'a', attendees: ['b'], entered: stamp, minutes: 60 };
    const r1 = await s.transact((tx) => tx.addStudyRecord({ ...base, date: '2026-11-20' }));
    const r2 = await s.transact((tx) => tx.addStudyRecord({ ...base, date: '2026-11-19', branchId: 'B1' }));
    expect([r1.id, r2.id]).toEqual(['S1', 'S2']);
    await s.transact((tx) => tx.voidStudyRecord('S1', { ...stamp, reason: '重复' }));
    expect((await s.read((tx) => tx.listStudyRecords({ personId: 'b' }))).map((r) => r.id)).toEqual(['S2']);
    expect((await s.read((tx) => tx.listStudyRecords({ personId: 'b', includeVoided: true }))).map((r) => r.id)).toEqual(['S2', 'S1']);
    expect(await s.read((tx) => tx.getStudyRecord('S1'))).toMatchObject({ voided: { reason: '重复', by: 'ou_admin' } });
    expect((await s.read((tx) => tx.listStudyRecords({ branchId: 'B1', from: '2026-11-19', to: '2026-11-19' }))).map((r) => r.id)).toEqual(['S2']);
    expect(await s.read((tx) => tx.listStudyRecords({ from: '2026-11-21' }))).toEqual([]);
    await s.close();
  });
});
