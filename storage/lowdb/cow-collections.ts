import type { Rec } from './engine-types.js';

/**
 * The live collections, copy-on-write: a read view freezes the current maps, and a map a view still holds is copied
 * before the next write to it, so the view sees the data as of the moment it was taken.
 */
export class CowCollections {
  readonly maps = new Map<string, Map<string, Rec>>();
  /** How many open read views hold each map. */
  private readonly holds = new Map<Map<string, Rec>, number>();
  /**
   * Indexes read views built over each map, reused by later views of the same unchanged map: a view of 100,000 study
   * records otherwise rebuilt its index on every command. Dropped when the map is written in place.
   */
  readonly viewIndexes = new WeakMap<ReadonlyMap<string, Rec>, Map<string, Map<string, Rec[]>>>();

  get(c: string): Map<string, Rec> {
    const m = this.maps.get(c);
    if (!m) throw new Error(`unknown collection ${c}`);
    return m;
  }

  /** The collection's map, copied first if an open read view holds it. */
  writable(c: string): Map<string, Rec> {
    const m = this.get(c);
    if (!this.holds.has(m)) {
      this.viewIndexes.delete(m);
      return m;
    }
    const copy = new Map(m);
    this.maps.set(c, copy);
    return copy;
  }

  /** The current maps, held until the returned release is called. */
  freeze(): { frozen: ReadonlyMap<string, ReadonlyMap<string, Rec>>; release: () => void } {
    const frozen = new Map(this.maps);
    for (const m of frozen.values()) this.holds.set(m, (this.holds.get(m) ?? 0) + 1);
    return {
      frozen,
      release: () => {
        for (const m of frozen.values()) {
          const n = this.holds.get(m)! - 1;
          if (n === 0) this.holds.delete(m);
          else this.holds.set(m, n);
        }
      },
    };
  }
}
