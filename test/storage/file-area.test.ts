import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../storage/errors.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe('the file area beside the data file', () => {
  it('keeps bytes under a key of their own until dropped, outside the data log', async () => {
    // A temp absolute path: each test needs its own data directory.
    const file = join(mkdtempSync(join(tmpdir(), 'duban-files-')), 'duban.json');
    const store = await openLowdbStore(file);
    stores.push(store);
    const bytes = Buffer.from('PK\u0003\u0004 一个很大的台账'.repeat(1000));
    const a = await store.files.put(bytes);
    const b = await store.files.put(bytes);
    // The same bytes twice are two files: dropping one after it is sent must not take the other's bytes.
    expect(a).not.toBe(b);
    expect(Buffer.compare((await store.files.read(a))!, bytes)).toBe(0);
    expect(readdirSync(`${file}.files`).sort()).toEqual([`${a}.bin`, `${b}.bin`].sort());
    await store.files.drop(a);
    expect(await store.files.read(a)).toBeUndefined();
    expect(Buffer.compare((await store.files.read(b))!, bytes)).toBe(0);
    await store.files.drop(a);
    await expect(store.files.read('../duban.json')).rejects.toThrow('not a file key');
  });

  it('reports a file it cannot write as the store being unavailable, and leaves no partial file', async () => {
    // A temp absolute path whose file area is taken by a plain file: every write into it fails, as on a broken disk.
    const file = join(mkdtempSync(join(tmpdir(), 'duban-files-')), 'duban.json');
    writeFileSync(`${file}.files`, 'not a directory');
    const store = await openLowdbStore(file);
    stores.push(store);
    await expect(store.files.put(Buffer.from('x'))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(readFileSync(`${file}.files`, 'utf8')).toBe('not a directory');
  });

  it('refuses to store a file when the data is open read-only', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'duban-files-')), 'duban.json');
    await (await openLowdbStore(file)).close();
    const ro = await openLowdbStore(file, { readOnly: true });
    stores.push(ro);
    await expect(ro.files.put(Buffer.from('x'))).rejects.toThrow('read-only');
  });
});
