import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreOpenError, StoreUnavailableError } from '../../storage/errors.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import type { Store } from '../../storage/store.js';

const stamp = { by: 'ou_admin', at: '2026-11-23T01:00:00.000Z' };
const tempDir = () => mkdtempSync(join(tmpdir(), 'duban-durable-'));
const names = async (s: Store) => (await s.read((tx) => tx.listBranches())).map((b) => b.name);
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

describe('the data file under the README defaults', () => {
  it('keeps every transaction across checkpoints and restarts with a relative path (./data/…)', async () => {
    const cwd = process.cwd();
    // A temp working directory isolates the test; the path given to the store is the relative default.
    process.chdir(tempDir());
    cleanups.push(() => process.chdir(cwd));
    const s = await openLowdbStore('./data/sandbox.json', { checkpointEvery: 2 });
    for (let i = 1; i <= 7; i++) await s.transact((tx) => tx.createBranch(`第${i}支部`, stamp));
    await s.close();
    const again = await openLowdbStore('./data/sandbox.json', { checkpointEvery: 2 });
    for (let i = 8; i <= 9; i++) await again.transact((tx) => tx.createBranch(`第${i}支部`, stamp));
    // No close: the process dies; the log must still be where the next start looks for it.
    const dir = join(process.cwd(), 'data');
    expect(existsSync(join(dir, 'sandbox.json.wal'))).toBe(true);
    await (again as unknown as { close(): Promise<void> }).close();
    const third = await openLowdbStore('./data/sandbox.json');
    expect(await names(third)).toEqual(Array.from({ length: 9 }, (_, i) => `第${i + 1}支部`));
    await third.close();
  });
});

