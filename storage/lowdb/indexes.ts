import type { IndexFn, Rec } from './engine-types.js';

/** The keys a record is found under in one index (none for an absent record). */
export function keysOf(fn: IndexFn, r: Rec | undefined): readonly string[] {
  if (!r) return [];
  const k = fn(r);
  return k === undefined ? [] : typeof k === 'string' ? [k] : k;
}

/** The live secondary indexes of every collection: index key → ids, kept in step with each write. */
export class Indexes {
  private readonly byColl = new Map<string, Map<string, Map<string, Set<string>>>>();

  constructor(private readonly defs: Record<string, Record<string, IndexFn>>) {
    for (const [c, fns] of Object.entries(defs)) this.byColl.set(c, new Map(Object.keys(fns).map((name) => [name, new Map()])));
  }

  /** Ids under `key` in the index, or undefined; an unknown index is a programming error. */
  ids(c: string, index: string, key: string): Set<string> | undefined {
    const idx = this.byColl.get(c)?.get(index);
    if (!idx) throw new Error(`unknown index ${c}.${index}`);
    return idx.get(key);
  }

  /** Moves a record from the keys of `before` to those of `after` (either may be absent). */
  update(c: string, before: Rec | undefined, after: Rec | undefined): void {
    const idx = this.byColl.get(c)!;
    for (const [name, fn] of Object.entries(this.defs[c] ?? {})) {
      const map = idx.get(name)!;
      const oldKeys = keysOf(fn, before);
      const newKeys = keysOf(fn, after);
      for (const k of oldKeys) if (!newKeys.includes(k)) map.get(k)?.delete(before!.id);
      for (const k of newKeys) {
        let set = map.get(k);
        if (!set) map.set(k, (set = new Set()));
        set.add(after!.id);
      }
    }
  }
}
