import type { Op, Rec, Tables } from './engine-types.js';
import type { RecordMap } from './chunked-map.js';
import type { Indexes } from './indexes.js';

class ReadOnlyError extends Error {
  override name = 'ReadOnlyError';
}

/** What the tables of a transaction need from the engine that owns the data. */
export interface TableHost {
  /** The collection's live records; a write copies whatever part of it a read view shares (see ChunkedMap). */
  coll(c: string): RecordMap<Rec>;
  indexes(): Indexes;
  counters(): Record<string, number>;
  /** Adds a write to the running transaction's log line, with the step that undoes it. */
  record(op: Op, undo: () => void): void;
}

/** The tables a transaction sees: writes apply at once, are logged, and can be undone newest first. */
export function engineTables(mode: 'read' | 'write', host: TableHost): Tables {
  const guard = () => {
    if (mode === 'read') throw new ReadOnlyError('write inside a read-only transaction');
  };
  const by = <R extends Rec>(c: string, index: string, key: string): R[] => {
    const ids = host.indexes().ids(c, index, key);
    const m = host.coll(c);
    return ids ? [...ids].map((id) => m.get(id) as R) : [];
  };
  return {
    get: <R extends Rec>(c: string, id: string) => host.coll(c).get(id) as R | undefined,
    all: <R extends Rec>(c: string) => host.coll(c).values() as Iterable<R>,
    count: (c) => host.coll(c).size,
    by,
    // Live data changes under a transaction: each call gets a list of its own.
    byShared: by,
    insert: <R extends Rec>(c: string, r: R) => {
      guard();
      const m = host.coll(c);
      if (m.has(r.id)) throw new Error(`duplicate id ${c}/${r.id}`);
      m.set(r.id, r);
      host.indexes().update(c, undefined, r);
      host.record({ t: 'ins', c, v: r }, () => {
        host.coll(c).delete(r.id);
        host.indexes().update(c, r, undefined);
      });
      return r;
    },
    patch: <R extends Rec>(c: string, id: string, set: Partial<R>) => {
      guard();
      const m = host.coll(c);
      const old = m.get(id);
      if (!old) throw new Error(`no record ${c}/${id}`);
      const next = { ...old, ...set, id } as R;
      m.set(id, next);
      host.indexes().update(c, old, next);
      host.record({ t: 'set', c, id, v: set as Record<string, unknown> }, () => {
        host.coll(c).set(id, old);
        host.indexes().update(c, next, old);
      });
      return next;
    },
    next: (k) => {
      guard();
      const counters = host.counters();
      const prev = counters[k] ?? 0;
      counters[k] = prev + 1;
      host.record({ t: 'ctr', k, v: prev + 1 }, () => {
        host.counters()[k] = prev;
      });
      return prev + 1;
    },
  };
}
