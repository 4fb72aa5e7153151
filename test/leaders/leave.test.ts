import { afterEach, describe, expect, it } from 'vitest';
import { onLeave, onLeaveInBranch } from '../../storage/leave.js';
import { textOf } from '../support/harness.js';
import { at, bureau, type Bureau } from './setup.js';

let b: Bureau;
afterEach(async () => {
  await b?.h.close();
});

describe('/请假: leave pauses reminders for the person on leave', () => {
  it('is entered by the member or their secretary, echoed with weekdays, listed and cancelled', async () => {
    b = await bureau('2026-11-30T10:00:00');
    const { h, chat, sec, zhang, li } = b;
    expect(await h.say(zhang, chat, '/请假 12月1日-12月5日 出差')).toBe(
      '已登记 张三 请假（L1）：2026-12-01（周二） 至 2026-12-05（周六），共 5 天，原因：出差。期间不发截止提醒和指标催办，支部会议自动记为请假。取消：/请假 取消 L1',
    );
    expect(await h.say(zhang, chat, '/请假 @李四 12月2日')).toContain('只能为自己请假');
    const before = b.lastSeq();
    expect(await h.say(sec, chat, '/请假 @李四 12月2日 病假')).toContain('已登记 李四 请假（L2）：2026-12-02（周三），原因：病假');
    await h.app.settle();
    expect(b.posted({ openId: li.openId }, before).map(textOf).join()).toContain('王书记 为你登记了请假（L2）');
    expect(await h.say(zhang, chat, '/请假 12月5日-12月1日')).toContain('早于开始日期');
    expect(await h.say(zhang, chat, '/请假 某天')).toContain('正确格式：/请假 12月1日-12月5日');
    expect(await h.say(zhang, chat, '/leave')).toContain('L1 2026-12-01（周二） 至 2026-12-05（周六），出差');
    expect(await h.say(zhang, chat, '/请假 取消 L2')).toContain('只能为自己请假');
    expect(await h.say(sec, chat, '/请假 本支部')).toContain('L2 李四 2026-12-02（周三） 至 2026-12-02（周三），病假');
    expect(await h.say(zhang, chat, '/请假 本支部')).toContain('由支部书记或管理员查看');
    expect(await h.say(li, chat, '/请假 取消 L2')).toContain('已取消 李四 的请假 L2');
    b.clock.now = at('2026-12-02T10:00:00');
    expect(await h.say(sec, chat, '/成员')).toContain('张三（请假）');
    const branchId = (await h.app.store.read((tx) => tx.getPerson(zhang.openId)))!.branchId!;
    expect(await h.app.store.read((tx) => onLeave(tx, zhang.openId, '2026-12-03'))).toMatchObject({ id: 'L1', reason: '出差' });
    expect((await h.app.store.read((tx) => onLeaveInBranch(tx, branchId, '2026-12-02'))).map((l) => l.personId)).toEqual([zhang.openId]);
  });

  it('sends no deadline reminder to an owner on leave, and resumes when the leave ends', async () => {
    b = await bureau('2026-11-23T10:00:00');
    const { h, chat, zhang } = b;
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-04 负责人:@张三');
    await h.say(zhang, chat, '/请假 12月1日-12月5日 出差');
    const heard: string[] = [];
    for (const day of ['2026-12-03', '2026-12-04', '2026-12-07']) {
      b.clock.now = at(`${day}T09:00:00`);
      const before = b.lastSeq();
      const report = await b.run('reminders');
      if (day !== '2026-12-07') expect(report.skipped).toContainEqual({ reason: '负责人请假中', detail: 'P1' });
      for (const m of [...b.posted({ chatId: chat }, before), ...b.posted({ openId: zhang.openId }, before)]) heard.push(`${day} ${textOf(m).split('\n').find((l) => l.includes('时限'))}`);
    }
    expect(heard).toEqual(['2026-12-07 时限 2026-12-04（周五），已逾期 1 个工作日。如需延期请用 /延期 说明理由']);
  });
});
