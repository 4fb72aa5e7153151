import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkedMap } from '../../storage/lowdb/chunked-map.js';

type Step = { op: 'set'; k: string; v: number } | { op: 'delete'; k: string } | { op: 'snapshot' };

const key = fc.integer({ min: 0, max: 40 }).map((n) => `k${n}`);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), k: key, v: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), k: key }) },
  { weight: 1, arbitrary: fc.constant({ op: 'snapshot' as const }) },
);

const contents = (m: ReadonlyMap<string, number>) => [...m.entries()];

describe('ChunkedMap', () => {
  it('behaves as a Map, and every snapshot keeps the contents and order it had when taken, whatever is written after', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.array(step, { maxLength: 200 }), (chunkSize, steps) => {
        const live = new ChunkedMap<number>(chunkSize);
        const model = new Map<string, number>();
        const snaps: { snap: ChunkedMap<number>; expected: [string, number][] }[] = [];
        for (const s of steps) {
          if (s.op === 'set') {
            expect(live.set(s.k, s.v)).toBe(live);
            model.set(s.k, s.v);
          } else if (s.op === 'delete') {
            expect(live.delete(s.k)).toBe(model.delete(s.k));
          } else {
            const snap = live.snapshot();
            snaps.push({ snap, expected: contents(live) });
          }
          expect(live.size).toBe(model.size);
          // Compared as maps, order aside: a key deleted and set again keeps its old place here, where a Map moves it
          // to the end (only undo and archiving delete, and neither sets the key again).
          expect(new Map(contents(live))).toEqual(model);
          for (let i = 0; i <= 40; i++) {
            expect(live.get(`k${i}`)).toBe(model.get(`k${i}`));
            expect(live.has(`k${i}`)).toBe(model.has(`k${i}`));
          }
        }
        for (const { snap, expected } of snaps) {
          expect(contents(snap)).toEqual(expected);
          expect(snap.size).toBe(expected.length);
          for (const [k, v] of expected) expect(snap.get(k)).toBe(v);
          for (let i = 0; i <= 40; i++) if (!expected.some(([k]) => k === `k${i}`)) expect(snap.has(`k${i}`)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps insertion order for keys set once, across chunks', () => {
    const m = new ChunkedMap<number>(3);
    const keys = Array.from({ length: 10 }, (_, i) => `id${9 - i}`);
    keys.forEach((k, i) => m.set(k, i));
    m.set('id5', 99);
    expect([...m.keys()]).toEqual(keys);
    expect(m.get('id5')).toBe(99);
  });

  it('hands out the same snapshot until the next write, and refuses writes to a snapshot', () => {
    const m = new ChunkedMap<number>(2);
    m.set('a', 1);
    const s1 = m.snapshot();
    expect(m.snapshot()).toBe(s1);
    m.set('b', 2);
    const s2 = m.snapshot();
    expect(s2).not.toBe(s1);
    expect([...s1.keys()]).toEqual(['a']);
    expect([...s2.keys()]).toEqual(['a', 'b']);
    expect(() => s2.set('c', 3)).toThrow('write to a snapshot');
  });

  it('copies one chunk, not the collection, on the first write after a snapshot', () => {
    const m = new ChunkedMap<number>(4);
    for (let i = 0; i < 40; i++) m.set(`k${i}`, i);
    const before = m.snapshot();
    m.set('k5', -5);
    const after = m.snapshot();
    // Chunks are compared through their maps: all but the one written to are the same objects in both snapshots.
    const chunksOf = (s: ChunkedMap<number>) => (s as unknown as { chunks: { map: Map<string, number> }[] }).chunks.map((c) => c.map);
    const shared = chunksOf(before).filter((c, i) => c === chunksOf(after)[i]).length;
    expect(shared).toBe(9);
    expect(before.get('k5')).toBe(5);
    expect(after.get('k5')).toBe(-5);
  });
});

describe('ChunkedMap.index', () => {
  type Row = { id: string; tag?: string; tags: string[] };
  const byTag = (r: Row) => r.tag;
  const byTags = (r: Row) => r.tags;
  const fresh = (m: ReadonlyMap<string, Row>, keysOf: (r: Row) => string | string[] | undefined) => {
    const idx = new Map<string, string[]>();
    for (const r of m.values()) for (const k of [keysOf(r) ?? []].flat()) idx.set(k, [...(idx.get(k) ?? []), r.id]);
    return idx;
  };
  const ids = (idx: ReadonlyMap<string, readonly Row[]>) => new Map([...idx].map(([k, l]) => [k, l.map((r) => r.id)]));

  /** 200 rows tagged a, b and c in turn, in chunks of `chunkSize`, and a key function counting the values it keys. */
  function taggedRows(chunkSize: number) {
    const live = new ChunkedMap<Row>(chunkSize);
    for (let i = 0; i < 200; i++) live.set(`k${i}`, { id: `k${i}`, tag: ['a', 'b', 'c'][i % 3], tags: [] });
    const count = { keyed: 0 };
    const counted = (r: Row) => (count.keyed++, r.tag);
    return { live, count, counted };
  }
  const sorted = (idx: Map<string, string[]>) => new Map([...idx].sort(([a], [b]) => a.localeCompare(b)).map(([k, l]) => [k, [...l].sort()]));
  // Every key a value could be under, looked up one by one (how the store reads an index), absent ones left out.
  const looked = (idx: ReadonlyMap<string, readonly Row[]>) =>
    sorted(new Map(['a', 'b', 'c', 'x', 'y', 'z'].flatMap((k) => (idx.has(k) ? [[k, idx.get(k)!.map((r) => r.id)] as [string, string[]]] : [])).filter(([, l]) => l.length > 0)));
  const tag = fc.option(fc.constantFrom('a', 'b', 'c'), { nil: undefined });
  const rowStep = fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), k: key, tag, tags: fc.subarray(['x', 'y', 'z']) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), k: key }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('view' as const), which: fc.constantFrom('tag', 'tags', 'both') }) },
  );

  it('carried over from an earlier snapshot, holds the same values under each key as an index built afresh', () => {
    let carried = 0;
    fc.assert(
      fc.property(fc.array(rowStep, { maxLength: 150 }), (steps) => {
        const live = new ChunkedMap<Row>(3);
        for (const s of steps) {
          if (s.op === 'set') live.set(s.k, { id: s.k, ...(s.tag ? { tag: s.tag } : {}), tags: s.tags });
          else if (s.op === 'delete') live.delete(s.k);
          else {
            const snap = live.snapshot();
            const base = (snap as unknown as { base?: unknown }).base;
            if (s.which !== 'tags') expect(looked(snap.index('tag', byTag))).toEqual(sorted(fresh(snap, byTag)));
            if (s.which !== 'tag') expect(looked(snap.index('tags', byTags))).toEqual(sorted(fresh(snap, byTags)));
            if (s.which !== 'tags') expect(sorted(ids(snap.index('tag', byTag)))).toEqual(sorted(fresh(snap, byTag)));
            if (s.which !== 'tag') expect(sorted(ids(snap.index('tags', byTags)))).toEqual(sorted(fresh(snap, byTags)));
            if (base) carried++;
          }
        }
      }),
      { numRuns: 400 },
    );
    // It varies with the generated steps (99 in one CI run): the bound says carrying over was exercised, not how often.
    expect(carried, `carried over in ${carried} views`).toBeGreaterThan(40);
  });

  it('looks up the same lists as an index built afresh through many views in a row, each a layer over the last', () => {
    const layersOf = (idx: unknown) => (idx as { layers?: number }).layers ?? 0;
    let deepest = 0;
    let flattened = 0;
    fc.assert(
      fc.property(fc.array(fc.array(rowStep.filter((s) => s.op !== 'view'), { minLength: 1, maxLength: 4 }), { minLength: 40, maxLength: 60 }), (rounds) => {
        const live = new ChunkedMap<Row>(3);
        let before = 0;
        for (const writes of rounds) {
          for (const s of writes) {
            if (s.op === 'set') live.set(s.k, { id: s.k, ...(s.tag ? { tag: s.tag } : {}), tags: s.tags });
            else if (s.op === 'delete') live.delete(s.k);
          }
          const snap = live.snapshot();
          const idx = snap.index('tags', byTags);
          expect(looked(idx)).toEqual(sorted(fresh(snap, byTags)));
          const layers = layersOf(idx);
          deepest = Math.max(deepest, layers);
          if (before === 15 && layers === 0) flattened++;
          before = layers;
        }
      }),
      { numRuns: 50 },
    );
    expect([deepest, flattened > 0]).toEqual([15, true]);
  });

  it('merges a deep stack of layers over a large index instead of copying it, and makes one map once the changes are a quarter of its keys', () => {
    const layersOf = (idx: unknown) => (idx as { layers?: number }).layers ?? 0;
    const groups = Array.from({ length: 400 }, (_, g) => `g${g}`);
    const byGroup = (r: Row) => r.tag;
    fc.assert(
      // New records into (or out of) the first 40 groups: never more than 40 of the 400 keys change.
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 39 }), fc.boolean()), { minLength: 150, maxLength: 150 }), (writes) => {
        const live = new ChunkedMap<Row>(64);
        for (let i = 0; i < 2000; i++) live.set(`r${i}`, { id: `r${i}`, tag: groups[i % 400], tags: [] });
        live.snapshot().index('group', byGroup);
        const seen: number[] = [];
        const view = () => {
          const snap = live.snapshot();
          const idx = snap.index('group', byGroup);
          seen.push(layersOf(idx));
          const want = fresh(snap, byGroup);
          for (const k of groups) expect([...(idx.get(k) ?? [])].map((v) => v.id).sort()).toEqual((want.get(k) ?? []).sort());
        };
        // A first write, so that no view is the warmed snapshot itself (a delete of an absent record writes nothing).
        live.set('first', { id: 'first', tag: groups[0], tags: [] });
        for (const [n, g, remove] of writes) {
          if (remove) live.delete(`n${n}`);
          else live.set(`n${n}`, { id: `n${n}`, tag: groups[g], tags: [] });
          view();
        }
        // Never deeper than 15, merged to one layer every 16 views, and never copied whole.
        expect(Math.max(...seen)).toBe(15);
        expect(seen.filter((l, i) => l === 1 && seen[i - 1] === 15).length).toBeGreaterThanOrEqual(4);
        expect(seen.filter((l) => l === 0)).toEqual([]);
        // 120 more groups changed (over a quarter of 400): the next merge makes one map, and stacking starts again.
        for (let g = 0; g < 120; g++) live.set(`r${g}`, { id: `r${g}`, tag: groups[399 - g], tags: [] });
        for (let i = 0; i < 16; i++) {
          live.set(`m${i}`, { id: `m${i}`, tag: groups[0], tags: [] });
          view();
        }
        expect(seen.slice(-16)).toContain(0);
      }),
      { numRuns: 10, endOnFailure: true },
    );
  });

  it('keeps the collection order when values are only added or changed in place', () => {
    const live = new ChunkedMap<Row>(2);
    for (let i = 0; i < 9; i++) live.set(`k${i}`, { id: `k${i}`, tag: i % 2 ? 'odd' : 'even', tags: [] });
    live.snapshot().index('tag', byTag);
    live.set('k9', { id: 'k9', tag: 'odd', tags: [] });
    live.set('k3', { id: 'k3', tag: 'odd', tags: ['changed'] });
    live.set('k0', { id: 'k0', tag: 'even', tags: ['changed'] });
    const snap = live.snapshot();
    expect((snap as unknown as { base?: unknown }).base).toBeDefined();
    expect(ids(snap.index('tag', byTag))).toEqual(fresh(snap, byTag));
    expect(snap.index('tag', byTag).get('odd')!.find((r) => r.id === 'k3')!.tags).toEqual(['changed']);
  });

  it('keeps an index a view once asked for across writes no view reads it between, so the next view to ask carries it over (keys only the writes since)', () => {
    const { live, count, counted } = taggedRows(4);
    live.snapshot().index('tag', counted);
    live.snapshot().index('tags', byTags);
    // Leaders' views ask only for 'tags' through several writes; a branch's view then asks for 'tag'.
    for (let w = 0; w < 3; w++) {
      live.set(`n${w}`, { id: `n${w}`, tag: 'a', tags: ['x'] });
      live.snapshot().index('tags', byTags);
    }
    live.set('n3', { id: 'n3', tag: 'b', tags: [] });
    count.keyed = 0;
    const snap = live.snapshot();
    expect(ids(snap.index('tag', counted))).toEqual(fresh(snap, byTag));
    // Carried over: the four writes keyed (before and after each, none before an insert), never the 204 values.
    expect(count.keyed).toBeLessThanOrEqual(8);
  });

  it('keeps an index only warmed (as at a load) across writes while its lists are short, so the first view to ask carries it over', () => {
    const { live, count, counted } = taggedRows(4);
    live.snapshot().index('tag', counted, { warm: true });
    for (let w = 0; w < 3; w++) {
      live.set(`n${w}`, { id: `n${w}`, tag: 'a', tags: ['x'] });
      live.snapshot().index('tags', byTags);
    }
    count.keyed = 0;
    const snap = live.snapshot();
    expect(ids(snap.index('tag', counted))).toEqual(fresh(snap, byTag));
    // Carried over with the writes (a province's first branch card no longer builds the study log by branch): not 203.
    expect(count.keyed).toBeLessThanOrEqual(6);
  });

  it('stops carrying an index only warmed once a write makes one of its lists longer than 4,096, and builds it afresh when a view asks', () => {
    const { live, count, counted } = taggedRows(64);
    live.snapshot().index('tag', counted, { warm: true });
    count.keyed = 0;
    for (let i = 0; i < 4100; i++) live.set(`d${i}`, { id: `d${i}`, tag: 'a', tags: [] });
    live.snapshot().index('tags', byTags);
    for (let w = 0; w < 3; w++) {
      live.set(`n${w}`, { id: `n${w}`, tag: 'a', tags: ['x'] });
      live.snapshot().index('tags', byTags);
    }
    // Carried over once (the 4,100 writes keyed, as the next snapshot was cut), its list 'a' then too long to go on
    // carrying: the three writes after keyed nothing for it.
    expect(count.keyed).toBe(4100);
    count.keyed = 0;
    const snap = live.snapshot();
    expect(ids(snap.index('tag', counted))).toEqual(fresh(snap, byTag));
    expect(count.keyed).toBe(4303);
  });

  it('does not keep an index only warmed whose longest list is over 4,096 (an inbox\'s handled events): no write keys a value for it', () => {
    const live = new ChunkedMap<Row>(64);
    for (let i = 0; i < 5000; i++) live.set(`k${i}`, { id: `k${i}`, tag: i < 4097 ? 'done' : 'pending', tags: [] });
    let keyed = 0;
    const counted = (r: Row) => (keyed++, r.tag);
    live.snapshot().index('tag', counted, { warm: true });
    keyed = 0;
    for (let w = 0; w < 3; w++) {
      live.set(`n${w}`, { id: `n${w}`, tag: 'done', tags: ['x'] });
      live.snapshot().index('tags', byTags);
    }
    // The writes did not key values for an index no view read (its one long list would be copied at every write).
    expect(keyed).toBe(0);
    const snap = live.snapshot();
    expect(ids(snap.index('tag', counted))).toEqual(fresh(snap, byTag));
  });
});
