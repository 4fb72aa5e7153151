import { CowCollections } from '../lowdb/cow-collections.js';
import { engineTables } from '../lowdb/engine-tables.js';
import type { IndexFn, Op, Rec, Snapshot, Tables } from '../lowdb/engine-types.js';
import { Indexes } from '../lowdb/indexes.js';
import { createReadView } from '../lowdb/read-view.js';

/**
 * One replica's copy of the data in the embedded engine's structures (copy-on-write collections, live indexes), to
 * which the transactions other replicas logged are applied as they are read from the database.
 */
export class MemoryData {
  private readonly colls = new CowCollections();
  private readonly indexes: Indexes;
  private counters: Record<string, number> = {};
  /** The running transaction's writes and their undo steps; transactions run one at a time under the caller's lock. */
  private ctx: { ops: Op[]; undo: (() => void)[] } = { ops: [], undo: [] };
  readonly views: { read: Tables; write: Tables };

  constructor(private readonly defs: Record<string, Record<string, IndexFn>>) {
    this.indexes = new Indexes(defs);
    const host = (mode: 'read' | 'write') =>
      engineTables(mode, {
        coll: (c) => this.colls.get(c),
        writable: (c) => this.colls.writable(c),
        indexes: () => this.indexes,
        counters: () => this.counters,
        record: (op, undo) => {
          this.ctx.ops.push(op);
          this.ctx.undo.push(undo);
        },
      });
    this.views = { read: host('read'), write: host('write') };
  }

  load(snap: Snapshot): void {
    this.counters = { ...snap.counters };
    for (const name of Object.keys(this.defs)) {
      const map = new Map<string, Rec>();
      this.colls.maps.set(name, map);
      for (const r of snap.collections[name] ?? []) {
        map.set(r.id, r);
        this.indexes.update(name, undefined, r);
      }
    }
  }

  /** Applies a committed transaction (read from the log) to the live collections; it is never undone. */
  apply(ops: readonly Op[]): void {
    for (const op of ops) {
      if (op.t === 'ctr') {
        this.counters[op.k] = op.v;
        continue;
      }
      const m = this.colls.writable(op.c);
      const old = op.t === 'ins' ? undefined : m.get(op.id);
      if (op.t === 'set' && !old) continue;
      const next = op.t === 'ins' ? op.v : ({ ...old, ...op.v, id: op.id } as Rec);
      m.set(next.id, next);
      this.indexes.update(op.c, old, next);
    }
  }

  /** Starts collecting a transaction's writes; the returned lists fill as the verbs write. */
  begin(): { ops: Op[]; undo: (() => void)[] } {
    this.ctx = { ops: [], undo: [] };
    return this.ctx;
  }

  /** Tables over the data as of now, kept as they are while later writes go on, until `release`. */
  freeze(): { tables: Tables; release: () => void } {
    const { frozen, release } = this.colls.freeze();
    return { tables: createReadView(frozen, this.defs), release };
  }

  /** The whole data as of now, for a snapshot row; records are never changed in place, so copying the lists suffices. */
  snapshot(lastTx: number, schemaVersion: number, mode: string | undefined): Snapshot {
    const collections: Record<string, Rec[]> = {};
    for (const [name, map] of this.colls.maps) collections[name] = [...map.values()];
    return { lastTx, schemaVersion, mode, counters: { ...this.counters }, collections };
  }
}
