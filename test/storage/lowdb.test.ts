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
