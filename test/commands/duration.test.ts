import { describe, expect, it } from 'vitest';
import { extractDuration, formatDuration, parseDuration } from '../../commands/shared/duration.js';

describe('parseDuration', () => {
  it.each([
    ['2小时', 120],
    ['2个小时', 120],
    ['两小时', 120],
    ['1.5h', 90],
    ['1.5H', 90],
    ['１.５小时', 90],
    ['90分钟', 90],
    ['90分', 90],
    ['45min', 45],
    ['2h30m', 150],
    ['2小时30分钟', 150],
    ['2小时30分', 150],
    ['两小时三十分钟', 150],
    ['2小时半', 150],
    ['一个半小时', 90],
    ['1个半小时', 90],
    ['半小时', 30],
    ['半天', 240],
    ['一天', 480],
    ['24小时', 1440],
    ['1.33h', 80],
  ])('%s → %i minutes', (text, minutes) => {
    expect(parseDuration(text)).toEqual({ ok: true, minutes });
  });

  it.each([['25小时'], ['1500分钟'], ['24h1m']])('%s is a duration over 24 hours and is refused', (text) => {
    const r = parseDuration(text);
    expect(r).toMatchObject({ ok: false });
    expect(r && !r.ok && r.error).toContain('超过 24 小时');
  });

  it.each([['0小时'], ['0分钟'], ['0h']])('%s is zero and is refused', (text) => {
    const r = parseDuration(text);
    expect(r && !r.ok && r.error).toContain('为 0');
  });

  it.each([['党章'], ['《习近平著作选读》'], ['2'], ['3天后'], ['h'], ['小时'], ['研讨'], ['2026年']])('%s is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('extractDuration', () => {
  it('takes a whole word wherever it stands', () => {
    expect(extractDuration(['文明交通劝导', '3小时'])).toEqual({ duration: { ok: true, minutes: 180 }, rest: ['文明交通劝导'] });
    expect(extractDuration(['2小时', '研讨', '《论党的建设》'])).toEqual({ duration: { ok: true, minutes: 120 }, rest: ['研讨', '《论党的建设》'] });
  });

  it('splits a duration written flush before or after the text', () => {
    expect(extractDuration(['2小时研讨《党章》'])).toEqual({ duration: { ok: true, minutes: 120 }, rest: ['研讨《党章》'] });
    expect(extractDuration(['文明交通劝导3小时'])).toEqual({ duration: { ok: true, minutes: 180 }, rest: ['文明交通劝导'] });
    expect(extractDuration(['2h30m自学'])).toEqual({ duration: { ok: true, minutes: 150 }, rest: ['自学'] });
  });

  it('reports no duration when there is none, keeping the words', () => {
    expect(extractDuration(['研讨', '《党章》'])).toEqual({ rest: ['研讨', '《党章》'] });
    expect(extractDuration([])).toEqual({ rest: [] });
  });

  it('passes a refused duration through so the caller names it', () => {
    expect(extractDuration(['30小时', '自学']).duration).toMatchObject({ ok: false });
  });
});

describe('formatDuration', () => {
  it.each([
    [120, '2小时'],
    [90, '1.5小时'],
    [150, '2.5小时'],
    [30, '30分钟'],
    [45, '45分钟'],
    [100, '1小时40分钟'],
    [240, '4小时'],
  ])('%i minutes → %s', (minutes, text) => {
    expect(formatDuration(minutes)).toBe(text);
  });
});
