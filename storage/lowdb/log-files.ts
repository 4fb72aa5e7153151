import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Op, Snapshot } from './engine-types.js';

/** Where each record sits in its collection's list while a log is replayed onto a snapshot. */
export type Positions = Map<string, Map<string, number>>;

/** Applies one logged transaction to a snapshot being loaded. */
export function replay(s: Snapshot, ops: Op[], pos: Positions): void {
  for (const op of ops) {
    if (op.t === 'ctr') {
      s.counters[op.k] = op.v;
      continue;
    }
    const list = (s.collections[op.c] ??= []);
    let at = pos.get(op.c);
    if (!at) pos.set(op.c, (at = new Map(list.map((r, i) => [r.id, i]))));
    if (op.t === 'ins') {
      at.set(op.v.id, list.length);
      list.push(op.v);
    } else {
      const i = at.get(op.id);
      if (i !== undefined) list[i] = { ...list[i]!, ...op.v, id: op.id };
    }
  }
}

/** The log files of a data file, rotated ones oldest first and the live `.wal` last. */
export async function logFiles(file: string): Promise<string[]> {
  const dir = dirname(file);
  const base = basename(file) + '.wal';
  const names = await readdir(dir).catch(() => [] as string[]);
  const rotated = names
    .filter((n) => n.startsWith(base + '.'))
    .sort((a, b) => Number(a.slice(base.length + 1)) - Number(b.slice(base.length + 1)));
  return [...rotated, ...(names.includes(base) ? [base] : [])].map((n) => join(dir, n));
}

/** Removes the rotated logs beside `file` (a checkpoint's snapshot covers them); the live `.wal` stays. */
export async function removeRotatedLogs(file: string): Promise<void> {
  // No other checkpoint can have rotated one since the caller's started.
  for (const f of await logFiles(file)) {
    if (f !== `${file}.wal`) await unlink(f).catch(() => undefined);
  }
}
