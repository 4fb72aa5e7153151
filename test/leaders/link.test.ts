import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from '../support/harness.js';
import { at, atIds, bureau, type Bureau } from './setup.js';

let b: Bureau;
afterEach(async () => {
  await b?.h.close();
});

describe('/联系: a leader linked to the branches they are responsible for', () => {
  it('is set and undone by an admin only, and shows on /成员', async () => {
    b = await bureau();
    const { h, admin, chat, sec, leader, zhang } = b;
    expect(await h.say(sec, chat, '/联系 @赵局长 第一支部')).toContain('管理员');
    expect(await h.say(admin, chat, '/联系 @张三 第一支部')).toContain('张三 还不是领导');
    expect(await h.say(admin, chat, '/联系 @赵局长 第九支部')).toContain('没有名为「第九支部」的支部');
    expect(await h.say(admin, chat, '/联系 @赵局长 第一支部')).toContain('已设定 赵局长 联系「第一支部」');
    expect(await h.say(zhang, chat, '/成员')).toContain('联系领导：赵局长');
    expect(await h.say(admin, chat, '/link')).toContain('赵局长：第一支部');
    await h.say(admin, chat, '/进度 第一支部');
    expect(JSON.stringify(h.platform.sent.at(-1)!.content)).toContain('联系领导 赵局长');
    expect(await h.say(admin, chat, '/联系 取消 @赵局长 第一支部')).toContain('已解除 赵局长 与「第一支部」的联系');
    expect(await h.say(zhang, chat, '/成员')).toContain('联系领导：未设定');
    expect((await h.app.store.read((tx) => tx.getPerson(leader.openId)))?.linkedBranchIds).toEqual([]);
  });

  it('@-mentions the linked leader in the leadership chat when an item of the branch is escalated', async () => {
    b = await bureau('2026-11-20T10:00:00');
    const { h, admin, chat, leaders, zhang, leader } = b;
    await h.say(admin, chat, '/联系 @赵局长 第一支部');
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-04 负责人:@张三');
    b.clock.now = at('2026-12-18T09:00:00'); // 10 working days overdue
    const before = b.lastSeq();
    await b.run('reminders');
    const [up] = b.posted({ chatId: leaders }, before);
    expect(textOf(up!)).toContain('**P1** 第一支部 问题：数据共享不直接，负责人 张三');
    expect(atIds(up!)).toEqual([leader.openId]);
    // In the branch chat only the owner is mentioned.
    const [branchCard] = b.posted({ chatId: chat }, before);
    expect(atIds(branchCard!)).toEqual([zhang.openId]);
  });
});
