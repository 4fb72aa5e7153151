import { ChunkedMap } from './chunked-map.js';
import type { Rec } from './engine-types.js';

/**
 * The live collections, copy-on-write: a read view takes each collection's snapshot, and the next write to a part a
 * snapshot shares copies that part first (one chunk of a collection, see ChunkedMap), so the view sees the data as of
 * the moment it was taken.
 */
export class CowCollections {
  readonly maps = new Map<string, ChunkedMap<Rec>>();
  /**
   * Indexes read views built over each snapshot, reused by later views while the collection is unchanged (its
   * snapshot is then the same object): a view of 100,000 study records otherwise rebuilt its index on every command.
   */
  readonly viewIndexes = new WeakMap<ReadonlyMap<string, Rec>, Map<string, Map<string, Rec[]>>>();

  get(c: string): ChunkedMap<Rec> {
    const m = this.maps.get(c);
    if (!m) throw new Error(`unknown collection ${c}`);
    return m;
  }

  /** The collections as of now, unchanged by later writes. */
  freeze(): ReadonlyMap<string, ReadonlyMap<string, Rec>> {
    const frozen = new Map<string, ReadonlyMap<string, Rec>>();
    for (const [name, m] of this.maps) frozen.set(name, m.snapshot());
    return frozen;
  }
}
