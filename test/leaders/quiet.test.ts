import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from '../support/harness.js';
import { at, atIds, bureau, type Bureau } from './setup.js';

let b: Bureau;
afterEach(async () => {
  await b?.h.close();
});

describe('less noise: quota shortfalls are told privately, never named in a group', () => {
  it('reminds each person behind privately, gives the secretary the names privately, and skips a person on leave', async () => {
    b = await bureau('2026-11-20T10:00:00');
    const { h, chat, zhang, li, sec, leader } = b;
    await h.say(zhang, chat, '/志愿 文明交通劝导 3小时');
    b.clock.now = at('2026-11-24T09:00:00'); // the last 5 working days of November begin
    let before = b.lastSeq();
    await b.run('quota-reminders');
    expect(b.posted({ chatId: chat }, before)).toEqual([]);
    const mine = b.posted({ openId: li.openId }, before).map(textOf);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('志愿服务 每月至少1次：本月还差 1次（2026年11月，2026-11-30（周一） 截止）');
    expect(mine[0]).toContain('此提醒只发给你本人');
    expect(b.posted({ openId: zhang.openId }, before)).toEqual([]);
    const secretary = b.posted({ openId: sec.openId }, before).map(textOf).join('\n');
    expect(secretary).toContain('仅书记可见');
    expect(secretary).toContain('李四：志愿服务 每月至少1次');
    expect(secretary).not.toContain('张三');
    // Leaders are judged on leaders' quotas only, and none of theirs closes in November.
    expect(b.posted({ openId: leader.openId }, before)).toEqual([]);

    // 李四 goes on leave over the last working day: no nag that day.
    await h.say(li, chat, '/请假 11月30日 外出培训');
    b.clock.now = at('2026-11-30T09:00:00');
    before = b.lastSeq();
    const report = await b.run('quota-reminders');
    expect(report.skipped).toContainEqual({ reason: '请假中', detail: '李四' });
    expect(b.posted({ openId: li.openId }, before)).toEqual([]);
  });

  it('reminds a leader of their own quotas privately near the quarter and year end, never in the branch chat', async () => {
    b = await bureau('2026-12-21T10:00:00');
    const { h, admin, chat, leader } = b;
    await h.say(admin, chat, '/任命 @赵局长 领导 第一支部');
    await h.say(admin, chat, '/联系 @赵局长 第一支部');
    b.clock.now = at('2026-12-25T09:00:00');
    const before = b.lastSeq();
    await b.run('quota-reminders');
    const card = b.posted({ openId: leader.openId }, before).map(textOf).join('\n');
    expect(card).toContain('专题党课 每年至少1次：本年还差 1次');
    expect(card).toContain('志愿服务 每季度至少1次：本季度还差 1次');
    expect(card).toContain('支部:第一支部 或 /志愿');
    for (const m of b.posted({ chatId: chat }, before)) expect(atIds(m)).not.toContain(leader.openId);
    // Nor does the secretary get the leader's name.
    expect(b.posted({ openId: b.sec.openId }, before).map(textOf).join()).not.toContain('赵局长');
  });

  it('on a Monday that is also a period’s last working day, the group hears counts once and names never', async () => {
    b = await bureau('2026-11-20T10:00:00');
    const { h, chat, zhang, li, sec } = b;
    await h.say(zhang, chat, '/志愿 文明交通劝导 3小时');
    // 2026-11-30 is a Monday (the weekly digest) and November's last working day (the second quota reminder).
    b.clock.now = at('2026-11-30T09:00:00');
    const before = b.lastSeq();
    await b.run('quota-reminders');
    await b.run('weekly-digest');
    const group = b.posted({ chatId: chat }, before);
    expect(group.map((m) => textOf(m).split('\n')[0])).toEqual(['第一支部 周报']);
    const digest = textOf(group[0]!);
    expect(digest).toContain('**两周内到期的指标缺口**：2 人 2 项尚未完成（志愿服务 每月至少1次 2 人）');
    for (const name of ['李四', '王书记']) expect(digest).not.toContain(name);
    expect(atIds(group[0]!)).toEqual([]);
    expect(b.posted({ openId: li.openId }, before)).toHaveLength(1);
    expect(b.posted({ openId: sec.openId }, before).length).toBeGreaterThan(0);
  });
});
