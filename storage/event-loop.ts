/** How long a long computation may keep the thread before it lets waiting I/O (acknowledgements) run. */
const SLICE_MS = 2;

/** When the current slice of work began: the first call after the loop last turned starts one. */
let sliceStart: number | undefined;

function startSlice(): number {
  sliceStart = performance.now();
  // The slice lasts until the loop turns; the first caller after that starts the next. (Timed from the last yield
  // instead, every report waited a turn at its first read, however short its work.)
  setImmediate(() => (sliceStart = undefined));
  return sliceStart;
}

/**
 * Lets the event loop run if the current slice of work has taken more than a few milliseconds: long reports and
 * exports call it in their loops, so an ack never waits behind them for more than one slice per I/O step.
 */
export async function yieldIfBusy(): Promise<void> {
  // One shared turn per loop iteration: fifty callers resumed by the same turn must not each start a fresh slice,
  // or they run back to back while I/O waits; whoever finds the slice used up waits for the next turn.
  while (performance.now() - (sliceStart ?? startSlice()) >= SLICE_MS) {
    turn ??= new Promise<void>((r) =>
      setImmediate(() => {
        turn = undefined;
        r();
      }),
    );
    await turn;
  }
}

let turn: Promise<void> | undefined;
