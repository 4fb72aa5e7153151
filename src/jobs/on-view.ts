import type { Store, Tx } from '../../storage/store.js';
import { yieldIfBusy } from '../../commands/shared/event-loop.js';
import type { JobReport } from './types.js';

/** The view a job computed on is out of date: a once-only mark it relied on was taken meanwhile. */
class StaleViewError extends Error {
  override name = 'StaleViewError';
}

/**
 * Runs a job's body on a read view outside the writer lock and then commits its few writes in one short
 * transaction, so a digest or bulletin over the whole bureau never delays acknowledging events. Once-only marks
 * (markSent, a frozen bulletin) are checked again in that transaction; if another run took one meanwhile, the
 * writes are dropped and the body runs again under the lock, so a notice is never queued twice.
 */
export async function transactOnView<T>(store: Store, report: JobReport, body: (tx: Tx) => Promise<T>): Promise<T> {
  const writes: ((tx: Tx) => Promise<void>)[] = [];
  const before = { sent: report.sent.length, skipped: report.skipped.length };
  const result = await store.view((view) => body(recording(view, writes)));
  if (writes.length === 0) return result;
  try {
    await store.transact(async (tx) => {
      for (const w of writes) await w(tx);
    });
    return result;
  } catch (err) {
    if (!(err instanceof StaleViewError)) throw err;
    // What the first pass reported was never committed.
    report.sent.length = before.sent;
    report.skipped.length = before.skipped;
    return store.transact(body);
  }
}

/** The view, with the writes jobs make recorded for the commit instead of applied; any other write throws. */
function recording(view: Tx, writes: ((tx: Tx) => Promise<void>)[]): Tx {
  const marked = new Set<string>();
  const bulletins = new Map<string, Parameters<Tx['saveBulletin']>[0]>();
  const overrides: Partial<Tx> = {
    async markSent(key, job, at) {
      // Each notice is a natural pause in a job's loop over the bureau: waiting acknowledgements get their turn.
      await yieldIfBusy();
      if (marked.has(key) || (await view.wasSent(key))) return false;
      marked.add(key);
      writes.push(async (tx) => {
        if (!(await tx.markSent(key, job, at))) throw new StaleViewError(key);
      });
      return true;
    },
    async wasSent(key) {
      return marked.has(key) || view.wasSent(key);
    },
    async enqueue(msg) {
      writes.push(async (tx) => void (await tx.enqueue(msg)));
      return { ...msg, status: 'pending', attempts: 0 } as Awaited<ReturnType<Tx['enqueue']>>;
    },
    async saveBulletin(b) {
      bulletins.set(b.id, b);
      writes.push(async (tx) => {
        if (await tx.getBulletin(b.id)) throw new StaleViewError(b.id);
        await tx.saveBulletin(b);
      });
    },
    async getBulletin(id) {
      return bulletins.get(id) ?? view.getBulletin(id);
    },
  };
  return { ...view, ...overrides };
}
