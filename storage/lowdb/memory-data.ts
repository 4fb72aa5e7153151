import { ChunkedMap } from './chunked-map.js';
import { CowCollections } from './cow-collections.js';
import { engineTables } from './engine-tables.js';
import type { IndexFn, Op, Rec, Snapshot, Tables } from './engine-types.js';
import { Indexes } from './indexes.js';
import { createReadView } from './read-view.js';

/** Runs a transaction's undo steps (from `MemoryData.begin`), newest first. */
export function undoAll(steps: readonly (() => void)[]): void {
  for (let i = steps.length - 1; i >= 0; i--) steps[i]!();
}

/**
 * The data in memory (copy-on-write collections, live indexes, counters) and the tables transactions see over it,
 * whatever keeps it durable: a write-ahead file (the embedded store) or a log table other replicas also write to.
 */
export class MemoryData {
  private readonly colls = new CowCollections();
  private indexes: Indexes;
  private counters: Record<string, number> = {};
  /** The running transaction's writes and their undo steps; transactions run one at a time under the caller's lock. */
  private ctx: { ops: Op[]; undo: (() => void)[] } = { ops: [], undo: [] };
  /** One view per mode, made once: building the tables (and the verbs over them) per transaction is measurable. */
  readonly views: { read: Tables; write: Tables };

  constructor(private readonly defs: Record<string, Record<string, IndexFn>>) {
    this.indexes = new Indexes(defs);
    const host = (mode: 'read' | 'write') =>
      engineTables(mode, {
        coll: (c) => this.colls.get(c),
        indexes: () => this.indexes,
        counters: () => this.counters,
        record: (op, undo) => {
          this.ctx.ops.push(op);
          this.ctx.undo.push(undo);
        },
      });
    this.views = { read: host('read'), write: host('write') };
  }

  /**
   * Replaces the data with a snapshot's (read views already taken keep theirs) and builds the read views' indexes
   * once: the first views after a start carry them over instead of each building its own (at province scale each
   * index of the study records took a second, and the first ten seconds of replies waited behind them).
   */
  load(snap: Snapshot): void {
    this.indexes = new Indexes(this.defs);
    this.counters = { ...snap.counters };
    for (const name of Object.keys(this.defs)) {
      const map = new ChunkedMap<Rec>();
      this.colls.maps.set(name, map);
      for (const r of snap.collections[name] ?? []) {
        map.set(r.id, r);
        this.indexes.update(name, undefined, r);
      }
    }
    const frozen = this.colls.freeze();
    for (const [name, fns] of Object.entries(this.defs)) for (const [index, fn] of Object.entries(fns)) frozen.get(name)!.index(index, fn, { warm: true });
  }

  /** The live collections (read only: writes go through the tables, `apply` or `drop`). */
  get maps(): ReadonlyMap<string, ReadonlyMap<string, Rec>> {
    return this.colls.maps;
  }

  /** Applies a transaction another process committed (read from the shared log) to the live collections. */
  apply(ops: readonly Op[]): void {
    for (const op of ops) {
      if (op.t === 'ctr') {
        this.counters[op.k] = op.v;
        continue;
      }
      const m = this.colls.get(op.c);
      const old = op.t === 'ins' ? undefined : m.get(op.id);
      if (op.t === 'set' && !old) continue;
      const next = op.t === 'ins' ? op.v : ({ ...old, ...op.v, id: op.id } as Rec);
      m.set(next.id, next);
      this.indexes.update(op.c, old, next);
    }
  }

  /** Removes a record that left memory (archived), unless it changed since it was chosen. */
  drop(c: string, v: Rec): void {
    const map = this.colls.get(c);
    if (map.get(v.id) !== v) return;
    map.delete(v.id);
    this.indexes.update(c, v, undefined);
  }

  /** Starts collecting a transaction's writes; the returned lists fill as the verbs write. */
  begin(): { ops: Op[]; undo: (() => void)[] } {
    this.ctx = { ops: [], undo: [] };
    return this.ctx;
  }

  /** Tables over the data as of now, kept as they are while later writes go on. */
  freeze(): Tables {
    return createReadView(this.colls.freeze(), this.defs);
  }

  /** The whole data as of now, for a snapshot row; records are never changed in place, so copying the lists suffices. */
  snapshot(lastTx: number, schemaVersion: number, mode: string | undefined): Snapshot {
    const collections: Record<string, Rec[]> = {};
    for (const [name, map] of this.colls.maps) collections[name] = [...map.values()];
    return { schemaVersion, lastTx, mode, counters: { ...this.counters }, collections };
  }
}
