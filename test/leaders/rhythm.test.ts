import { afterEach, describe, expect, it } from 'vitest';
import { textOf } from '../support/harness.js';
import { at, bureau, type Bureau } from './setup.js';

let b: Bureau;
afterEach(async () => {
  await b?.h.close();
});

describe('how often a branch chat hears from the bot', () => {
  it('by default at most one scheduled message a working day; 每周 leaves the chat only the digest', async () => {
    b = await bureau('2026-11-23T10:00:00');
    const { h, chat, sec, zhang } = b;
    await h.say(zhang, chat, '/问题 窗口排队时间长 责任单位:政务服务科 时限:2026-11-30 负责人:@张三');
    await h.say(zhang, chat, '/问题 数据共享不直接 责任单位:数据资源科 时限:2026-12-02 负责人:@张三');
    const day = async (d: string) => {
      b.clock.now = at(`${d}T09:00:00`);
      const before = b.lastSeq();
      await b.run('reminders');
      await b.run('weekly-digest');
      return { group: b.posted({ chatId: chat }, before).map((m) => textOf(m).split('\n')[0]), mine: b.posted({ openId: zhang.openId }, before).map(textOf) };
    };
    // Monday: the digest (which lists P1 due today) is the chat's one message; the owner hears P1 privately.
    const monday = await day('2026-11-30');
    expect(monday.group).toEqual(['第一支部 周报']);
    expect(monday.mine.join()).toContain('**P1** 问题：窗口排队时间长');
    // Tuesday: one merged reminder card in the chat.
    const tuesday = await day('2026-12-01');
    expect(tuesday.group).toEqual(['督办提醒 · 2026-12-01（周二）']);
    expect(tuesday.mine).toEqual([]);

    expect(await h.say(sec, chat, '/提醒 频率 每月')).toContain('频率可选「每日」或「每周」');
    expect(await h.say(sec, chat, '/提醒 频率 每周')).toContain('已设为：每周');
    expect(await h.say(sec, chat, '/reminders')).toContain('频率：每周');
    const wednesday = await day('2026-12-02');
    expect(wednesday.group).toEqual([]);
    expect(wednesday.mine.join()).toContain('**P2** 问题：数据共享不直接');
  });
});
