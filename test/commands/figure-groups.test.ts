import { describe, expect, it } from 'vitest';
import { computeFigures, type FigureData } from '../../commands/figures/bureau-figures.js';
import { matchBranch, shortBranchName } from '../../commands/figures/branch-names.js';
import { DEFAULT_QUOTAS } from '../../storage/study.js';

const stamp = { by: 'ou_admin', at: '2026-01-01T00:00:00.000Z' };
const person = (id: string, role: 'member' | 'secretary' | 'leader' | 'admin', branchId?: string) => ({ id, name: id, nameSource: 'contact' as const, role, created: stamp, ...(branchId ? { branchId } : {}) });
const record = (id: string, personId: string, attendees: string[], branchId?: string) => ({ id, date: '2026-11-10', form: '支部集体学习' as const, minutes: 120, content: '学习', personId, attendees, entered: stamp, ...(branchId ? { branchId } : {}) });
const data: FigureData = {
  problems: [],
  measures: [],
  tasks: [],
  records: [record('S1', 'ou_sec', ['ou_m1', 'ou_m2', 'ou_other'], 'B1'), record('S2', 'ou_m1', [], 'B1')],
  people: [person('ou_admin', 'admin'), person('ou_leader', 'leader'), person('ou_sec', 'secretary', 'B1'), person('ou_m1', 'member', 'B1'), person('ou_m2', 'member', 'B1'), person('ou_other', 'member', 'B2')],
  branches: [
    { id: 'B1', name: '办公室党支部', created: stamp },
    { id: 'B2', name: '数据资源科党支部', created: stamp },
  ],
  quotas: [...DEFAULT_QUOTAS],
};
const november = { start: '2026-11-01', end: '2026-11-30', label: '2026年11月' };

describe('figures that used to disagree', () => {
  it('lists an admin without a branch under 未归属支部, a leader under 领导班子', () => {
    const f = computeFigures(data, { period: november, asOf: '2026-11-30' });
    const group = (id: string) => f.gaps.find((g) => g.personId === id)?.group;
    expect(group('ou_admin')).toBe('未归属支部');
    expect(f.gaps.find((g) => g.personId === 'ou_other')?.group).toBe('数据资源科党支部');
    // The bureau's turnout counts the same people its gap list judges: everyone.
    expect(f.study.period.roster).toBe(data.people.length);
  });

  it('counts a member’s own activities once each, not everyone at her sessions', () => {
    const f = computeFigures(data, { period: november, asOf: '2026-11-30', personId: 'ou_m1' });
    expect(f.study.period).toMatchObject({ sessions: 2, participations: 2, participants: 1, roster: 1, hours: 4 });
  });

  it('counts a branch’s own activities, and the participations of its people wherever they took part', () => {
    const b1 = computeFigures(data, { period: november, asOf: '2026-11-30', branchId: 'B1' });
    const b2 = computeFigures(data, { period: november, asOf: '2026-11-30', branchId: 'B2' });
    expect(b1.study.period).toMatchObject({ sessions: 2, participations: 4, participants: 3, roster: 3 });
    expect(b2.study.period).toMatchObject({ sessions: 0, participations: 1, participants: 1, roster: 1 });
  });
});

describe('short branch names', () => {
  it('drop 党支部 for charts, and find a branch by them', () => {
    expect(shortBranchName('数据资源科党支部')).toBe('数据资源科');
    expect(shortBranchName('第一支部')).toBe('第一支部');
    expect(matchBranch(data.branches, '数据资源科')?.id).toBe('B2');
    expect(matchBranch(data.branches, '办公室支部')?.id).toBe('B1');
    expect(matchBranch(data.branches, '数据')?.id).toBe('B2');
    expect(matchBranch(data.branches, '党支部')).toBeUndefined();
  });
});
