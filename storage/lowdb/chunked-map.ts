/** How many keys one chunk holds: a write after a snapshot copies one chunk, not the collection. */
const CHUNK = 1024;
/** More changes than this between two snapshots and a snapshot's indexes are built afresh rather than carried over. */
const MAX_DELTA = 20_000;

/**
 * The longest list an index warmed at a load (and asked for by no view since) may hold, at the load and in each list a
 * write changes, and still be carried over from write to write (copying one costs microseconds). One not kept is
 * built afresh by the first view to ask after a write, which at province scale was the study log by branch: 100-180 ms
 * of a replica's first branch card.
 */
const MAX_WARM_KEPT = 4096;

/** Layers an index may stack over the one it was carried over from before they are merged (see LayeredIndex.compact). */
const MAX_LAYERS = 16;
/** Merged layers are made one map with the index beneath them once they hold more than this share of its keys. */
const MERGED_SHARE = 1 / 4;

/** One write: the value before (absent for an insert) and after (absent for a delete). */
export type Change<V> = readonly [before: V | undefined, after: V | undefined];

/** The keys a value is found under in one index (none, one, or several). */
export type IndexKeys<V> = (v: V) => string | readonly string[] | undefined;

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
  /** The most recent snapshot, changed or not since, and the writes made after it (undefined once too many). */
  private prev: ChunkedMap<V> | undefined;
  private pending: Change<V>[] | undefined = [];
  /** On a snapshot: an earlier snapshot whose indexes it can carry over, and the writes between the two. */
  private base: ChunkedMap<V> | undefined;
  private delta: readonly Change<V>[] | undefined;
  /** On a snapshot: its indexes by name, built or carried over on first use. */
  private readonly indexes = new Map<string, Index<V>>();
  /**
   * On a snapshot: the indexes a read view asked for here or on a snapshot before it, and how each keys a value, so a
   * later snapshot carries them over even when no view asked between two writes. An index warmed at a load is kept so
   * only while no list in it, nor any list a write changes, is longer than MAX_WARM_KEPT: carrying over copies the
   * lists a write changes, and the inbox's one list of 7 days' handled events, which no view reads, would be copied
   * after every event for ever.
   */
  private readonly kept = new Map<string, IndexKeys<V>>();
  /** The kept indexes no view has asked for (only warmed): dropped from `kept` once a carried list grows long. */
  private readonly warmOnly = new Set<string>();

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
    const before = chunk.get(key);
    if (!chunk.has(key)) this.count++;
    chunk.set(key, value);
    this.note([before, value]);
    return this;
  }

  delete(key: string): boolean {
    const i = this.where.get(key);
    if (i === undefined || !this.chunks[i]?.map.has(key)) return false;
    const chunk = this.own(i);
    this.note([chunk.get(key), undefined]);
    chunk.delete(key);
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
    // Indexes come over from the newest snapshot that has any (with the writes since), so only one such base is
    // kept alive: a base handed on is cut from its own, and can then only build what it lacks.
    const prev = this.prev;
    if (prev && prev.indexes.size > 0) {
      prev.inherit();
      snap.base = prev;
      snap.delta = this.pending;
      prev.base = undefined;
      prev.delta = undefined;
    } else if (prev?.base && prev.delta && this.pending && prev.delta.length + this.pending.length <= MAX_DELTA) {
      snap.base = prev.base;
      snap.delta = prev.delta.concat(this.pending);
    }
    this.prev = snap;
    this.pending = [];
    this.latest = snap;
    // Every chunk now belongs to the snapshot too: the next write to one copies it first.
    this.gen++;
    return this.latest;
  }

  /**
   * A snapshot's index `name`: key → values in the order they came under the key. Carried over from the base
   * snapshot's with the writes between them where it has one (a pass over the changes and the keys), else built from
   * every value (a pass over the collection, which at 100,000 study records each view after a write repeated).
   */
  index(name: string, keysOf: IndexKeys<V>, opts: { warm?: boolean } = {}): Index<V> {
    if (!this.frozen) throw new Error('indexes are built on snapshots');
    let idx = this.indexes.get(name);
    if (!idx) {
      const from = this.base?.indexes.get(name);
      idx = from && this.delta ? carryOver(from, this.delta, keysOf) : build(this.values(), keysOf);
      this.indexes.set(name, idx);
    }
    if (!opts.warm) {
      this.kept.set(name, keysOf);
      this.warmOnly.delete(name);
    } else if (!this.kept.has(name) && longestList(idx) <= MAX_WARM_KEPT) {
      this.kept.set(name, keysOf);
      this.warmOnly.add(name);
    }
    return idx;
  }

  /**
   * Before a snapshot is cut from its base, carries over every index a view asked for on the base or before it:
   * otherwise an index no view asked for between two writes (a branch's study records while leaders read 全局 cards)
   * was lost with the base, and the next view to ask built it from the whole collection (650 ms of a province's
   * branch card).
   */
  private inherit(): void {
    const base = this.base;
    if (!base || !this.delta) return;
    for (const [name, keysOf] of base.kept) this.index(name, keysOf, { warm: base.warmOnly.has(name) });
  }

  private note(change: Change<V>): void {
    if (!this.pending) return;
    if (this.pending.length >= MAX_DELTA) this.pending = undefined;
    else this.pending.push(change);
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

const keyList = <V>(keysOf: IndexKeys<V>, v: V | undefined): readonly string[] => {
  if (v === undefined) return [];
  const k = keysOf(v);
  return k === undefined ? [] : typeof k === 'string' ? [k] : k;
};

function build<V>(values: Iterable<V>, keysOf: IndexKeys<V>): Map<string, V[]> {
  const idx = new Map<string, V[]>();
  for (const v of values) {
    for (const k of keyList(keysOf, v)) {
      const list = idx.get(k);
      if (list) list.push(v);
      else idx.set(k, [v]);
    }
  }
  return idx;
}

type Index<V> = ReadonlyMap<string, readonly V[]>;

/** The length of the longest list in an index: of a carried-over one, the longest a write changed. */
function longestList<V>(idx: Index<V>): number {
  let most = 0;
  for (const l of idx instanceof LayeredIndex ? idx.changed() : idx.values()) if (l.length > most) most = l.length;
  return most;
}

/**
 * An index as the lists of the keys that changed, over the index it was carried over from: carrying an index over
 * costs the changes, where copying it cost every key (40,000 people's study lists at each view after a write, a
 * tenth of a busy province replica's time). `get` looks down the layers (what the store reads); anything else makes
 * one map first, whose key order after merged layers (`compact`) may differ from a map copied and changed in turn.
 */
class LayeredIndex<V> implements Index<V> {
  private flat: Map<string, readonly V[]> | undefined;

  constructor(
    /** Changed keys; an empty list is a key no value is under any more. */
    private readonly top: ReadonlyMap<string, readonly V[]>,
    private readonly below: Index<V>,
    readonly layers: number,
  ) {}

  get(key: string): readonly V[] | undefined {
    const l = this.top.get(key);
    if (l !== undefined) return l.length > 0 ? l : undefined;
    return this.below.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** The index as one map, in the order a map copied and then changed would have (keys keep their first place). */
  flatten(): Map<string, readonly V[]> {
    if (this.flat) return this.flat;
    // One copy of the bottom map with each layer's changes applied from the bottom up (flattening each layer in turn
    // would copy every key once per layer).
    const tops: ReadonlyMap<string, readonly V[]>[] = [];
    let at: Index<V> = this;
    while (at instanceof LayeredIndex && !at.flat) {
      tops.push(at.top);
      at = at.below;
    }
    const m = new Map(at instanceof LayeredIndex ? at.flat! : at);
    for (let i = tops.length - 1; i >= 0; i--) {
      for (const [k, l] of tops[i]!) {
        if (l.length > 0) m.set(k, l);
        else m.delete(k);
      }
    }
    this.flat = m;
    return m;
  }

  /**
   * The same lookups with one layer: the changed keys of every layer merged over the map beneath them, or, once they
   * are a large share of its keys, one map. Making one map every MAX_LAYERS views after a write copied every key
   * (40-50 ms for a province's study lists by person, a stall on every replica every few seconds under load);
   * merging copies the keys changed since the last map.
   */
  compact(): Index<V> {
    const tops: ReadonlyMap<string, readonly V[]>[] = [];
    let at: Index<V> = this;
    while (at instanceof LayeredIndex && !at.flat) {
      tops.push(at.top);
      at = at.below;
    }
    const bottom: Index<V> = at instanceof LayeredIndex ? at.flat! : at;
    const merged = new Map<string, readonly V[]>();
    for (let i = tops.length - 1; i >= 0; i--) for (const [k, l] of tops[i]!) merged.set(k, l);
    return merged.size > bottom.size * MERGED_SHARE ? this.flatten() : new LayeredIndex(merged, bottom, 1);
  }

  /** The lists of the keys changed in the top layer (all of them, once merged). */
  changed(): Iterable<readonly V[]> {
    return this.top.values();
  }

  get size(): number {
    return this.flatten().size;
  }

  entries(): MapIterator<[string, readonly V[]]> {
    return this.flatten().entries();
  }

  keys(): MapIterator<string> {
    return this.flatten().keys();
  }

  values(): MapIterator<readonly V[]> {
    return this.flatten().values();
  }

  [Symbol.iterator](): MapIterator<[string, readonly V[]]> {
    return this.entries();
  }

  forEach(fn: (value: readonly V[], key: string, map: Index<V>) => void): void {
    for (const [k, l] of this.entries()) fn(l, k, this);
  }
}

/** The base's index with the changes applied, as a layer over it; a list the base holds is copied before it changes. */
function carryOver<V>(from: Index<V>, delta: readonly Change<V>[], keysOf: IndexKeys<V>): Index<V> {
  const changed = new Map<string, V[]>();
  const list = (k: string): V[] => {
    let l = changed.get(k);
    if (!l) changed.set(k, (l = [...(from.get(k) ?? [])]));
    return l;
  };
  for (const [before, after] of delta) {
    const was = keyList(keysOf, before);
    const now = keyList(keysOf, after);
    for (const k of was) {
      const l = list(k);
      const at = l.indexOf(before!);
      if (at < 0) continue;
      // A value changed in place keeps its place under a key it stays under, as a list built afresh would have it.
      if (now.includes(k)) l[at] = after!;
      else l.splice(at, 1);
    }
    for (const k of now) if (!was.includes(k)) list(k).push(after!);
  }
  const layers = from instanceof LayeredIndex ? from.layers + 1 : 1;
  const idx = new LayeredIndex<V>(changed, from, layers);
  // A deep stack makes every lookup walk it and keeps old layers alive.
  return layers >= MAX_LAYERS ? idx.compact() : idx;
}
