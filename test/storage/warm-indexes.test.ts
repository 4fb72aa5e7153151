import { describe, expect, it } from 'vitest';
import { ChunkedMap } from '../../storage/lowdb/chunked-map.js';
import { COLLECTIONS } from '../../storage/lowdb/collections.js';
import { MemoryData } from '../../storage/lowdb/memory-data.js';

/** The collections a MemoryData's next read view is taken from (internal: what the test looks at). */
const frozenMaps = (data: MemoryData) => (data as unknown as { colls: { freeze(): ReadonlyMap<string, ChunkedMap<{ id: string }>> } }).colls.freeze();
type Internals = { indexes: Map<string, unknown>; base?: { indexes: Map<string, unknown> } };
/** Indexes a view's collection has without building: its own (nothing written since the load) or its base's. */
const readyIndexes = (m: ChunkedMap<{ id: string }>) => {
  const i = m as unknown as Internals;
  return [...new Set([...i.indexes.keys(), ...(i.base?.indexes.keys() ?? [])])].sort();
};

describe('read-view indexes after a load', () => {
  it('are built once at load, so the first view after a start carries every one over instead of building it', () => {
    const data = new MemoryData(COLLECTIONS);
    const studyRecords = Array.from({ length: 50 }, (_, i) => ({ id: `S${i}`, personId: `ou_${i % 7}`, branchId: `B${i % 3}`, date: '2026-11-30', attendees: [] }));
    data.load({ schemaVersion: 1, lastTx: 0, counters: {}, collections: { studyRecords } });
    // A write after the load, as the first transaction after a start: that collection's view carries its indexes over.
    data.begin();
    data.views.write.insert('studyRecords', { id: 'S50', personId: 'ou_3', branchId: 'B0', date: '2026-11-30', attendees: [] });
    const first = frozenMaps(data);
    expect((first.get('studyRecords') as unknown as Internals).base).toBeDefined();
    for (const [name, fns] of Object.entries(COLLECTIONS)) expect(readyIndexes(first.get(name)!), name).toEqual(Object.keys(fns).sort());
    // And the view's lookups are right: a person's records through the carried-over index.
    expect(data.freeze().by('studyRecords', 'participant', 'ou_3').map((r) => r.id)).toEqual(['S3', 'S10', 'S17', 'S24', 'S31', 'S38', 'S45', 'S50']);
  });
});
