import { afterEach, describe, expect, it } from 'vitest';
import { toChineseArgs } from '../../commands/shared/parse-message.js';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

describe('English argument words', () => {
  it.each([
    ['list overdue', '列表 逾期'],
    ['list all pending', '列表 全部 待审核'],
    ['stats this month', '统计 本月'],
    ['stats 第一支部 this quarter', '统计 第一支部 本季度'],
    ['Stats This Year', '统计 本年'],
    ['overdue 30 days', '逾期 30天'],
    ['my branch', '本支部'],
    // Content in English is left alone: one unknown English word and nothing is rewritten.
    ['1.5h self study all chapters', '1.5h self study all chapters'],
    ['P12', 'P12'],
    ['2小时 自学 党章', '2小时 自学 党章'],
  ])('%j → %j', (args, expected) => {
    expect(toChineseArgs(args)).toBe(expected);
  });

  it('/problem list overdue, /study stats this month and /due overdue answer as their Chinese forms do', async () => {
    b = await bureau();
    await b.h.say(b.zhang, b.chat, '/问题 测试问题 责任单位:办公室 时限:11月30日 负责人:@张三');
    b.clock.now = new Date('2026-12-02T10:00:00+08:00');
    const english = await b.h.say(b.sec, b.chat, '/problem list overdue');
    expect(english).toContain('「第一支部」问题清单（逾期）：1 个');
    expect(english).toBe(await b.h.say(b.sec, b.chat, '/问题 列表 逾期'));
    expect(await b.h.say(b.sec, b.chat, '/study stats this month')).toBe(await b.h.say(b.sec, b.chat, '/学习 统计 本月'));
    expect(await b.h.say(b.zhang, b.chat, '/due overdue')).toBe(await b.h.say(b.zhang, b.chat, '/截止 逾期'));
    expect(await b.h.say(b.zhang, b.chat, '/due overdue')).toContain('P1');
  });
});
