import { mkdtempSync, readdirSync, readFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../storage/lowdb/collections.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { describeStoreContract } from './store-contract.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'duban-store-')), 'duban.json');
const stamp = { by: 'ou_admin', at: '2026-11-23T01:00:00.000Z' };

describeStoreContract('lowdb', () => {
  const file = tempFile();
  return { open: () => openLowdbStore(file) };
});

describeStoreContract('lowdb, checkpoint after every transaction', () => {
  const file = tempFile();
  return { open: () => openLowdbStore(file, { checkpointEvery: 1 }) };
});

describe('lowdb store on disk', () => {
  it('recovers committed transactions from the log when the process died before a snapshot', async () => {
    const file = tempFile();
    const s = await openLowdbStore(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    await s.transact((tx) => tx.createBranch('第二支部', stamp));
    // No close(): the process "dies" here; the snapshot still holds nothing but the empty layout.
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    expect(snap.collections.branches).toEqual([]);
    const again = await openLowdbStore(file);
    expect((await again.read((tx) => tx.listBranches())).map((b) => b.name)).toEqual(['第一支部', '第二支部']);
    await again.close();
  });

  it('ignores a torn last log line (never acknowledged) but keeps everything before it', async () => {
    const file = tempFile();
    const s = await openLowdbStore(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    appendFileSync(file + '.wal', '{"tx":99,"ops":[{"t":"ins","c":"bra');
    const again = await openLowdbStore(file);
    expect((await again.read((tx) => tx.listBranches())).map((b) => b.name)).toEqual(['第一支部']);
    await again.close();
  });

  it('writes a versioned snapshot and removes covered logs on close', async () => {
    const file = tempFile();
    const s = await openLowdbStore(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    await s.close();
    const snap = JSON.parse(readFileSync(file, 'utf8'));
    expect(snap.schemaVersion).toBe(MIGRATIONS.length);
    expect(snap.collections.branches[0].name).toBe('第一支部');
    const dir = readdirSync(join(file, '..'));
    expect(dir.filter((n) => n.includes('.wal.'))).toEqual([]);
    await expect(s.transact((tx) => tx.listBranches())).rejects.toThrow('closed');
  });
});

describe('read views share their indexes', () => {
  it('a later view reuses an unchanged index and never sees a stale one after a write, held or not', async () => {
    // A temp absolute path: this test needs a data directory of its own.
    const store = await openLowdbStore(join(mkdtempSync(join(tmpdir(), 'duban-views-')), 'duban.json'));
    const stamp = { by: 'ou_admin', at: '2026-11-23T01:00:00.000Z' };
    const b1 = await store.transact((tx) => tx.createBranch('第一支部', stamp));
    const b2 = await store.transact((tx) => tx.createBranch('第二支部', stamp));
    const add = (id: string, branchId: string) => store.transact((tx) => tx.savePerson({ id, name: id, nameSource: 'contact', branchId }, stamp));
    const inBranch = (branchId: string) => store.view(async (tx) => (await tx.listPeople({ branchId })).map((p) => p.id).sort());
    for (const id of ['ou_1', 'ou_2', 'ou_3']) await add(id, b1.id);
    expect(await inBranch(b1.id)).toEqual(['ou_1', 'ou_2', 'ou_3']);
    expect(await inBranch(b1.id)).toEqual(['ou_1', 'ou_2', 'ou_3']);
    // Written while a view holds the collection: the view keeps its data, the next view sees the write.
    let release!: () => void;
    const held = store.view(async (tx) => {
      const before = (await tx.listPeople({ branchId: b1.id })).length;
      await new Promise<void>((r) => (release = r));
      return [before, (await tx.listPeople({ branchId: b1.id })).length];
    });
    await new Promise((r) => setTimeout(r, 10));
    await add('ou_4', b1.id);
    release();
    expect(await held).toEqual([3, 3]);
    expect(await inBranch(b1.id)).toEqual(['ou_1', 'ou_2', 'ou_3', 'ou_4']);
    // Written in place with no view open: the index built before is dropped.
    await add('ou_5', b1.id);
    await store.transact((tx) => tx.savePerson({ id: 'ou_1', name: 'ou_1', nameSource: 'contact', branchId: b2.id }, stamp));
    expect(await inBranch(b1.id)).toEqual(['ou_2', 'ou_3', 'ou_4', 'ou_5']);
    expect(await inBranch(b2.id)).toEqual(['ou_1']);
    await store.close();
  });
});
