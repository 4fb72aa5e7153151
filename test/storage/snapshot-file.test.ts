import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../storage/lowdb/engine.js';
import { SnapshotFile } from '../../storage/lowdb/snapshot-file.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'duban-snap-')), 'duban.json');

// Strings that could confuse a line-by-line reader if they were not escaped: newlines, the JS line separators,
// a record that ends like a collection header or a closing bracket, quotes and backslashes, Chinese text.
const tricky: Snapshot = {
  schemaVersion: 3,
  lastTx: 42,
  counters: { S: 7, 'P12-': 2 },
  collections: {
    studyRecords: [
      { id: 'S1', content: '第一行\n第二行\r\n第三行', note: 'sep\u2028para\u2029end', who: 'ou_0123456789abcdef0123456789abcdef' },
      { id: 'S2', content: '":[', tail: '],', close: '}}', quote: '"\\', who: 'ou_0123456789abcdef0123456789abcdef' },
    ] as never,
    empty: [],
    people: [{ id: 'ou_x', name: '张三', nested: { by: 'ou_0123456789abcdef0123456789abcdef', list: ['B1', 'B1'] } }] as never,
  },
};

describe('snapshot file', () => {
  it('writes ordinary JSON, one record per line, and reads back exactly what was written', async () => {
    const file = tempFile();
    const f = new SnapshotFile(file);
    await f.write(tricky);
    const text = readFileSync(file, 'utf8');
    // Any JSON reader sees the data plus the checksum of the lines before the last.
    const { sum, ...data } = JSON.parse(text);
    expect(data).toEqual(tricky);
    expect(sum).toMatch(/^[0-9a-f]{32}$/);
    expect(text.split('\n').filter((l) => l.startsWith('{"id":'))).toHaveLength(3);
    expect(f.bytes).toBe(Buffer.byteLength(text));
    expect(await new SnapshotFile(file).read()).toEqual(tricky);
    // The temporary file was renamed over the snapshot, not left behind.
    expect(readdirSync(join(file, '..'))).toEqual(['duban.json']);
  });

  it('hands back one shared string for a repeated id, with values unchanged', async () => {
    const file = tempFile();
    await new SnapshotFile(file).write(tricky);
    const snap = (await new SnapshotFile(file).read())!;
    const [a, b] = snap.collections.studyRecords as unknown as { who: string }[];
    expect(a!.who).toBe(b!.who);
    expect((snap.collections.people![0] as unknown as { nested: { by: string } }).nested.by).toBe(a!.who);
  });

  it('reads a compact snapshot written by lowdb’s own JSON adapter, and a missing file as nothing', async () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify(tricky));
    expect(await new SnapshotFile(file).read()).toEqual(tricky);
    expect(await new SnapshotFile(file + '.absent').read()).toBeNull();
  });

  it('refuses a truncated snapshot instead of loading half the data', async () => {
    const file = tempFile();
    await new SnapshotFile(file).write(tricky);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf('"empty"')));
    await expect(new SnapshotFile(file).read()).rejects.toThrow('truncated');
    expect(existsSync(file)).toBe(true);
  });
});
