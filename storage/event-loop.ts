/** How long a long computation may keep the thread before it lets waiting I/O (acknowledgements) run. */
const SLICE_MS = 2;

let sliceStart = performance.now();

/**
 * Lets the event loop run if the current slice of work has taken more than a few milliseconds: long reports and
 * exports call it in their loops, so an ack never waits behind them for more than one slice per I/O step.
 */
export async function yieldIfBusy(): Promise<void> {
  // One shared turn per loop iteration: fifty callers resumed by the same turn must not each start a fresh slice,
  // or they run back to back while I/O waits; whoever finds the slice used up waits for the next turn.
  while (performance.now() - sliceStart >= SLICE_MS) {
    turn ??= new Promise<void>((r) =>
      setImmediate(() => {
        turn = undefined;
        sliceStart = performance.now();
        r();
      }),
    );
    await turn;
  }
}

let turn: Promise<void> | undefined;
