import { createPrng } from './prng.js';
import type { FaultReply, Faults, RandomFaults } from './open-platform-types.js';

/** Queued and random fault injection; `pickFault` answers the fault (if any) for one request. */
export function createFaults(): { faults: Faults; pickFault: (method: string, path: string) => FaultReply | undefined } {
  interface QueuedFault {
    path: RegExp;
    reply: FaultReply;
    left: number;
  }
  let queued: QueuedFault[] = [];
  let randomFaults: (RandomFaults & { nextFloat: () => number }) | null = null;

  const faults: Faults = {
    next(path, reply, times = 1) {
      queued.push({ path, reply, left: times });
    },
    random(o) {
      randomFaults = o ? { ...o, nextFloat: createPrng(o.seed ?? 1).next } : null;
    },
    clear() {
      queued = [];
      randomFaults = null;
    },
    pending() {
      return queued.reduce((n, f) => n + f.left, 0);
    },
  };

  function pickFault(method: string, path: string): FaultReply | undefined {
    const methodOk = (r: FaultReply) => !r.method || r.method.toUpperCase() === method;
    const q = queued.find((f) => f.left > 0 && f.path.test(path) && methodOk(f.reply));
    if (q) {
      q.left -= 1;
      queued = queued.filter((f) => f.left > 0);
      return q.reply;
    }
    const r = randomFaults;
    if (r && (!r.path || r.path.test(path)) && r.nextFloat() < r.rate) {
      const replies = r.replies?.length ? r.replies : [{ status: 429 }, { status: 500 }];
      const reply = replies[Math.floor(r.nextFloat() * replies.length)];
      if (reply && methodOk(reply)) return reply;
    }
    return undefined;
  }
  return { faults, pickFault };
}
