import type { Outbound, OutboundContent } from '../storage/records.js';
import type { Store, Tx } from '../storage/store.js';
import type { Job, JobDeps, JobReport } from './jobs/types.js';

/** A message a dry run would have queued. */
export interface WouldSend {
  id: string;
  to: Outbound['to'];
  content: OutboundContent;
}

class RolledBack extends Error {
  constructor(readonly result: unknown) {
    super('dry run: rolled back');
  }
}

/**
 * Runs a job as of `at` and reports the messages it would queue, leaving the store untouched: every transaction the
 * job opens runs for real (so it sees and decides exactly as a real run) and is then rolled back by throwing.
 */
export async function dryRunJob(job: Job, at: Date, deps: JobDeps): Promise<{ report: JobReport; messages: WouldSend[] }> {
  const messages: WouldSend[] = [];
  const enqueue =
    (tx: Tx): Tx['enqueue'] =>
    async (msg) => {
      messages.push({ id: msg.id, to: msg.to, content: msg.content });
      return tx.enqueue(msg);
    };
  const capturing = (tx: Tx): Tx => new Proxy(tx, { get: (t, key, receiver) => (key === 'enqueue' ? enqueue(t) : Reflect.get(t, key, receiver)) });
  const real = deps.store;
  const store: Store = {
    async transact(fn) {
      try {
        await real.transact(async (tx) => {
          throw new RolledBack(await fn(capturing(tx)));
        });
      } catch (err) {
        if (err instanceof RolledBack) return err.result as never;
        throw err;
      }
      throw new Error('unreachable: a dry-run transaction always rolls back');
    },
    read: (fn, opts) => real.read(fn, opts),
    view: (fn) => real.view(fn),
    health: () => real.health(),
    // A dry run writes nothing: a file a job would send is named, not stored.
    files: { put: async () => 'dry-run', read: (key) => real.files.read(key), drop: async () => undefined },
    close: () => Promise.reject(new Error('a dry run does not close the store')),
  };
  const report = await job.run(at, { ...deps, store });
  return { report, messages };
}
