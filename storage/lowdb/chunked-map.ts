/** How many keys one chunk holds: a write after a snapshot copies one chunk, not the collection. */
const CHUNK = 1024;

interface Chunk<V> {
  map: Map<string, V>;
  /** The snapshot generation the chunk belongs to: older than the map's current one means a snapshot shares it. */
  gen: number;
}

/** A collection's records as a map that can be written to: `set`, `delete`, and snapshots that later writes leave alone. */
export interface RecordMap<V> extends ReadonlyMap<string, V> {
  set(key: string, value: V): this;
  delete(key: string): boolean;
}

/**
 * A map kept in insertion-ordered chunks, whose snapshot costs a copy of the chunk list and whose first write after a
 * snapshot copies only the chunk written to: a read view over 100,000 study records otherwise made the next
 * acknowledgement copy the whole collection. The key → chunk directory is only ever added to (a key keeps its
 * chunk), so snapshots share it; a snapshot looking up a key added later finds no such key in its own chunk.
 */
export class ChunkedMap<V> implements RecordMap<V> {
  private chunks: Chunk<V>[] = [];
  private where = new Map<string, number>();
  private count = 0;
  private gen = 0;
  private frozen = false;
  /** The snapshot handed out since the last write, handed out again until the map changes. */
  private latest: ChunkedMap<V> | undefined;

  /** `chunkSize` is for tests that cross chunk boundaries with a few keys. */
  constructor(private readonly chunkSize = CHUNK) {}

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const i = this.where.get(key);
    return i === undefined ? undefined : this.chunks[i]?.map.get(key);
  }

  has(key: string): boolean {
    const i = this.where.get(key);
    return i !== undefined && (this.chunks[i]?.map.has(key) ?? false);
  }

  set(key: string, value: V): this {
    let i = this.where.get(key);
    if (i === undefined || i >= this.chunks.length) {
      const last = this.chunks.length - 1;
      i = last >= 0 && this.chunks[last]!.map.size < this.chunkSize ? last : this.chunks.push({ map: new Map(), gen: this.gen }) - 1;
      this.where.set(key, i);
    }
    const chunk = this.own(i);
    if (!chunk.has(key)) this.count++;
    chunk.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    const i = this.where.get(key);
    if (i === undefined || !this.chunks[i]?.map.has(key)) return false;
    this.own(i).delete(key);
    this.count--;
    return true;
  }

  /**
   * The map as it is now, unchanged by later writes to this one; the same object until the next write, so that what
   * is built over a snapshot (a read view's indexes) is reused while the collection does not change.
   */
  snapshot(): ChunkedMap<V> {
    if (this.latest) return this.latest;
    const snap = new ChunkedMap<V>(this.chunkSize);
    Object.assign(snap, { where: this.where, chunks: this.chunks.slice(), count: this.count, frozen: true });
    this.latest = snap;
    // Every chunk now belongs to the snapshot too: the next write to one copies it first.
    this.gen++;
    return this.latest;
  }

  /** The chunk at i, copied first if a snapshot shares it. */
  private own(i: number): Map<string, V> {
    if (this.frozen) throw new Error('write to a snapshot');
    this.latest = undefined;
    const chunk = this.chunks[i]!;
    if (chunk.gen === this.gen) return chunk.map;
    const copy = { map: new Map(chunk.map), gen: this.gen };
    this.chunks[i] = copy;
    return copy.map;
  }

  *entries(): MapIterator<[string, V]> {
    for (const c of this.chunks) yield* c.map.entries();
  }

  *keys(): MapIterator<string> {
    for (const c of this.chunks) yield* c.map.keys();
  }

  *values(): MapIterator<V> {
    for (const c of this.chunks) yield* c.map.values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }
}
