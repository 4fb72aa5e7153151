import { afterEach, describe, expect, it } from 'vitest';
import { at, bureau, type Bureau } from './setup.js';

let b: Bureau;
afterEach(async () => {
  await b?.h.close();
});

describe('a leader with a home branch (双重组织生活)', () => {
  it('is on the branch roster and counts in its turnout when attending; the linked leader’s 专题党课 counts toward their quota', async () => {
    b = await bureau('2026-11-23T10:00:00');
    const { h, admin, chat, sec, leader } = b;
    expect(await h.say(admin, 'oc_p2p_admin', '/任命 @赵局长 领导 第一支部', { chatType: 'p2p' })).toBe(
      '已任命 赵局长 为领导（原：领导），在「第一支部」过双重组织生活（计入该支部应到和参与率）。',
    );
    expect(await h.say(sec, chat, '/成员')).toContain('领导（1）：赵局长');
    // Before the meeting: 0 of 4 (王书记, 张三, 李四, 赵局长).
    expect(await h.say(sec, chat, '/学习 统计')).toContain('参与率 0/4 人');
    await h.say(sec, chat, '/学习 2小时 集中研讨 《党章》 参加:@赵局长 @张三');
    expect(await h.say(sec, chat, '/学习 统计')).toContain('参与率 3/4 人（75.0%）');

    await h.say(admin, chat, '/联系 @赵局长 第一支部');
    b.clock.now = at('2026-11-24T10:00:00');
    await h.say(leader, chat, '/党课 新时代党员的担当 支部:第一支部');
    expect(await h.say(leader, 'oc_p2p_leader', '/我的', { chatType: 'p2p' })).toMatch(/专题党课 每年至少1次[^\n]*1\/1/);
  });
});
