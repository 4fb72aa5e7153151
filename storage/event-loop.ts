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

/** How many items a sliced loop handles between looks at the clock. */
const CHECK_EVERY = 1024;

/**
 * `items.filter(keep)` mapped through `to`, then sorted by `compare`, in slices that let waiting I/O run: a year of
 * study records is ~100k objects, whose one-block filter and sort held acknowledgements back by ~70 ms.
 */
export async function filterSortInSlices<T, U>(items: Iterable<T>, keep: (t: T) => boolean, to: (t: T) => U, compare: (a: U, b: U) => number): Promise<U[]> {
  const kept: U[] = [];
  let n = 0;
  for (const it of items) {
    if (++n % CHECK_EVERY === 0) await yieldIfBusy();
    if (keep(it)) kept.push(to(it));
  }
  // Sorted runs of one slice each, then merged pairwise: each step is short enough to yield between.
  let runs: U[][] = [];
  for (let i = 0; i < kept.length; i += CHECK_EVERY * 4) {
    runs.push(kept.slice(i, i + CHECK_EVERY * 4).sort(compare));
    await yieldIfBusy();
  }
  while (runs.length > 1) {
    const next: U[][] = [];
    for (let i = 0; i < runs.length; i += 2) next.push(i + 1 < runs.length ? await merge(runs[i]!, runs[i + 1]!, compare) : runs[i]!);
    runs = next;
  }
  return runs[0] ?? [];
}

async function merge<U>(a: U[], b: U[], compare: (x: U, y: U) => number): Promise<U[]> {
  // Records are mostly entered in date order, so runs often follow one another already.
  if (a.length === 0 || b.length === 0 || compare(a[a.length - 1]!, b[0]!) <= 0) return a.concat(b);
  const out: U[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++) {
    if (k % CHECK_EVERY === 0) await yieldIfBusy();
    // Ties take from the left run first, so the merge is stable like Array.prototype.sort.
    out[k] = j >= b.length || (i < a.length && compare(a[i]!, b[j]!) <= 0) ? a[i++]! : b[j++]!;
  }
  return out;
}
