import { ChunkedMap } from './chunked-map.js';
import type { Rec } from './engine-types.js';

/**
 * The live collections, copy-on-write: a read view takes each collection's snapshot, and the next write to a part a
 * snapshot shares copies that part first (one chunk of a collection, see ChunkedMap), so the view sees the data as of
 * the moment it was taken.
 */
export class CowCollections {
  readonly maps = new Map<string, ChunkedMap<Rec>>();

  get(c: string): ChunkedMap<Rec> {
    const m = this.maps.get(c);
    if (!m) throw new Error(`unknown collection ${c}`);
    return m;
  }

  /** The collections as of now, unchanged by later writes. */
  freeze(): ReadonlyMap<string, ChunkedMap<Rec>> {
    const frozen = new Map<string, ChunkedMap<Rec>>();
    for (const [name, m] of this.maps) frozen.set(name, m.snapshot());
    return frozen;
  }
}
