import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createPrng } from '../../src/sandbox/prng.js';
import type { StudyRecord } from '../../storage/study.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { ackProblems, crashImage, logTagged, notARefusal, scratchDir } from './storage-support.js';

const TRIALS_PER_FILE = 200;
const scratch = scratchDir('duban-garbage-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A crashed data directory with four records in the snapshot and four more only in the write-ahead log. */
async function crashedStore(name: string): Promise<{ file: string; acked: StudyRecord[] }> {
  const file = join(scratch, name, 'sandbox.json');
  const acked: StudyRecord[] = [];
  const first = await openLowdbStore(file);
  for (let i = 0; i < 4; i++) acked.push(await logTagged(first, `快照记录${i}`, 20));
  await first.close();
  const second = await openLowdbStore(file);
  for (let i = 0; i < 4; i++) acked.push(await logTagged(second, `日志记录${i}`, 20));
  const image = crashImage(file, join(scratch, `${name}-image`));
  await second.close();
  return { file: image, acked };
}

/**
 * Restarts on a copy of the image with one byte of `target` replaced: what is wrong, or undefined when every
 * acknowledged record is there unchanged or the restart refuses, naming the file and what to do.
 */
async function restartWithGarbage(image: { file: string; acked: StudyRecord[] }, target: string, offset: number, byte: number, run: string): Promise<string | undefined> {
  const file = crashImage(image.file, join(scratch, run));
  const path = join(scratch, run, target);
  const bytes = readFileSync(path);
  bytes[offset] = byte;
  writeFileSync(path, bytes);
  let store;
  try {
    store = await openLowdbStore(file);
  } catch (err) {
    return notARefusal((err as Error).message, file);
  }
  try {
    const problems = ackProblems(await store.read((tx) => tx.listStudyRecords({ includeVoided: true })), image.acked);
    return problems.length > 0 ? `started without a word, but ${problems.join('; ')}` : undefined;
  } catch (err) {
    return `started without a word, then reading the study log failed: ${(err as Error).message}`;
  } finally {
    await store.close().catch(() => undefined);
  }
}

describe('a garbage byte at a random offset of the snapshot or the write-ahead log', () => {
  for (const target of ['sandbox.json', 'sandbox.json.wal']) {
    it(`in ${target}: every acknowledged record is there unchanged, or the restart refuses naming the file`, async () => {
      const image = await crashedStore(target);
      const pristine = readFileSync(join(image.file, '..', target));
      const size = pristine.length;
      expect(size).toBeGreaterThan(0);
      const prng = createPrng(target.length * 7919);
      const failures: string[] = [];
      for (let i = 0; i < TRIALS_PER_FILE; i++) {
        const offset = prng.int(0, size - 1);
        const original = pristine[offset]!;
        // Any other byte: 0–255 less the one already there.
        const byte = (original + prng.int(1, 255)) % 256;
        const run = `trial-${i}`;
        const problem = await restartWithGarbage(image, target, offset, byte, run);
        if (problem) failures.push(`byte ${offset} ${original}→${byte}: ${problem}`);
        rmSync(join(scratch, run), { recursive: true, force: true });
      }
      expect(failures.length <= 6 ? failures : [...failures.slice(0, 5), `… and ${failures.length - 5} more trials fail`]).toEqual([]);
    });
  }
});
