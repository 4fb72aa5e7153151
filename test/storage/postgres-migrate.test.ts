import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../src/sandbox/demo-build.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { openPostgresStore } from '../../storage/postgres/open.js';
import { postgresReachable, testDatabase } from './postgres-db.js';

const reachable = await postgresReachable();
const db = testDatabase();
afterAll(() => db.drop());

/** Runs `npm run migrate:postgres -- …` as the README says, returning its exit code and output. */
async function migrate(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '--silent', 'migrate:postgres', '--', ...args], { env: { ...process.env, DUBAN_DATABASE_URL: '' } });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe.runIf(reachable)('npm run migrate:postgres', () => {
  it('copies a bureau with its queued files, verifies every figure on both stores, and refuses a database that holds data', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'duban-migrate-')), 'duban.json');
    const source = await openLowdbStore(file, { mode: 'feishu' });
    await buildDemo(source, new Date());
    const key = await source.files.put(Buffer.from('问题台账.xlsx bytes'));
    const proof = await source.evidence!.put(Buffer.from('%PDF-1.7 整改报告'));
    await source.transact((tx) => tx.createBranch('第九支部', { by: 'ou_admin', at: new Date().toISOString() }));
    const expected = await source.read(async (tx) => ({
      branches: await tx.listBranches(),
      people: await tx.listPeople(),
      problems: await tx.listProblems(),
    }));
    await source.close();

    const url = await db.location();
    const done = await migrate('--from', file, '--to', url);
    expect(done.out).toMatch(/verified: \d+ figure sets/);
    expect(done.code).toBe(0);

    const target = await openPostgresStore(url, { mode: 'feishu' });
    const copied = await target.read(async (tx) => ({ branches: await tx.listBranches(), people: await tx.listPeople(), problems: await tx.listProblems() }));
    expect(copied).toEqual({ branches: expected.branches, people: expected.people, problems: expected.problems });
    expect(expected.problems.length).toBeGreaterThan(0);
    expect((await target.files.read(key))?.toString()).toBe('问题台账.xlsx bytes');
    expect((await target.evidence!.read(proof))?.toString()).toBe('%PDF-1.7 整改报告');
    await target.close();

    const again = await migrate('--from', file, '--to', url);
    expect(again.code).toBe(1);
    expect(again.out).toContain('already holds Duban data');
  }, 120_000);
});
