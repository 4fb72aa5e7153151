/** How long a long computation may keep the thread before it lets waiting I/O (acknowledgements) run. */
const SLICE_MS = 2;

let sliceStart = performance.now();

/**
 * Lets the event loop run if the current slice of work has taken more than a few milliseconds: long reports and
 * exports call it in their loops, so an ack never waits behind them for more than one slice per I/O step.
 */
export async function yieldIfBusy(): Promise<void> {
  if (performance.now() - sliceStart < SLICE_MS) return;
  await new Promise<void>((r) => setImmediate(r));
  sliceStart = performance.now();
}
