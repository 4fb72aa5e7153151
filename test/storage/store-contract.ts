import { describe, expect, it } from 'vitest';
import { onLeave, type LeaveFilter } from '../../storage/leave.js';
import type { Store } from '../../storage/store.js';

/** Opens a store on a location; opening the same location again must see what was committed. */
export type StoreFactory = () => { open(): Promise<Store> };

const stamp = { by: 'ou_admin', at: '2026-11-23T01:00:00.000Z' };

/** The behaviour every Store implementation must show; run it against each one. */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    it('keeps committed writes across a reopen', async () => {
      const loc = factory();
      const s1 = await loc.open();
      const b = await s1.transact((tx) => tx.createBranch('第一支部', stamp));
      await s1.transact((tx) => tx.savePerson({ id: 'ou_1', name: '张三', nameSource: 'contact', branchId: b.id }, stamp));
      await s1.close();
      const s2 = await loc.open();
      expect(await s2.read((tx) => tx.findBranchByName('第一支部'))).toMatchObject({ id: b.id, name: '第一支部' });
      expect(await s2.read((tx) => tx.listPeople({ branchId: b.id }))).toMatchObject([{ id: 'ou_1', name: '张三', role: 'member' }]);
      await s2.close();
    });

    it('rolls back every write of a transaction that throws', async () => {
      const s = await factory().open();
      await expect(
        s.transact(async (tx) => {
          await tx.createBranch('第二支部', stamp);
          await tx.nextNumber('S');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await s.read((tx) => tx.listBranches())).toEqual([]);
      expect(await s.transact((tx) => tx.nextNumber('S'))).toBe(1);
      await s.close();
    });

    it('refuses writes inside read', async () => {
      const s = await factory().open();
      await expect(s.read((tx) => tx.createBranch('x', stamp))).rejects.toThrow();
      expect(await s.read((tx) => tx.listBranches())).toEqual([]);
      await s.close();
    });

    it('a view sees one moment, refuses writes, and never holds back a transaction', async () => {
      const s = await factory().open();
      await s.transact((tx) => tx.createBranch('第一支部', stamp));
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const seen = s.view(async (tx) => {
        const before = (await tx.listBranches()).map((b) => b.name);
        await gate;
        const after = (await tx.listBranches()).map((b) => b.name);
        const byName = await tx.findBranchByName('第二支部');
        await expect(tx.createBranch('第三支部', stamp)).rejects.toThrow();
        return { before, after, byName };
      });
      // The view is open and waiting: a transaction still commits at once.
      await s.transact((tx) => tx.createBranch('第二支部', stamp));
      expect((await s.read((tx) => tx.listBranches())).map((b) => b.name)).toEqual(['第一支部', '第二支部']);
      release();
      expect(await seen).toEqual({ before: ['第一支部'], after: ['第一支部'], byName: undefined });
      expect((await s.view((tx) => tx.listBranches())).map((b) => b.name)).toEqual(['第一支部', '第二支部']);
      await s.close();
    });

    it('numbers are unique under concurrent transactions', async () => {
      const s = await factory().open();
      const got = await Promise.all(Array.from({ length: 50 }, () => s.transact((tx) => tx.nextNumber('P'))));
      expect(new Set(got).size).toBe(50);
      expect(Math.max(...got)).toBe(50);
      await s.close();
    });

    it('deduplicates inbound events by event id and by message id, across a reopen', async () => {
      const loc = factory();
      const s = await loc.open();
      const ev = { id: 'ev1', messageId: 'om_1', kind: 'message' as const, receivedAt: stamp.at, payload: { x: 1 } };
      expect(await s.transact((tx) => tx.recordInbound(ev))).toBe('recorded');
      expect(await s.transact((tx) => tx.recordInbound(ev))).toBe('duplicate');
      expect(await s.transact((tx) => tx.recordInbound({ ...ev, id: 'ev2' }))).toBe('duplicate');
      expect((await s.read((tx) => tx.pendingInbound())).map((e) => e.id)).toEqual(['ev1']);
      await s.close();
      const s2 = await loc.open();
      expect(await s2.transact((tx) => tx.recordInbound(ev))).toBe('duplicate');
      await s2.transact((tx) => tx.completeInbound('ev1', stamp.at));
      expect(await s2.read((tx) => tx.pendingInbound())).toEqual([]);
      expect(await s2.read((tx) => tx.countInbound())).toEqual({ pending: 0, done: 1 });
      await s2.close();
    });

    it('queues outbound messages once per id and returns due ones oldest first', async () => {
      const s = await factory().open();
      const to = { kind: 'chat' as const, chatId: 'oc_1' };
      await s.transact(async (tx) => {
        await tx.enqueue({ id: 'm2', to, content: { type: 'text', text: 'b' }, createdAt: '2026-11-23T01:00:02.000Z' });
        await tx.enqueue({ id: 'm1', to, content: { type: 'text', text: 'a' }, createdAt: '2026-11-23T01:00:01.000Z' });
        await tx.enqueue({ id: 'm1', to, content: { type: 'text', text: 'again' }, createdAt: '2026-11-23T01:00:03.000Z' });
      });
      const due = await s.read((tx) => tx.dueOutbound('2026-11-23T01:00:05.000Z', 10));
      expect(due.map((o) => [o.id, o.content])).toEqual([
        ['m1', { type: 'text', text: 'a' }],
        ['m2', { type: 'text', text: 'b' }],
      ]);
      await s.transact((tx) => tx.updateOutbound('m1', { status: 'sent', attempts: 1 }));
      expect((await s.read((tx) => tx.dueOutbound('2026-11-23T01:00:05.000Z', 10))).map((o) => o.id)).toEqual(['m2']);
      await s.close();
    });

    it('finds the cards about a ledger item, oldest first, and forgets one whose `about` is cleared', async () => {
      const s = await factory().open();
      const card = { type: 'card' as const, card: { schema: '2.0' } };
      await s.transact(async (tx) => {
        await tx.enqueue({ id: 'c2', to: { kind: 'chat', chatId: 'oc_1' }, content: card, createdAt: '2026-11-23T01:00:02.000Z', about: ['P1', 'P1-1'] });
        await tx.enqueue({ id: 'c1', to: { kind: 'user', openId: 'ou_a' }, content: card, createdAt: '2026-11-23T01:00:01.000Z', about: ['P1'] });
        await tx.enqueue({ id: 'u1', to: { kind: 'update', messageId: 'om_1' }, content: card, createdAt: '2026-11-23T01:00:03.000Z' });
      });
      expect((await s.read((tx) => tx.listOutboundAbout('P1'))).map((o) => o.id)).toEqual(['c1', 'c2']);
      expect((await s.read((tx) => tx.listOutboundAbout('P1-1'))).map((o) => o.id)).toEqual(['c2']);
      await s.transact((tx) => tx.updateOutbound('c2', { about: [] }));
      expect((await s.read((tx) => tx.listOutboundAbout('P1'))).map((o) => o.id)).toEqual(['c1']);
      expect((await s.read((tx) => tx.getOutbound('u1')))!.to).toEqual({ kind: 'update', messageId: 'om_1' });
      await s.close();
    });

    it('keeps study records once, voids without deleting, and filters by participant, branch and date', async () => {
      const s = await factory().open();
      const base = { form: '支部集体学习' as const, minutes: 120, content: '《党章》', branchId: 'B1', attendees: ['ou_b', 'ou_c'], entered: stamp };
      const r1 = await s.transact((tx) => tx.addStudyRecord({ ...base, date: '2026-11-20', personId: 'ou_a' }));
      const r2 = await s.transact((tx) => tx.addStudyRecord({ ...base, date: '2026-11-22', personId: 'ou_d', attendees: [], branchId: 'B2' }));
      expect([r1.id, r2.id]).toEqual(['S1', 'S2']);
      await s.transact((tx) => tx.voidStudyRecord('S2', { ...stamp, reason: '重复' }));
      expect((await s.read((tx) => tx.listStudyRecords({ personId: 'ou_c' }))).map((r) => r.id)).toEqual(['S1']);
      expect(await s.read((tx) => tx.listStudyRecords({ branchId: 'B2' }))).toEqual([]);
      expect((await s.read((tx) => tx.listStudyRecords({ branchId: 'B2', includeVoided: true })))[0]).toMatchObject({ id: 'S2', voided: { reason: '重复' } });
      expect((await s.read((tx) => tx.listStudyRecords({ from: '2026-11-21', includeVoided: true }))).map((r) => r.id)).toEqual(['S2']);
      await s.close();
    });

    it('lists the study log by day, each day in a view the same list until a record of that day changes', async () => {
      const s = await factory().open();
      const base = { form: '支部集体学习' as const, minutes: 60, content: '学习', branchId: 'B1', attendees: [], entered: stamp };
      for (const [date, personId] of [['2026-11-20', 'ou_a'], ['2026-11-20', 'ou_b'], ['2026-11-22', 'ou_c'], ['2026-12-01', 'ou_d']] as const) {
        await s.transact((tx) => tx.addStudyRecord({ ...base, date, personId }));
      }
      await s.transact((tx) => tx.voidStudyRecord('S3', stamp));
      const days = await s.view((tx) => tx.listStudyDays('2026-11-01', '2026-11-30'));
      // Voided records included, days without records left out, the month's end the last day asked for.
      expect(days.map((d) => [d.date, d.records.map((r) => r.id).sort()])).toEqual([
        ['2026-11-20', ['S1', 'S2']],
        ['2026-11-22', ['S3']],
      ]);
      expect(days[1]!.records[0]).toMatchObject({ voided: { by: stamp.by } });
      const again = await s.view((tx) => tx.listStudyDays('2026-11-01', '2026-11-30'));
      expect(again[0]!.records).toBe(days[0]!.records);
      // A write to the 22nd (and a new record on another day) leaves the 20th's list as it was and gives the 22nd a new one.
      await s.transact((tx) => tx.voidStudyRecord('S3', { ...stamp, reason: '重复' }));
      await s.transact((tx) => tx.addStudyRecord({ ...base, date: '2026-12-02', personId: 'ou_e' }));
      const after = await s.view((tx) => tx.listStudyDays('2026-11-01', '2026-11-30'));
      expect(after[0]!.records).toBe(days[0]!.records);
      expect(after[1]!.records).not.toBe(days[1]!.records);
      expect(after[1]!.records[0]).toMatchObject({ voided: { reason: '重复' } });
      expect(days[1]!.records[0]!.voided?.reason).toBeUndefined();
      await s.close();
    });

    it('records 补学 against a meeting record across a reopen, and refuses a record that is not a meeting', async () => {
      const loc = factory();
      const s1 = await loc.open();
      const meeting = { kind: '支部党员大会' as const, host: 'ou_a', recorder: 'ou_b', expected: ['ou_a', 'ou_b', 'ou_c', 'ou_d'], leave: [{ personId: 'ou_c', reason: '出差' }], absent: ['ou_d'] };
      const base = { form: '支部集体学习' as const, minutes: 90, content: '《党章》', branchId: 'B1', personId: 'ou_a', attendees: ['ou_b'], entered: stamp };
      const m = await s1.transact((tx) => tx.addStudyRecord({ ...base, form: '支部党员大会', date: '2026-11-20', meeting }));
      const plain = await s1.transact((tx) => tx.addStudyRecord({ ...base, date: '2026-11-21' }));
      await s1.transact((tx) => tx.addMakeup(m.id, { personId: 'ou_c', date: '2026-11-24', note: '自学会议材料', entered: stamp }));
      const after = await s1.transact((tx) => tx.addMakeup(m.id, { personId: 'ou_d', date: '2026-11-25', entered: { by: 'ou_a', at: stamp.at } }));
      expect(after.meeting!.makeups!.map((x) => x.personId)).toEqual(['ou_c', 'ou_d']);
      await expect(s1.transact((tx) => tx.addMakeup(plain.id, { personId: 'ou_c', date: '2026-11-24', entered: stamp }))).rejects.toThrow();
      await s1.close();
      const s2 = await loc.open();
      const kept = await s2.read((tx) => tx.getStudyRecord(m.id));
      expect(kept!.meeting).toEqual({ ...meeting, makeups: [{ personId: 'ou_c', date: '2026-11-24', note: '自学会议材料', entered: stamp }, { personId: 'ou_d', date: '2026-11-25', entered: { by: 'ou_a', at: stamp.at } }] });
      expect((await s2.read((tx) => tx.getStudyRecord(plain.id)))!.meeting).toBeUndefined();
      await s2.close();
    });

    it('sets one meeting rule per scope and kind, keeping the earlier setting in its history, across a reopen', async () => {
      const loc = factory();
      const s1 = await loc.open();
      expect(await s1.read((tx) => tx.listMeetingRules())).toEqual([]);
      const later = { by: 'ou_sec', at: '2026-11-24T02:00:00.000Z' };
      await s1.transact((tx) => tx.setMeetingRule({ scope: 'branches', kind: '支委会', period: 'month', min: 2 }, stamp));
      await s1.transact((tx) => tx.setMeetingRule({ scope: 'B1', kind: '支委会', period: 'quarter', min: 0 }, stamp));
      const changed = await s1.transact((tx) => tx.setMeetingRule({ scope: 'branches', kind: '支委会', period: 'quarter', min: 1 }, later));
      expect(changed).toMatchObject({ id: 'MR1', period: 'quarter', min: 1, set: later, history: [{ ...stamp, period: 'month', min: 2 }] });
      await s1.close();
      const s2 = await loc.open();
      const rules = await s2.read((tx) => tx.listMeetingRules());
      expect(rules.map((r) => [r.id, r.scope, r.kind, r.period, r.min])).toEqual([
        ['MR1', 'branches', '支委会', 'quarter', 1],
        ['MR2', 'B1', '支委会', 'quarter', 0],
      ]);
      expect(rules[0]!.history).toEqual([{ ...stamp, period: 'month', min: 2 }]);
      await s2.close();
    });

    it('keeps the leave register: numbered, by start date, filtered by person and overlap, voided without deleting', async () => {
      const loc = factory();
      const s1 = await loc.open();
      const add = (personId: string, from: string, to: string, reason?: string) => s1.transact((tx) => tx.addLeave({ personId, from, to, ...(reason ? { reason } : {}), entered: stamp }));
      expect((await add('ou_a', '2026-11-20', '2026-11-25', '出差')).id).toBe('L1');
      await add('ou_b', '2026-11-18', '2026-11-19');
      await add('ou_a', '2026-12-01', '2026-12-05', '病假');
      const ids = (f?: LeaveFilter) => s1.read(async (tx) => (await tx.listLeaves(f)).map((l) => l.id));
      expect(await ids()).toEqual(['L2', 'L1', 'L3']);
      expect(await ids({ personId: 'ou_a' })).toEqual(['L1', 'L3']);
      expect(await ids({ from: '2026-11-19', to: '2026-11-20' })).toEqual(['L2', 'L1']);
      expect(await ids({ personId: 'ou_a', from: '2026-11-26', to: '2026-11-30' })).toEqual([]);
      expect(await s1.read((tx) => onLeave(tx, 'ou_a', '2026-11-25'))).toMatchObject({ id: 'L1', reason: '出差' });
      expect(await s1.read((tx) => onLeave(tx, 'ou_a', '2026-11-26'))).toBeUndefined();
      await s1.transact((tx) => tx.voidLeave('L1', { by: 'ou_sec', at: stamp.at }));
      expect(await s1.read((tx) => onLeave(tx, 'ou_a', '2026-11-22'))).toBeUndefined();
      await s1.close();
      const s2 = await loc.open();
      expect((await s2.read((tx) => tx.listLeaves())).map((l) => l.id)).toEqual(['L2', 'L3']);
      expect((await s2.read((tx) => tx.listLeaves({ personId: 'ou_a', includeVoided: true })))[0]).toMatchObject({ id: 'L1', voided: { by: 'ou_sec' }, from: '2026-11-20', to: '2026-11-25' });
      expect((await s2.transact((tx) => tx.addLeave({ personId: 'ou_c', from: '2026-12-02', to: '2026-12-02', entered: stamp }))).id).toBe('L4');
      await s2.close();
    });

    it('overrides default quotas and logs every change', async () => {
      const s = await factory().open();
      expect((await s.read((tx) => tx.listQuotas())).length).toBeGreaterThanOrEqual(3);
      await s.transact((tx) => tx.setQuota({ role: 'member', form: '志愿服务', period: 'month', min: 2, unit: 'count' }, stamp));
      const q = (await s.read((tx) => tx.listQuotas())).filter((x) => x.role === 'member' && x.form === '志愿服务' && x.period === 'month');
      expect(q.map((x) => x.min)).toEqual([2]);
      await s.transact((tx) => tx.removeQuota({ role: 'member', form: '志愿服务', period: 'month' }, stamp));
      expect((await s.read((tx) => tx.listQuotas())).some((x) => x.role === 'member' && x.form === '志愿服务' && x.period === 'month')).toBe(false);
      expect((await s.read((tx) => tx.listQuotaChanges())).map((c) => c.action)).toEqual(['set', 'remove']);
      await s.close();
    });

    it('numbers problems and measures, appends history for every change, and never loses the original deadline', async () => {
      const s = await factory().open();
      const p = await s.transact((tx) => tx.openProblem({ branchId: 'B1', description: '数据共享不直接', responsibleUnit: '数据资源科', leadPerson: 'ou_a', deadline: '2026-12-31' }, stamp));
      const m = await s.transact((tx) => tx.addMeasure({ problemId: p.id, content: '建平台', owner: 'ou_b', deadline: '2026-12-20' }, stamp));
      expect([p.id, m.id]).toEqual(['P1', 'P1-1']);
      await s.transact((tx) => tx.updateProblem('P1', { deadline: '2027-01-29' }, { ...stamp, action: 'extend-approve', note: '等待接口' }));
      const after = (await s.read((tx) => tx.getProblem('P1')))!;
      expect(after.deadline).toBe('2027-01-29');
      expect(after.history.find((e) => e.field === 'deadline' && e.from === '2026-12-31')).toMatchObject({ to: '2027-01-29', action: 'extend-approve' });
      await s.transact((tx) => tx.updateMeasure('P1-1', { status: '已完成', done: { by: 'ou_b', at: stamp.at, note: '完成' } }, { ...stamp, action: 'measure-done' }));
      expect((await s.read((tx) => tx.listMeasures({ problemId: 'P1' })))[0]).toMatchObject({ status: '已完成' });
      const t = await s.transact((tx) => tx.addTask({ content: '写报告', deadline: '2026-12-31', assigner: 'ou_s', chatId: 'oc_1', branchId: 'B1', assignees: ['ou_a', 'ou_b'] }, stamp));
      expect(t).toMatchObject({ id: 'T1', status: '办理中' });
      expect((await s.read((tx) => tx.listTasks({ assignee: 'ou_b' }))).map((x) => x.id)).toEqual(['T1']);
      await s.close();
    });

    it('keeps entered holidays per year, replaces an entry while keeping its history, and survives a reopen', async () => {
      const loc = factory();
      const s = await loc.open();
      await s.transact((tx) => tx.saveHoliday({ year: 2027, name: '国庆节', off: ['2027-10-03', '2027-10-01', '2027-10-02'], work: [] }, stamp));
      await s.transact((tx) => tx.saveHoliday({ year: 2027, name: '元旦', off: ['2027-01-01'], work: [] }, stamp));
      const later = { by: 'ou_office', at: '2026-11-24T01:00:00.000Z' };
      await s.transact((tx) => tx.saveHoliday({ year: 2027, name: '元旦', off: ['2027-01-01', '2027-01-02', '2027-01-03'], work: ['2027-01-09'] }, later));
      await s.transact((tx) => tx.saveHoliday({ year: 2028, name: '元旦', off: ['2028-01-01'], work: [] }, stamp));
      await expect(s.read((tx) => tx.saveHoliday({ year: 2029, name: '元旦', off: [], work: [] }, stamp))).rejects.toThrow();
      await s.close();
      const again = await loc.open();
      const y2027 = await again.read((tx) => tx.listHolidays(2027));
      expect(y2027.map((h) => h.name)).toEqual(['元旦', '国庆节']);
      expect(y2027[0]).toMatchObject({ off: ['2027-01-01', '2027-01-02', '2027-01-03'], work: ['2027-01-09'], entered: later, history: [{ ...stamp, off: ['2027-01-01'], work: [] }] });
      expect(y2027[1]!.off).toEqual(['2027-10-01', '2027-10-02', '2027-10-03']);
      expect((await again.read((tx) => tx.listHolidays())).map((h) => h.id)).toEqual(['2027:元旦', '2027:国庆节', '2028:元旦']);
      await again.close();
    });

    it('claims job slots and notices once, freezes bulletins, and keeps switch history', async () => {
      const s = await factory().open();
      const run = { job: 'weekly-digest', slot: '2026-11-23', trigger: 'cron' as const, startedAt: stamp.at, sent: 0 };
      expect(await Promise.all([s.transact((tx) => tx.claimJobRun(run)), s.transact((tx) => tx.claimJobRun(run))])).toEqual([true, false]);
      expect(await s.transact((tx) => tx.markSent('rem:P1:before-5', 'reminders', stamp.at))).toBe(true);
      expect(await s.transact((tx) => tx.markSent('rem:P1:before-5', 'reminders', stamp.at))).toBe(false);
      await s.transact((tx) => tx.saveBulletin({ id: '2026-10', period: '2026年10月', publishedAt: stamp.at, figures: { found: 3 } }));
      await s.transact((tx) => tx.saveBulletin({ id: '2026-10', period: '2026年10月', publishedAt: stamp.at, figures: { found: 4 } }));
      expect((await s.read((tx) => tx.getBulletin('2026-10')))!.figures).toEqual({ found: 3 });
      expect(await s.read((tx) => tx.isEnabled('B1', 'weekly-digest'))).toBe(true);
      await s.transact((tx) => tx.setEnabled('B1', 'weekly-digest', false, stamp));
      await s.transact((tx) => tx.setEnabled('B1', 'weekly-digest', true, stamp));
      expect((await s.read((tx) => tx.listSwitches('B1')))[0]!.history.map((h) => h.enabled)).toEqual([false, true]);
      await s.close();
    });

    it('binds chats and keeps an audit trail', async () => {
      const s = await factory().open();
      await s.transact(async (tx) => {
        const b = await tx.createBranch('第三支部', stamp);
        await tx.bindChat({ id: 'oc_9', kind: 'branch', branchId: b.id }, stamp);
        await tx.audit({ at: stamp.at, by: stamp.by, action: 'bind', subject: 'chat:oc_9', to: '第三支部' });
      });
      expect(await s.read((tx) => tx.getChat('oc_9'))).toMatchObject({ kind: 'branch' });
      await s.transact((tx) => tx.bindChat({ id: 'oc_9', kind: 'leadership' }, stamp));
      expect(await s.read((tx) => tx.listChats({ kind: 'leadership' }))).toHaveLength(1);
      expect(await s.read((tx) => tx.listAudit('chat:oc_9'))).toHaveLength(1);
      await expect(s.transact((tx) => tx.createBranch('第三支部', stamp))).rejects.toThrow('已存在');
      await s.close();
    });
  });
}
