import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectLoadGarbage } from '../../src/load-garbage.js';

describe('collectLoadGarbage', () => {
  it('frees what opening left unreferenced, and leaves no gc function in the program or in contexts made later', () => {
    // Half a million parsed records no longer referenced, as the snapshot's text is once parsed (tens of MB).
    let junk: unknown[] | undefined = JSON.parse(JSON.stringify(Array.from({ length: 500_000 }, (_, i) => ({ id: `r${i}`, n: i, text: `第${i}条记录` }))));
    expect(junk).toHaveLength(500_000);
    const held = process.memoryUsage().heapUsed;
    junk = undefined;
    const ms = collectLoadGarbage();
    const after = process.memoryUsage().heapUsed;
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(held - after).toBeGreaterThan(30 * 1024 * 1024);
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});
