/** A limit of `max` events in any window of `windowMs`. */
export interface Rate {
  max: number;
  windowMs: number;
}

/** The limits a Throttle keeps: per key (chat or person), app-wide, and the least gap between any two sends. */
export interface Rates {
  perKey: Rate;
  global: Rate[];
  /** Sends are spread at least this far apart, so a burst sent together cannot arrive together. */
  spacingMs?: number;
}

/**
 * Feishu allows 5 messages/s per chat and 50/s, 1000/min per app. Sends are paced evenly at 45/s rather than in
 * bursts: a burst that leaves late (say behind a token fetch) and the next on time would arrive within one second
 * and be refused with 429. The minute budget is Feishu's own count over a window one second longer: admitted
 * exactly 60 s after the first, the 1,001st send arrives within 60 s of it whenever the first took longer on its way
 * (a token fetch, a busy event loop), and Feishu counts arrivals (the replica test saw 429s at the window's edge).
 * Still no margin on the count, so a fan-out to 1,000 chats is not held back for 40 s.
 */
export const FEISHU_RATES: Rates = {
  perKey: { max: 4, windowMs: 1000 },
  global: [
    { max: 45, windowMs: 1000 },
    { max: 1000, windowMs: 61_000 },
  ],
  spacingMs: 1000 / 45,
};

interface Waiter {
  key: string;
  grant: () => void;
}

/**
 * Rate limiter: `acquire(key)` resolves when one more send fits under every global rate, the per-key rate and the
 * spacing. Waiters are served in arrival order, except that one held back only by its own key lets later ones by.
 * One timer serves all waiters, so a thousand queued sends cost no more than one. Time is monotonic
 * (`performance.now()` unless injected): a wall clock stepped back by NTP must not hold sends back.
 */
export class Throttle {
  private readonly global: number[] = [];
  private readonly perKey = new Map<string, number[]>();
  private readonly waiting: Waiter[] = [];
  /** When the next send is due on the even schedule (spacing); a late timer does not push the schedule back. */
  private due = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly rates: Rates = FEISHU_RATES,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Resolves when a send to `key` fits; rejects with the signal's reason if it is aborted first. */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((grant, refuse) => {
      const onAbort = () => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        if (this.waiting.length === 0 && this.timer) {
          clearTimeout(this.timer);
          this.timer = undefined;
        }
        refuse(signal!.reason);
      };
      const w: Waiter = {
        key,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          grant();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(w);
      this.pump();
    });
  }

  /** Sends waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.waiting.length > 0) {
      const t = this.now();
      this.prune(t);
      const globalWait = this.globalWait(t);
      if (globalWait > 0) return this.later(globalWait);
      let soonest = Infinity;
      const i = this.waiting.findIndex((w) => {
        const wait = this.keyWait(w.key, t);
        soonest = Math.min(soonest, wait);
        return wait <= 0;
      });
      if (i < 0) return this.later(soonest);
      const [w] = this.waiting.splice(i, 1);
      this.global.push(t);
      const own = this.perKey.get(w!.key);
      if (own) own.push(t);
      else this.perKey.set(w!.key, [t]);
      const spacing = this.rates.spacingMs ?? 0;
      this.due = (t - this.due < spacing ? this.due : t) + spacing;
      w!.grant();
    }
  }

  private later(ms: number): void {
    this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(ms)));
  }

  private prune(t: number): void {
    const longest = Math.max(...this.rates.global.map((r) => r.windowMs));
    let drop = 0;
    while (drop < this.global.length && this.global[drop]! <= t - longest) drop++;
    if (drop > 0) this.global.splice(0, drop);
    if (this.perKey.size > 1000) {
      for (const [k, list] of this.perKey) if (list.at(-1)! <= t - this.rates.perKey.windowMs) this.perKey.delete(k);
    }
  }

  private globalWait(t: number): number {
    let wait = this.due - t;
    for (const r of this.rates.global) {
      // The send that would leave the window first, if the window is full.
      const n = this.countSince(t - r.windowMs);
      if (n >= r.max) wait = Math.max(wait, this.global[this.global.length - r.max]! + r.windowMs - t);
    }
    return wait;
  }

  private countSince(from: number): number {
    let lo = 0;
    let hi = this.global.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.global[mid]! > from) hi = mid;
      else lo = mid + 1;
    }
    return this.global.length - lo;
  }

  private keyWait(key: string, t: number): number {
    const { max, windowMs } = this.rates.perKey;
    const own = (this.perKey.get(key) ?? []).filter((x) => x > t - windowMs);
    if (own.length === 0) this.perKey.delete(key);
    else this.perKey.set(key, own);
    return own.length >= max ? own[own.length - max]! + windowMs - t : 0;
  }
}
