/** A limit of `max` events in any window of `windowMs`. */
export interface Rate {
  max: number;
  windowMs: number;
}

/**
 * Sliding-window rate limiter: `acquire(key)` waits until one more send fits under every global rate and the
 * per-key rate. Feishu allows 5 messages/s per chat and 50/s, 1000/min per app; the defaults stay below them.
 */
export class Throttle {
  private readonly global: number[] = [];
  private readonly perKey = new Map<string, number[]>();

  constructor(
    private readonly rates: { perKey: Rate; global: Rate[] } = {
      perKey: { max: 4, windowMs: 1000 },
      global: [
        { max: 40, windowMs: 1000 },
        { max: 990, windowMs: 60_000 },
      ],
    },
    private readonly now: () => number = () => Date.now(),
  ) {}

  async acquire(key: string): Promise<void> {
    for (;;) {
      const wait = this.waitFor(key);
      if (wait <= 0) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    const t = this.now();
    this.global.push(t);
    const list = this.perKey.get(key) ?? [];
    list.push(t);
    this.perKey.set(key, list);
  }

  private waitFor(key: string): number {
    const t = this.now();
    const longest = Math.max(this.rates.perKey.windowMs, ...this.rates.global.map((r) => r.windowMs));
    while (this.global.length > 0 && this.global[0]! <= t - longest) this.global.shift();
    const own = (this.perKey.get(key) ?? []).filter((x) => x > t - this.rates.perKey.windowMs);
    if (own.length === 0) this.perKey.delete(key);
    else this.perKey.set(key, own);
    let wait = 0;
    if (own.length >= this.rates.perKey.max) wait = Math.max(wait, own[own.length - this.rates.perKey.max]! + this.rates.perKey.windowMs - t);
    for (const r of this.rates.global) {
      const inWindow = this.global.filter((x) => x > t - r.windowMs);
      if (inWindow.length >= r.max) wait = Math.max(wait, inWindow[inWindow.length - r.max]! + r.windowMs - t);
    }
    return wait > 0 ? wait + 1 : 0;
  }
}
