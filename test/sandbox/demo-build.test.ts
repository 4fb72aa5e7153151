import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bureauFigures } from '../../commands/figures/bureau-figures.js';
import { missingMeetings } from '../../commands/org/meetings/org-life-gaps.js';
import { addDays, periodRange, toLocalDate, workingDaysUntil } from '../../commands/shared/calendar.js';
import { headline } from '../../commands/reports/summary-card.js';
import { buildDemo } from '../../src/sandbox/demo-build.js';
import { nextSendingTime } from '../../src/sandbox/sending-time.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';
import { MEETING_KINDS, participantsOf } from '../../storage/study.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function built(now: Date, seed?: number) {
  const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-demo-')), 'demo.json'));
  stores.push(store);
  const summary = await buildDemo(store, now, seed);
  return { store, summary };
}

/** Everything the demo wrote, as plain data, for comparing two builds. */
const snapshot = (store: Store) =>
  store.read(async (tx) => JSON.stringify([await tx.listPeople(), await tx.listChats(), await tx.listProblems(), await tx.listMeasures(), await tx.listTasks(), await tx.listStudyRecords()]));

const NOW = new Date('2026-11-24T10:00:00+08:00');

describe('the demo bureau', () => {
  it('has the seeds’ figures: /进度 reads 71 problems, 69 closed (97.2%), 128 measures, 2 overdue', async () => {
    const { store, summary } = await built(NOW);
    expect(summary).toMatchObject({ branches: 5, people: 40, problems: 71, measures: 128 });
    const today = toLocalDate(NOW);
    const f = await store.read((tx) => bureauFigures(tx, { period: periodRange(today, 'month'), asOf: today }));
    expect(headline(f)).toBe('检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项，逾期问题 2 个');
    // Issue 15: 专项整治 is a mark counted across sources (the demo's older source 专项整治 reads as the mark).
    expect(f.ledger.total.special).toBe(2);
    expect(f.branches.map((b) => b.name)).toEqual(['办公室党支部', '政务服务科党支部', '数据资源科党支部', '行政审批科党支部', '信息中心党支部']);
  });

  it('has 40 people with roles, five bound branch chats and a leadership chat', async () => {
    const { store } = await built(NOW);
    const { people, chats } = await store.read(async (tx) => ({ people: await tx.listPeople(), chats: await tx.listChats() }));
    const count = (role: string) => people.filter((p) => p.role === role).length;
    expect([count('admin'), count('leader'), count('secretary'), count('member')]).toEqual([1, 4, 5, 30]);
    expect(people.every((p) => p.nameSource === 'contact')).toBe(true);
    expect(people.filter((p) => p.role === 'secretary' || p.role === 'member').every((p) => p.branchId)).toBe(true);
    expect(chats.filter((c) => c.kind === 'branch')).toHaveLength(5);
    expect(chats.filter((c) => c.kind === 'leadership')).toHaveLength(1);
  });

  it('gives closed problems a realistic history: spread over the year, evidence, and a reviewer other than the lead', async () => {
    const { store } = await built(NOW);
    const problems = await store.read((tx) => tx.listProblems());
    const closed = problems.filter((p) => p.status === '已整改销号');
    expect(closed).toHaveLength(69);
    for (const p of closed) {
      expect(p.closed!.evidence.length).toBeGreaterThan(5);
      expect(p.closed!.by).not.toBe(p.leadPerson);
      expect(p.history.map((e) => e.action)).toContain('close-request');
      const times = p.history.map((e) => e.at);
      expect([...times].sort()).toEqual(times);
      expect(p.closed!.at < NOW.toISOString()).toBe(true);
    }
    expect(new Set(problems.map((p) => p.created.at.slice(0, 7))).size).toBeGreaterThanOrEqual(9);
    expect(new Set(closed.map((p) => p.closed!.at.slice(0, 7))).size).toBeGreaterThanOrEqual(8);
    expect(problems.filter((p) => p.history.some((e) => e.action === 'extend-approve')).length).toBeGreaterThan(0);
  });

  it('holds a year of study and volunteering, with most members volunteering every month', async () => {
    const { store } = await built(NOW);
    const { records, members } = await store.read(async (tx) => ({ records: await tx.listStudyRecords(), members: await tx.listPeople({ role: 'member' }) }));
    const today = toLocalDate(NOW);
    expect(records[0]!.date >= addDays(today, -365)).toBe(true);
    expect(records.at(-1)!.date < today).toBe(true);
    expect(records.filter((r) => r.form === '调查研究')).toHaveLength(63);
    // The ten study forms, and the nine of 组织生活 (issue 14) the meetings are stored under.
    expect(new Set(records.map((r) => r.form)).size).toBe(19);
    const lastMonth = periodRange(addDays(periodRange(today, 'month').start, -1), 'month');
    const volunteered = new Set(records.filter((r) => r.form === '志愿服务' && r.date >= lastMonth.start && r.date <= lastMonth.end).flatMap(participantsOf));
    expect(members.filter((m) => volunteered.has(m.id)).length).toBeGreaterThanOrEqual(27);
  });

  it('holds a year of 组织生活 with minutes, leaves and linked leaders, and exactly two meetings deliberately missed', async () => {
    const { store } = await built(NOW);
    const today = toLocalDate(NOW);
    const { meetings, people, branches, leaves } = await store.read(async (tx) => ({
      meetings: (await tx.listStudyRecords()).filter((r) => r.meeting),
      people: await tx.listPeople(),
      branches: await tx.listBranches(),
      leaves: await tx.listLeaves(),
    }));
    expect(new Set(meetings.map((r) => r.meeting!.kind))).toEqual(new Set(MEETING_KINDS));
    const branchOf = (name: string) => branches.find((b) => b.name === name)!.id;
    const office = branchOf('办公室党支部');
    const officeYear = meetings.filter((r) => r.branchId === office && r.date >= addDays(today, -365));
    const count = (kind: string) => officeYear.filter((r) => r.meeting!.kind === kind).length;
    expect([count('支委会'), count('党小组会'), count('主题党日')].every((n) => n >= 12 && n <= 13)).toBe(true);
    expect(count('支部党员大会')).toBeGreaterThanOrEqual(4);
    expect(count('组织生活会')).toBeGreaterThanOrEqual(1);
    // 应到 of a whole-branch meeting is the roster, the leader whose home branch it is included (双重组织生活).
    const chen = people.find((p) => p.name === '陈志远')!;
    expect(chen.branchId).toBe(office);
    expect(chen.linkedBranchIds).toEqual([office]);
    expect(people.find((p) => p.name === '王立新')!.linkedBranchIds).toEqual([branchOf('政务服务科党支部'), branchOf('信息中心党支部')]);
    const assembly = officeYear.find((r) => r.meeting!.kind === '支部党员大会')!;
    expect(new Set(assembly.meeting!.expected)).toEqual(new Set(people.filter((p) => p.branchId === office).map((p) => p.id)));
    expect(officeYear.some((r) => r.meeting!.kind === '党课' && r.personId === chen.id)).toBe(true);
    for (const r of meetings) {
      const m = r.meeting!;
      expect(m.host).toBe(r.personId);
      expect(m.recorder).toBeTruthy();
      expect(r.place).toBeTruthy();
      // 实到, 请假 and 缺席 split 应到 with nobody twice.
      const split = [...participantsOf(r).filter((id) => m.expected.includes(id)), ...m.leave.map((l) => l.personId), ...m.absent];
      expect(split.sort()).toEqual([...m.expected].sort());
      for (const x of m.makeups ?? []) expect(x.date >= r.date && [...m.absent, ...m.leave.map((l) => l.personId)].includes(x.personId)).toBe(true);
    }
    expect(meetings.some((r) => r.meeting!.leave.some((l) => l.reason && !l.auto))).toBe(true);
    expect(meetings.some((r) => r.meeting!.absent.length > 0)).toBe(true);
    expect(meetings.some((r) => (r.meeting!.makeups ?? []).length > 0)).toBe(true);
    // A leave in the register marks the person 请假 at a meeting it covers, with its reason.
    const marked = meetings.flatMap((r) => r.meeting!.leave.filter((l) => l.auto).map((l) => ({ l, r })));
    expect(marked.length).toBeGreaterThan(0);
    for (const { l, r } of marked) expect(leaves.some((x) => x.personId === l.personId && x.from <= r.date && r.date <= x.to && x.reason === l.reason)).toBe(true);
    expect(leaves.some((l) => l.from <= today && today <= l.to)).toBe(true);

    const gaps = await store.read((tx) => missingMeetings(tx, { start: addDays(today, -365), end: addDays(today, -1) }, today));
    const lastMonth = periodRange(addDays(periodRange(today, 'month').start, -1), 'month');
    const lastQuarter = periodRange(addDays(periodRange(today, 'quarter').start, -1), 'quarter');
    expect(gaps.map((g) => [g.name, g.slots.map((s) => `${s.kind} ${s.period.label}`)])).toEqual([
      ['数据资源科党支部', [`支部党员大会 ${lastQuarter.label}`]],
      ['信息中心党支部', [`支委会 ${lastMonth.label}`]],
    ]);
  });

  it('is the same bureau for the same moment and seed, and another for another seed', async () => {
    const a = await built(NOW);
    const b = await built(NOW);
    expect(await snapshot(a.store)).toBe(await snapshot(b.store));
    const c = await built(NOW, 7);
    expect(await snapshot(c.store)).not.toBe(await snapshot(a.store));
  });

  it('keeps the figures whenever it is built, with its two open problems 4 and 10 working days overdue on the first sending day', async () => {
    // A Monday before dawn, a Saturday, the eve of the National Day holiday at night, a Wednesday afternoon.
    for (const iso of ['2026-11-23T03:00:00+08:00', '2026-11-28T15:00:00+08:00', '2026-09-30T21:00:00+08:00', '2026-12-09T14:00:00+08:00']) {
      const now = new Date(iso);
      const { store, summary } = await built(now);
      const d0 = toLocalDate(nextSendingTime(now));
      expect(summary.firstSendingDay).toBe(d0);
      const today = toLocalDate(now);
      const f = await store.read((tx) => bureauFigures(tx, { period: periodRange(today, 'month'), asOf: today }));
      expect(headline(f), iso).toBe('检视问题 71 个，已整改销号 69 个（97.2%），制定整改措施 128 项，逾期问题 2 个');
      const open = (await store.read((tx) => tx.listProblems())).filter((p) => p.status !== '已整改销号');
      expect(open.map((p) => workingDaysUntil(p.deadline, d0)).sort((x, y) => x - y), iso).toEqual([4, 10]);
      // Over the year before, only the two meetings left out on purpose are gaps, whatever the build day.
      const gaps = await store.read((tx) => missingMeetings(tx, { start: addDays(today, -365), end: addDays(today, -1) }, today));
      expect(gaps.map((g) => g.slots.map((s) => `${g.name} ${s.kind}`)).flat(), iso).toEqual(['数据资源科党支部 支部党员大会', '信息中心党支部 支委会']);
    }
  });

  it('refuses a data file that already holds a bureau', async () => {
    const { store } = await built(NOW);
    await expect(buildDemo(store, NOW)).rejects.toThrow('the demo bureau needs an empty data file');
  });
});
