import { appendFileSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SANDBOX_PEOPLE } from '../../src/sandbox/roster.js';
import type { StudyRecord } from '../../storage/study.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { Bot, createRunDir, type PushedEvent } from '../support/spawn-bot.js';
import { ackProblems, crashImage, logTagged, notARefusal, readStudy, scratchDir } from './storage-support.js';

const scratch = scratchDir('duban-torn-');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A data directory as a crash leaves it: `before` records checkpointed into the snapshot, then `inLog` more
 * records in the write-ahead log only. Returns the file and the acknowledged records in order.
 */
async function crashedStore(name: string, before: number, inLog: number): Promise<{ file: string; acked: StudyRecord[] }> {
  const file = join(scratch, name, 'sandbox.json');
  const acked: StudyRecord[] = [];
  const first = await openLowdbStore(file);
  for (let i = 0; i < before; i++) acked.push(await logTagged(first, `${name}-snap-${i}`));
  await first.close();
  const second = await openLowdbStore(file);
  for (let i = 0; i < inLog; i++) acked.push(await logTagged(second, `${name}-log-${i}`));
  const image = crashImage(file, join(scratch, `${name}-image`));
  await second.close();
  return { file: image, acked };
}

/** Byte offsets where each line of the log starts. */
function lineStarts(wal: Buffer): number[] {
  const starts = [0];
  for (let i = wal.indexOf(10); i >= 0 && i < wal.length - 1; i = wal.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Truncates a copy of the crashed store's log at `offset`, restarts on it, acknowledges two more records, crashes
 * again and restarts: what is wrong with the result, or undefined when every acknowledged record is there exactly
 * once (or the restart refuses, naming the file and what to do).
 */
async function tornAt(image: { file: string; acked: StudyRecord[] }, offset: number, run: string): Promise<string | undefined> {
  const wal = readFileSync(`${image.file}.wal`);
  const ends = [...lineStarts(wal).slice(1), wal.length];
  // Lines ending at or before the cut (newline included) were acknowledged; the torn one never was.
  const kept = image.acked.length - ends.length + ends.filter((end) => end <= offset).length;
  const acked = image.acked.slice(0, kept);
  const torn = image.acked.slice(kept, kept + 1).map((r) => r.content);
  const file = crashImage(image.file, join(scratch, run, 'a'));
  truncateSync(`${file}.wal`, offset);
  let store;
  try {
    store = await openLowdbStore(file);
  } catch (err) {
    return notARefusal((err as Error).message, file);
  }
  try {
    for (let i = 0; i < 2; i++) acked.push(await logTagged(store, `${run}-after-${i}`));
  } catch (err) {
    return `restarted on the torn log, then could not write: ${(err as Error).message}`;
  }
  const again = crashImage(file, join(scratch, run, 'b'));
  await store.close().catch(() => undefined);
  let restarted;
  try {
    restarted = await openLowdbStore(again);
  } catch (err) {
    const refusal = notARefusal((err as Error).message, again);
    return refusal && `acknowledged records after a torn tail made the next restart fail: ${refusal}`;
  }
  const records = await restarted.read((tx) => tx.listStudyRecords({ includeVoided: true }));
  await restarted.close();
  const problems = ackProblems(records, acked, torn);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

/** Runs tornAt at every byte offset of the log's last two lines; the failures, one line per offset. */
async function everyOffsetOfLastTwo(image: { file: string; acked: StudyRecord[] }, label: string): Promise<string[]> {
  const wal = readFileSync(`${image.file}.wal`);
  const starts = lineStarts(wal);
  const from = starts[starts.length - 2]!;
  const failures: string[] = [];
  for (let offset = from; offset <= wal.length; offset++) {
    const run = `${label}-${offset}`;
    const problem = await tornAt(image, offset, run);
    if (problem) failures.push(`cut at byte ${offset} of ${wal.length}: ${problem}`);
    rmSync(join(scratch, run), { recursive: true, force: true });
  }
  return failures;
}

/** The failures, or a summary of them short enough to read in a test report. */
function summary(failures: string[]): string[] {
  return failures.length <= 6 ? failures : [...failures.slice(0, 5), `… and ${failures.length - 5} more offsets fail`];
}

describe('a torn write-ahead log tail (power cut mid-append)', () => {
  it('keeps every acknowledged record exactly once when the log holds just two lines after a checkpoint', async () => {
    const image = await crashedStore('two', 3, 2);
    expect(summary(await everyOffsetOfLastTwo(image, 'two'))).toEqual([]);
  });

  it('keeps every acknowledged record exactly once when the torn lines follow others in the log', async () => {
    const image = await crashedStore('five', 0, 5);
    expect(summary(await everyOffsetOfLastTwo(image, 'five'))).toEqual([]);
  });
});

describe('a torn log tail, end to end with npm start', () => {
  it('keeps the commands acknowledged before and after the torn write', async () => {
    const dir = createRunDir();
    const zhang = SANDBOX_PEOPLE.find((p) => p.name === '张三')!.openId;
    const study = (bot: Bot, tag: string) => bot.event(zhang, 'oc_sandbox_branch_1', `/学习 10分钟 自学 ${tag}`);
    const acked: string[] = [];
    const push = async (bot: Bot, tags: string[]) => {
      for (const tag of tags) {
        const e: PushedEvent = study(bot, tag);
        expect(await bot.send(e), tag).toBe(200);
        acked.push(tag);
      }
      await bot.settle();
    };

    let bot = await Bot.start(dir);
    await bot.waitHealthy();
    await push(bot, ['撕裂前甲', '撕裂前乙']);
    const lastTx = (await bot.health())?.store?.lastTx ?? 1_000_000;
    expect((await bot.sigterm()).code, bot.stderr).toBe(0);
    // The power cut came while the next transaction's line was half written: it was never acknowledged.
    appendFileSync(`${bot.dataFile}.wal`, `{"tx":${lastTx + 1},"ops":[{"t":"ins","c":"studyRecords","v":{"id":"S9`);

    bot = await Bot.start(dir);
    await bot.waitHealthy();
    await push(bot, ['撕裂后甲', '撕裂后乙']);
    await bot.kill9();

    bot = await Bot.start(dir);
    await bot.waitHealthy();
    await bot.settle();
    expect((await bot.sigterm()).code, bot.stderr).toBe(0);
    const contents = (await readStudy(bot.dataFile)).map((r) => r.content);
    for (const tag of acked) expect(contents.filter((c) => c === tag), tag).toHaveLength(1);
  });
});