describe('a torn log tail', () => {
  it('is cut before the next append, so a later transaction survives the next crash', async () => {
    const file = join(tempDir(), 'duban.json');
    const s = await openLowdbStore(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    const good = readFileSync(file + '.wal');
    // Power cut in the middle of the next line: half of it reached the disk.
    appendFileSync(file + '.wal', good.subarray(0, Math.floor(good.length / 2)));
    const again = await openLowdbStore(file);
    await again.transact((tx) => tx.createBranch('第二支部', stamp));
    // Crash again (no close): both acknowledged transactions must come back.
    const third = await openLowdbStore(file);
    expect(await names(third)).toEqual(['第一支部', '第二支部']);
    await third.close();
  });

  it('at every byte offset of the last two entries: what was acknowledged before them is kept, the log stays usable', async () => {
    const dir = tempDir();
    const base = join(dir, 'base.json');
    const s = await openLowdbStore(base, { checkpointEvery: 1000 });
    for (const n of ['甲', '乙', '丙', '丁']) await s.transact((tx) => tx.createBranch(n, stamp));
    const wal = readFileSync(base + '.wal');
    const snapshot = readFileSync(base);
    const lineStarts = [0];
    for (let i = 0; i < wal.length - 1; i++) if (wal[i] === 10) lineStarts.push(i + 1);
    const cutFrom = lineStarts[lineStarts.length - 2]!;
    for (let cut = cutFrom; cut <= wal.length; cut++) {
      const file = join(dir, `cut-${cut}.json`);
      writeFileSync(file, snapshot);
      writeFileSync(file + '.wal', wal.subarray(0, cut));
      const whole = wal.subarray(0, cut).toString('utf8').split('\n').length - 1;
      const t = await openLowdbStore(file);
      expect(await names(t)).toEqual(['甲', '乙', '丙', '丁'].slice(0, whole));
      await t.transact((tx) => tx.createBranch('戊', stamp));
      const t2 = await openLowdbStore(file);
      expect(await names(t2)).toEqual([...['甲', '乙', '丙', '丁'].slice(0, whole), '戊']);
      await t2.close();
    }
  }, 180_000);
});

describe('damage is a refusal naming the file, never an empty or partial bureau', () => {
  const seeded = async () => {
    const file = join(tempDir(), 'duban.json');
    const s = await openLowdbStore(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    await s.close();
    return file;
  };

  for (const [what, content] of [
    ['empty', ''],
    ['whitespace-only', ' \n\t\n'],
  ] as const) {
    it(`refuses an ${what} snapshot`, async () => {
      const file = await seeded();
      writeFileSync(file, content);
      const err = await openLowdbStore(file).catch((e) => e);
      expect(err).toBeInstanceOf(StoreOpenError);
      expect(err.message).toContain(file);
      expect(err.message).toMatch(/backup/);
    });
  }

  it('refuses a truncated snapshot', async () => {
    const file = await seeded();
    truncateSync(file, readFileSync(file).length - 10);
    await expect(openLowdbStore(file)).rejects.toThrow(/truncated|damaged|cannot be read/);
  });

  it('refuses a snapshot with a changed byte that still parses', async () => {
    const file = await seeded();
    writeFileSync(file, readFileSync(file, 'utf8').replace('第一支部', '第二支部'));
    await expect(openLowdbStore(file)).rejects.toThrow(/checksum/);
  });

  it('refuses a log line with a changed byte, naming file and line', async () => {
    const file = join(tempDir(), 'duban.json');
    const s = await openLowdbStore(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    await s.transact((tx) => tx.createBranch('第二支部', stamp));
    const wal = readFileSync(file + '.wal', 'utf8');
    writeFileSync(file + '.wal', wal.replace('第一支部', '第三支部'));
    const err = await openLowdbStore(file).catch((e) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect(err.message).toContain(`${file}.wal is damaged at line 1`);
  });

  it('refuses a log that skips transactions (its snapshot was replaced by an older one)', async () => {
    const file = join(tempDir(), 'duban.json');
    const s = await openLowdbStore(file);
    const empty = readFileSync(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    await s.close();
    const s2 = await openLowdbStore(file);
    await s2.transact((tx) => tx.createBranch('第二支部', stamp));
    // Crashed before a checkpoint, and someone put an old snapshot back.
    writeFileSync(file, empty);
    await expect(openLowdbStore(file)).rejects.toThrow(/transactions are missing/);
  });

  it('refuses a file of the other mode: the sandbox never opens a real bureau', async () => {
    const file = join(tempDir(), 'duban.json');
    const s = await openLowdbStore(file, { mode: 'feishu' });
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    await s.close();
    await expect(openLowdbStore(file, { mode: 'local' })).rejects.toThrow(/belongs to a Feishu process/);
    const again = await openLowdbStore(file, { mode: 'feishu' });
    expect(await names(again)).toEqual(['第一支部']);
    await again.close();
  });
});

describe('one process per data file', () => {
  it('refuses while another live process holds the file, naming the file and its pid', async () => {
    const file = join(tempDir(), 'duban.json');
    const holder = spawn('sleep', ['30']);
    cleanups.push(() => holder.kill('SIGKILL'));
    writeFileSync(file + '.lock', JSON.stringify({ pid: holder.pid }));
    const err = await openLowdbStore(file).catch((e) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect(err.message).toContain(file);
    expect(err.message).toContain(`pid ${holder.pid}`);
  });

  it('takes over a lock left by a process that is gone (kill -9)', async () => {
    const file = join(tempDir(), 'duban.json');
    const gone = spawn('true');
    await new Promise((r) => gone.once('exit', r));
    writeFileSync(file + '.lock', JSON.stringify({ pid: gone.pid }));
    const s = await openLowdbStore(file);
    expect(JSON.parse(readFileSync(file + '.lock', 'utf8')).pid).toBe(process.pid);
    await s.close();
    expect(existsSync(file + '.lock')).toBe(false);
  });

  it('a read-only opener (the export CLI) neither takes nor minds the lock', async () => {
    const file = join(tempDir(), 'duban.json');
    const s = await openLowdbStore(file);
    await s.transact((tx) => tx.createBranch('第一支部', stamp));
    const reader = await openLowdbStore(file, { readOnly: true });
    expect(await names(reader)).toEqual(['第一支部']);
    await s.close();
  });
});

describe('a full disk', () => {
  it('undoes a transaction whose log line could not be written, and loses nothing acknowledged', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'fs'));
    const mnt = join(dir, 'fs');
    // A real full disk: a 1 MB tmpfs (the tests run as root, as CI does).
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    cleanups.push(() => execFileSync('umount', ['-l', mnt]));
    const file = join(mnt, 'duban.json');
    const s = await openLowdbStore(file, { checkpointEvery: 1_000_000 });
    const acked: string[] = [];
    const refused: string[] = [];
    const big = 'x'.repeat(20_000);
    for (let i = 0; i < 80; i++) {
      const name = `支部${i}`;
      try {
        await s.transact(async (tx) => {
          const b = await tx.createBranch(name, stamp);
          await tx.audit({ at: stamp.at, by: stamp.by, action: 'note', subject: b.id, to: big });
        });
        acked.push(name);
      } catch (e) {
        expect(e).toBeInstanceOf(StoreUnavailableError);
        expect(((e as Error).cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
        refused.push(name);
        // The refused transaction left nothing behind in memory: a retry is not a duplicate.
        expect(await names(s)).toEqual(acked);
      }
    }
    expect(refused.length).toBeGreaterThan(0);
    // Space comes back (an operator cleans up); the refused ones are redelivered and land once.
    execFileSync('mount', ['-o', 'remount,size=8m', mnt]);
    for (const name of refused) {
      await s.transact((tx) => tx.createBranch(name, stamp));
      acked.push(name);
    }
    // Crash (no close) and restart: every acknowledged transaction exactly once, in order.
    const again = await openLowdbStore(file);
    expect(await names(again)).toEqual(acked);
    await again.close();
  });
});
