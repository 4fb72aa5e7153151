import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs a full garbage collection and returns how long it took. Opening the store leaves the data's whole text behind
 * (a province's snapshot row is 250 MB of JSON, held as a string twice that size, and the bytes it came in): until the
 * first full collection, which would otherwise fall in the middle of serving (a 256 ms stall in one bench run), that
 * garbage doubles the process's memory. Called once, after opening and before serving. `gc` is taken from a fresh
 * context, as jest does for its heap figures, so it is never a global of the program or its dependencies.
 */
export function collectLoadGarbage(): number {
  const t0 = performance.now();
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  gc();
  return Math.round(performance.now() - t0);
}
