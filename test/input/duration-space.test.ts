import { afterEach, describe, expect, it } from 'vitest';
import { extractDuration } from '../../commands/shared/duration.js';
import { bureau, type Bureau } from './setup.js';

let b: Bureau | undefined;
afterEach(async () => {
  await b?.h.close();
  b = undefined;
});

describe('a duration with a space between number and unit', () => {
  it.each([
    [['2', '小时', '自学', '党章'], 120, ['自学', '党章']],
    [['自学', '1.5', 'h', '党章'], 90, ['自学', '党章']],
    [['1', '小时', '30', '分钟', '党章'], 90, ['党章']],
    [['两', '小时', '党章'], 120, ['党章']],
    [['文明交通劝导', '3', '小时'], 180, ['文明交通劝导']],
  ])('%j', (words, minutes, rest) => {
    expect(extractDuration(words)).toEqual({ duration: { ok: true, minutes }, rest });
  });

  it('leaves a number that is not followed by a unit to the content', () => {
    expect(extractDuration(['2小时', '党章', '第', '2', '章'])).toEqual({ duration: { ok: true, minutes: 120 }, rest: ['党章', '第', '2', '章'] });
  });

  it('/学习 2 小时 自学 党章 is recorded', async () => {
    b = await bureau();
    expect(await b.h.say(b.zhang, b.chat, '/学习 2 小时 自学 党章')).toBe('已记录 S1：2026-11-23（周一）个人自学 2小时 党章，计入 张三');
    expect(await b.h.say(b.li, b.chat, '/志愿 文明交通劝导 3 小时')).toBe('已记录 S2：2026-11-23（周一）志愿服务 3小时 文明交通劝导，计入 李四');
  });
});
