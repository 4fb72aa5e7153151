import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Store } from '../../storage/store.js';
import type { StudyRecord } from '../../storage/study.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';

/**
 * Words that tell the operator what to do about an unreadable data file. A refusal must name the file and contain
 * one of these; the exact wording is the engine's to choose.
 */
export const FIX_HINT = /restore|back ?up|remove|delete|move|rename|repair|恢复|备份|删除|移走|移除|改名|修复/i;

/** Why `message` is not a refusal naming `file` and what to do, or undefined when it is one. */
export function notARefusal(message: string, file: string): string | undefined {
  if (!message.includes(basename(file))) return `does not name ${basename(file)}: ${message}`;
  if (!FIX_HINT.test(message)) return `names the file but not what to do (${FIX_HINT}): ${message}`;
  return undefined;
}

/**
 * A scratch directory on a RAM file system when there is one: the storage-level loops open a store thousands of
 * times, and fsync on a disk would make them take minutes.
 */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), prefix));
}

/**
 * Copies what a power cut would leave of the data file's directory into `to`: the snapshot, the write-ahead logs
 * and the archive, never a lock file (its holder is this test process, which is not what a restart would find).
 */
export function crashImage(file: string, to: string): string {
  mkdirSync(to, { recursive: true });
  const base = basename(file);
  for (const name of readdirSync(dirname(file))) {
    if (name === base || name.startsWith(`${base}.wal`) || name === `${base}.archive.jsonl`) copyFileSync(join(dirname(file), name), join(to, name));
  }
  return join(to, base);
}

/** Logs one study record whose content is `tag` (plus `pad` filler characters), as one acknowledged transaction. */
export function logTagged(store: Store, tag: string, pad = 0): Promise<StudyRecord> {
  return store.transact((tx) =>
    tx.addStudyRecord({
      date: '2026-11-30',
      form: '个人自学',
      minutes: 60,
      content: tag + '学'.repeat(pad),
      personId: 'ou_fault_member',
      attendees: [],
      entered: { by: 'ou_fault_member', at: '2026-11-30T02:00:00.000Z' },
    }),
  );
}

/** Every study record of the data file, read as the export CLI does (read-only, beside nothing). */
export async function readStudy(file: string): Promise<StudyRecord[]> {
  const store = await openLowdbStore(file, { readOnly: true });
  try {
    return await store.read((tx) => tx.listStudyRecords({ includeVoided: true }));
  } finally {
    await store.close();
  }
}

/**
 * What is wrong with `records` given the acknowledged ones: each must be there exactly once and unchanged; a
 * record from an unacknowledged (torn) write may be there at most once. Empty when all is well.
 */
export function ackProblems(records: readonly StudyRecord[], acked: readonly StudyRecord[], maybe: readonly string[] = []): string[] {
  const byContent = new Map<string, StudyRecord[]>();
  for (const r of records) byContent.set(r.content, [...(byContent.get(r.content) ?? []), r]);
  const out: string[] = [];
  for (const a of acked) {
    const found = byContent.get(a.content) ?? [];
    if (found.length !== 1) out.push(`${a.id} (${a.content.slice(0, 12)}…) found ${found.length} times`);
    else if (JSON.stringify(found[0]) !== JSON.stringify(a)) out.push(`${a.id} changed: ${JSON.stringify(found[0]).slice(0, 200)}`);
  }
  for (const m of maybe) if ((byContent.get(m)?.length ?? 0) > 1) out.push(`unacknowledged ${m.slice(0, 12)}… found twice`);
  return out;
}

/** Mounts a tmpfs of `size` (e.g. `2m`) on `dir`; the fault suite runs as root, and says so when it cannot. */
export function mountTmpfs(dir: string, size: string): void {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`the ENOSPC tests need a small tmpfs: run as root with mount permitted (${(err as Error).message})`);
  }
}

/** Unmounts what mountTmpfs mounted, lazily so a file still open does not keep it. */
export function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // Not mounted (the mount failed, or it was already undone).
  }
}
