import type { IndexFn, Rec, Tables } from './engine.js';

/**
 * Tables over collections frozen at one transaction: the engine copies a frozen collection before writing to it, so
 * a view stays consistent for as long as it is open without holding the writer lock. Indexes are built on first use
 * from the frozen records, which costs one pass per index instead of a copy of every index at open.
 */
export function createReadView(
  frozen: ReadonlyMap<string, ReadonlyMap<string, Rec>>,
  defs: Record<string, Record<string, IndexFn>>,
  /** Indexes by map, shared by the views of one store (see CowCollections.viewIndexes). */
  shared = new WeakMap<ReadonlyMap<string, Rec>, Map<string, Map<string, Rec[]>>>(),
): Tables {
  const coll = (c: string) => {
    const m = frozen.get(c);
    if (!m) throw new Error(`unknown collection ${c}`);
    return m;
  };
  const index = (c: string, name: string) => {
    const m = coll(c);
    let built = shared.get(m);
    if (!built) shared.set(m, (built = new Map()));
    let idx = built.get(name);
    if (idx) return idx;
    const fn = defs[c]?.[name];
    if (!fn) throw new Error(`unknown index ${c}.${name}`);
    idx = new Map();
    for (const r of m.values()) {
      const k = fn(r);
      for (const one of k === undefined ? [] : typeof k === 'string' ? [k] : k) {
        let list = idx.get(one);
        if (!list) idx.set(one, (list = []));
        list.push(r);
      }
    }
    built.set(name, idx);
    return idx;
  };
  const refuse = (): never => {
    throw new Error('write inside a read view');
  };
  return {
    get: <R extends Rec>(c: string, id: string) => coll(c).get(id) as R | undefined,
    all: <R extends Rec>(c: string) => coll(c).values() as Iterable<R>,
    count: (c) => coll(c).size,
    by: <R extends Rec>(c: string, name: string, key: string) => [...(index(c, name).get(key) ?? [])] as R[],
    insert: refuse,
    patch: refuse,
    next: refuse,
  };
}
