/**
 * Runs tasks one at a time per key and at most `limit` at a time across keys; urgent tasks take the next free slot
 * before the others. `idle()` waits for all. A bounded number of tasks in flight leaves the event loop to whatever
 * else is waiting (the webhook acknowledging new events) instead of letting a backlog of thousands crowd it out.
 * `close()` drops the tasks that have not started.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly waiting: { urgent: (() => void)[]; normal: (() => void)[] } = { urgent: [], normal: [] };
  private running = 0;
  private closed = false;

  constructor(private readonly limit = Infinity) {}

  push(key: string, task: () => Promise<void>, opts: { urgent?: boolean } = {}): void {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const run = async () => {
      await this.slot(opts.urgent ?? false);
      try {
        if (!this.closed) await task();
      } finally {
        this.release();
      }
    };
    const next = prev.then(run, run).catch(() => undefined);
    this.tails.set(key, next);
    this.inflight.add(next);
    void next.then(() => {
      this.inflight.delete(next);
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }

  /** Lets running tasks finish and skips every task not yet started; `idle()` then waits for the running ones only. */
  close(): void {
    this.closed = true;
    for (const wake of [...this.waiting.urgent.splice(0), ...this.waiting.normal.splice(0)]) {
      this.running++;
      wake();
    }
  }

  private slot(urgent: boolean): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((r) => (urgent ? this.waiting.urgent : this.waiting.normal).push(r));
  }

  private release(): void {
    const next = this.waiting.urgent.shift() ?? this.waiting.normal.shift();
    if (next) next();
    else this.running--;
  }

  get size(): number {
    return this.inflight.size;
  }

  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }
}
