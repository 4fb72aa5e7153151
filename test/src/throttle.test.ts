import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FEISHU_RATES, Throttle } from '../../src/throttle.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Grants `n` slots over `keys` on simulated time and returns each grant's key and moment. */
async function grants(t: Throttle, n: number, keyOf: (i: number) => string): Promise<{ key: string; at: number }[]> {
  const out: { key: string; at: number }[] = [];
  const all = Array.from({ length: n }, (_, i) => t.acquire(keyOf(i)).then(() => out.push({ key: keyOf(i), at: Date.now() })));
  await vi.runAllTimersAsync();
  await Promise.all(all);
  return out;
}

function most(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('throttle (simulated clock)', () => {
  it('spreads a fan-out evenly under Feishu’s app limits: at most 45 a second, 1,000 a minute, never two at once', async () => {
    const got = await grants(new Throttle(), 1100, (i) => `c:oc_${i}`);
    const times = got.map((g) => g.at);
    expect(got).toHaveLength(1100);
    expect(most(times, 1000)).toBeLessThanOrEqual(45);
    expect(most(times, 60_000)).toBeLessThanOrEqual(1000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(Math.floor(FEISHU_RATES.spacingMs!));
    // The 1,001st waits for the minute window rather than squeezing in.
    expect(times[1000]! - times[0]!).toBeGreaterThanOrEqual(60_000);
  });

  it('holds one busy chat to 4 a second without holding up the others', async () => {
    const got = await grants(new Throttle(), 30, (i) => (i < 20 ? 'c:busy' : `c:quiet${i}`));
    const busy = got.filter((g) => g.key === 'c:busy').map((g) => g.at);
    expect(most(busy, 1000)).toBeLessThanOrEqual(4);
    // Queued after the busy chat's twenty, the quiet chats still go out before most of them.
    const lastQuiet = Math.max(...got.filter((g) => g.key !== 'c:busy').map((g) => g.at));
    expect(busy.filter((t) => t > lastQuiet).length).toBeGreaterThan(10);
  });
});
