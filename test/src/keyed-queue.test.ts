import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../../src/keyed-queue.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('keyed queue', () => {
  it('runs at most `limit` tasks at once, one at a time per key and in order, urgent ones first when a slot frees', async () => {
    const q = new KeyedQueue(2);
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const gates = new Map<string, () => void>();
    const task = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      log.push(`start ${name}`);
      await new Promise<void>((r) => gates.set(name, r));
      running--;
    };
    q.push('a', task('a1'));
    q.push('a', task('a2'));
    q.push('b', task('b1'));
    q.push('c', task('c1'));
    q.push('d', task('d1'), { urgent: true });
    await tick();
    expect(log).toEqual(['start a1', 'start b1']);
    gates.get('b1')!();
    await tick();
    // The urgent task takes the free slot ahead of c1, which was queued before it.
    expect(log).toEqual(['start a1', 'start b1', 'start d1']);
    gates.get('a1')!();
    gates.get('d1')!();
    await tick();
    await tick();
    // a2 waited for a1 (same key), c1 for a slot.
    expect(log.slice(3).sort()).toEqual(['start a2', 'start c1']);
    gates.get('a2')!();
    gates.get('c1')!();
    await q.idle();
    expect(most).toBe(2);
  });
});
