import { describe, expect, it } from 'vitest';
import { readLeave, resolveAttendance } from '../../commands/org/meetings/attendance.js';
import { orgLifeSlots } from '../../commands/org/meetings/org-life-status.js';
import { DEFAULT_MEETING_RULES, rulesFor, type MeetingRule, type StudyRecord } from '../../storage/study.js';

const name = (id: string) => id;
const base = { roster: ['a', 'b', 'c', 'd', 'e'], leave: [], absent: [], host: 'a', away: new Map<string, string | undefined>() };

describe('attendance', () => {
  it('全体 is the roster minus 请假 and 缺席; the leave register adds 请假 unless the person is listed present', () => {
    const all = resolveAttendance({ ...base, present: 'all', leave: [{ personId: 'b', reason: '出差' }], absent: ['c'], away: new Map([['d', '病假']]) }, name);
    expect(all).toEqual({ expected: ['a', 'b', 'c', 'd', 'e'], present: ['a', 'e'], leave: [{ personId: 'b', reason: '出差' }, { personId: 'd', reason: '病假', auto: true }], absent: ['c'] });
    const listed = resolveAttendance({ ...base, present: ['b', 'd'], away: new Map([['d', '病假'], ['e', undefined]]) }, name);
    expect(listed).toEqual({ expected: ['a', 'b', 'c', 'd', 'e'], present: ['a', 'b', 'd'], leave: [{ personId: 'e', auto: true }], absent: ['c'] });
  });

  it('a host from outside the roster is not counted in 实到; someone named twice or a host marked absent is refused', () => {
    expect(resolveAttendance({ ...base, host: 'x', present: 'all' }, name).present).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(() => resolveAttendance({ ...base, present: ['b'], absent: ['b'] }, name)).toThrow('b 在 实到、请假、缺席 中出现了两次');
    expect(() => resolveAttendance({ ...base, present: 'all', absent: ['a'] }, name)).toThrow('主持人 a 不能同时是请假或缺席');
  });

  it('reads reasons in either kind of bracket, or after a space', () => {
    const m = [{ openId: '1', name: '李四' }, { openId: '2', name: '赵六' }, { openId: '3', name: '王五' }];
    expect(readLeave('@李四(出差) @赵六（病假） @王五', m).map((l) => [l.mention.name, l.reason])).toEqual([['李四', '出差'], ['赵六', '病假'], ['王五', undefined]]);
    expect(readLeave('@李四 外出培训', m).map((l) => l.reason)).toEqual(['外出培训']);
  });
});

describe('meeting rules', () => {
  const stamp = { by: 'admin', at: '2026-11-01T00:00:00Z' };
  it('a branch rule overrides the rule for every branch, which overrides the default; min 0 drops the kind', () => {
    const stored: MeetingRule[] = [
      { id: 'MR1', scope: 'branches', kind: '支委会', period: 'quarter', min: 1, set: stamp },
      { id: 'MR2', scope: 'B2', kind: '支委会', period: 'month', min: 2, set: stamp },
      { id: 'MR3', scope: 'B2', kind: '主题党日', period: 'month', min: 0, set: stamp },
    ];
    const kinds = (scope: string) => rulesFor(stored, scope).map((r) => `${r.kind}:${r.period}:${r.min}`);
    expect(kinds('B1')).toContain('支委会:quarter:1');
    expect(kinds('B2')).toContain('支委会:month:2');
    expect(kinds('B2').some((k) => k.startsWith('主题党日'))).toBe(false);
    expect(kinds('B1')).toContain('主题党日:month:1');
    expect(kinds('leadership')).toEqual(['民主生活会:year:1']);
    expect(rulesFor([], 'B1')).toEqual(DEFAULT_MEETING_RULES.filter((r) => r.scope === 'branches'));
  });

  it('a slot is 缺 only once its period has ended, and a voided meeting does not count', () => {
    const rule = DEFAULT_MEETING_RULES.find((r) => r.kind === '支委会')!;
    const rec = (id: string, date: string, voided = false): StudyRecord => ({
      id, date, form: '支委会', content: '会', branchId: 'B1', personId: 'a', attendees: [], entered: { by: 'a', at: `${date}T01:00:00Z` }, ...(voided ? { voided: { by: 'a', at: `${date}T02:00:00Z` } } : {}),
    });
    const slots = orgLifeSlots({ rules: [rule], records: [rec('S1', '2026-10-09'), rec('S2', '2026-11-09', true), rec('S3', '2026-10-20')], scope: 'B1', span: { start: '2026-10-01', end: '2026-12-31' }, today: '2026-12-10' });
    expect(slots.map((s) => [s.period.label, s.state, s.held.map((r) => r.id)])).toEqual([
      ['2026年10月', 'held', ['S1', 'S3']],
      ['2026年11月', 'missing', []],
      ['2026年12月', 'open', []],
    ]);
    expect(orgLifeSlots({ rules: [rule], records: [rec('S1', '2026-10-09')], scope: 'B2', span: { start: '2026-10-01', end: '2026-10-31' }, today: '2026-12-10' })[0]!.state).toBe('missing');
  });
});
