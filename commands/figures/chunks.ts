/** How many items of a list are counted and kept together: a change to one item counts its run again, not the list. */
export const CHUNK = 4096;

/** What was counted for each run of a list, and what each run's items read then. */
export class ChunkMemo<R> {
  readonly runs: { read: unknown[]; value: R }[] = [];
}

/**
 * Calls `use` with `count`'s result for each run of CHUNK items of `list`, in order, reusing the result kept in `memo`
 * when every item of the run reads as it did then (`read` writes the `width` values an item is counted from, itself
 * first); `use` is told whether it was kept. A store replaces an item on a write and only ever appends to its lists, so a province's ledger, asked again,
 * is counted again only where it changed.
 */
export function eachChunk<T, R>(list: readonly T[], memo: ChunkMemo<R> | undefined, width: number, read: (item: T, out: unknown[], at: number) => void, count: (items: readonly T[]) => R, use: (r: R, kept: boolean) => void): void {
  const scratch: unknown[] = new Array(width);
  for (let c = 0; c * CHUNK < list.length; c++) {
    const end = Math.min(list.length, (c + 1) * CHUNK);
    const kept = memo?.runs[c];
    if (kept !== undefined && kept.read.length === (end - c * CHUNK) * width && same(list, c * CHUNK, end, kept.read, width, read, scratch)) {
      use(kept.value, true);
      continue;
    }
    const items = list.slice(c * CHUNK, end);
    const value = count(items);
    if (memo !== undefined) {
      const readNow: unknown[] = new Array(items.length * width);
      items.forEach((item, i) => read(item, readNow, i * width));
      memo.runs[c] = { read: readNow, value };
    }
    use(value, false);
  }
  if (memo !== undefined) memo.runs.length = Math.min(memo.runs.length, Math.ceil(list.length / CHUNK));
}

function same<T>(list: readonly T[], from: number, to: number, kept: readonly unknown[], width: number, read: (item: T, out: unknown[], at: number) => void, scratch: unknown[]): boolean {
  for (let i = from; i < to; i++) {
    read(list[i]!, scratch, 0);
    const at = (i - from) * width;
    for (let k = 0; k < width; k++) if (scratch[k] !== kept[at + k]) return false;
  }
  return true;
}

/** The memo kept for `key` (a cutoff, a window) in `memos`, made when new; only the last few keys asked for are kept. */
export function memoFor<V>(memos: Map<string, V>, key: string, make: () => V): V {
  let memo = memos.get(key);
  if (memo === undefined) {
    if (memos.size >= 8) memos.delete(memos.keys().next().value!);
    memos.set(key, (memo = make()));
  }
  return memo;
}

/** What is kept of a ledger's problems and of their measures, for one cutoff (see countLedger). */
export interface LedgerMemo<P, M> {
  problems: ChunkMemo<P>;
  measures: ChunkMemo<M>;
  /** Counts the times a run of problems was counted again: measures read with an older count are counted again. */
  version: number;
}

/** An empty LedgerMemo. */
export function ledgerMemo<P, M>(): LedgerMemo<P, M> {
  return { problems: new ChunkMemo<P>(), measures: new ChunkMemo<M>(), version: 0 };
}

/**
 * `eachChunk` over a ledger's problems and then its measures: a measure is counted with its problem's state, so any
 * run of problems counted again counts every measure again (`countMeasures` is given every run of problems).
 */
export function countLedger<T, U, P, M>(
  ledger: { problems: readonly T[]; measures: readonly U[] },
  memo: LedgerMemo<P, M> | undefined,
  problems: { width: number; read: (p: T, out: unknown[], at: number) => void; count: (ps: readonly T[]) => P; use: (r: P) => void },
  measures: { width: number; read: (m: U, out: unknown[], at: number) => void; count: (ms: readonly U[], problems: readonly P[]) => M; use: (r: M) => void },
): void {
  const runs: P[] = [];
  eachChunk(ledger.problems, memo?.problems, problems.width, problems.read, problems.count, (run, same) => {
    runs.push(run);
    problems.use(run);
    if (!same && memo) memo.version++;
  });
  const version = memo?.version;
  const read = (m: U, out: unknown[], at: number) => {
    measures.read(m, out, at);
    out[at + measures.width] = version;
  };
  eachChunk(ledger.measures, memo?.measures, measures.width + 1, read, (ms) => measures.count(ms, runs), measures.use);
}
