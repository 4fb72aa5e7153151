import type { ChunkedMap } from './chunked-map.js';
import type { IndexFn, Rec, Tables } from './engine.js';

const NONE: readonly Rec[] = Object.freeze([]);

/**
 * Tables over collections frozen at one transaction: the engine copies a frozen collection before writing to it, so
 * a view stays consistent for as long as it is open without holding the writer lock. Indexes are made on first use
 * (see ChunkedMap.index): carried over from an earlier view's with the writes since, or built from the records.
 */
export function createReadView(frozen: ReadonlyMap<string, ChunkedMap<Rec>>, defs: Record<string, Record<string, IndexFn>>): Tables {
  const coll = (c: string) => {
    const m = frozen.get(c);
    if (!m) throw new Error(`unknown collection ${c}`);
    return m;
  };
  const index = (c: string, name: string) => {
    const fn = defs[c]?.[name];
    if (!fn) throw new Error(`unknown index ${c}.${name}`);
    return coll(c).index(name, fn);
  };
  const refuse = (): never => {
    throw new Error('write inside a read view');
  };
  return {
    get: <R extends Rec>(c: string, id: string) => coll(c).get(id) as R | undefined,
    all: <R extends Rec>(c: string) => coll(c).values() as Iterable<R>,
    count: (c) => coll(c).size,
    by: <R extends Rec>(c: string, name: string, key: string) => [...(index(c, name).get(key) ?? [])] as R[],
    byShared: <R extends Rec>(c: string, name: string, key: string) => (index(c, name).get(key) ?? NONE) as readonly R[],
    insert: refuse,
    patch: refuse,
    next: refuse,
  };
}
