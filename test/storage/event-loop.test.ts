import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { yieldIfBusy } from '../../storage/event-loop.js';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('yieldIfBusy', () => {
  it('lets a short report through without waiting a turn, however long the loop was idle before it', async () => {
    await sleep(20);
    let turned = false;
    setImmediate(() => (turned = true));
    for (let i = 0; i < 20; i++) await yieldIfBusy();
    expect(turned).toBe(false);
  });

  it('lets waiting I/O run once the work has kept the thread for a slice', async () => {
    await sleep(5);
    let turned = false;
    await yieldIfBusy();
    setImmediate(() => (turned = true));
    busy(3);
    await yieldIfBusy();
    expect(turned).toBe(true);
  });

  it('starts a new slice after each turn: work resumed by a turn runs a slice before it waits again', async () => {
    await sleep(5);
    await yieldIfBusy();
    busy(3);
    await yieldIfBusy();
    let turned = false;
    setImmediate(() => (turned = true));
    await yieldIfBusy();
    expect(turned).toBe(false);
    busy(3);
    await yieldIfBusy();
    expect(turned).toBe(true);
  });
});
