/** Runs tasks one at a time per key and concurrently across keys; `idle()` waits for all. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();

  push(key: string, task: () => Promise<void>): void {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task).catch(() => undefined);
    this.tails.set(key, next);
    this.inflight.add(next);
    void next.then(() => {
      this.inflight.delete(next);
      if (this.tails.get(key) === next) this.tails.delete(key);
    });
  }

  get size(): number {
    return this.inflight.size;
  }

  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }
}
