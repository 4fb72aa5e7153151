import { closeSync, ftruncateSync, fstatSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SANDBOX_PEOPLE } from '../../src/sandbox/roster.js';
import type { Store } from '../../storage/store.js';
import { openLowdbStore } from '../../storage/lowdb/open.js';
import { Bot, createRunDir, type PushedEvent } from '../support/spawn-bot.js';
import { crashImage, mountTmpfs, readStudy, scratchDir, unmount } from './storage-support.js';

const PAGE = 4096;
const mounts: string[] = [];
const scratch = scratchDir('duban-enospc-');
afterAll(() => {
  for (const m of mounts) unmount(m);
  rmSync(scratch, { recursive: true, force: true });
});

/** Fills the file system holding `filler` to the last byte, then frees `pages` pages of it. */
function fillLeaving(filler: string, pages: number): void {
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(PAGE, 0x78);
  try {
    for (;;) if (writeSync(fd, chunk) < chunk.length) break;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  ftruncateSync(fd, Math.max(0, fstatSync(fd).size - pages * PAGE));
  closeSync(fd);
}

/** One Feishu event as the intake handles it: journalled, then (after the ack) turned into a study record. */
interface Event {
  id: string;
  text: string;
}

const AT = '2026-11-30T02:00:00.000Z';

/** Turns a journalled event into its study record and marks it done, in one transaction. */
function processEvent(store: Store, ev: Event): Promise<void> {
  return store.transact(async (tx) => {
    await tx.addStudyRecord({ date: '2026-11-30', form: '个人自学', minutes: 60, content: ev.text, personId: 'ou_fault_member', attendees: [], entered: { by: 'ou_fault_member', at: AT } });
    await tx.completeInbound(ev.id, AT);
  });
}

/** Writes that failed, counted so a run that never filled the disk is seen as testing nothing. */
let failedWrites = 0;

/** Delivers an event as the webhook does: true for 200 (journalled, or a repeat), false for 503. */
async function deliver(store: Store, ev: Event): Promise<boolean> {
  let result: 'recorded' | 'duplicate';
  try {
    result = await store.transact((tx) => tx.recordInbound({ id: ev.id, messageId: ev.id, kind: 'message', receivedAt: AT, payload: ev }));
  } catch {
    failedWrites++;
    return false;
  }
  // A failure after the ack leaves the event pending in the journal, for the next start.
  if (result === 'recorded') await processEvent(store, ev).catch(() => failedWrites++);
  return true;
}

/**
 * A scripted run of `events` deliveries on a file system with `pages` pages free: each log line is longer than a
 * page, so over pages = 0, 1, 2 … the disk fills at every write of the run in turn. Space is freed, Feishu
 * redelivers what got 503, the process restarts: what is wrong with the result, or undefined when every event is
 * in the study log exactly once.
 */
async function scriptedRun(mount: string, pages: number, events: number): Promise<string | undefined> {
  const dir = join(mount, `run-${pages}`);
  const file = join(dir, 'sandbox.json');
  const filler = join(mount, 'filler');
  const evs: Event[] = Array.from({ length: events }, (_, i) => ({ id: `ev-${pages}-${i}`, text: `第${pages}轮第${i}条${'学'.repeat(1500)}` }));
  const store = await openLowdbStore(file);
  fillLeaving(filler, pages);
  const acked = new Set<string>();
  const before = failedWrites;
  for (const ev of evs) if (await deliver(store, ev)) acked.add(ev.id);
  unlinkSync(filler);
  if (failedWrites === before) return `the disk never filled with ${pages} pages free`;
  for (const ev of evs) if (!acked.has(ev.id) && (await deliver(store, ev))) acked.add(ev.id);
  const image = crashImage(file, join(scratch, `run-${pages}`));
  await store.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });

  let restarted: Store;
  try {
    restarted = await openLowdbStore(image);
  } catch (err) {
    return `after a full disk was freed, the restart failed: ${(err as Error).message}`;
  }
  try {
    for (const e of await restarted.read((tx) => tx.pendingInbound())) await processEvent(restarted, e.payload as Event);
    for (const ev of evs) if (!acked.has(ev.id) && (await deliver(restarted, ev))) acked.add(ev.id);
    const contents = (await restarted.read((tx) => tx.listStudyRecords({ includeVoided: true }))).map((r) => r.content);
    const wrong = evs.filter((ev) => contents.filter((c) => c === ev.text).length !== 1 || !acked.has(ev.id));
    return wrong.length > 0 ? `events ${wrong.map((ev) => `${ev.id}×${contents.filter((c) => c === ev.text).length}`).join(', ')} not in the study log exactly once` : undefined;
  } finally {
    await restarted.close();
  }
}

describe('disk full (ENOSPC) on a small tmpfs', () => {
  it('at every write of a scripted run: every event answered 200 lands exactly once after space is freed and the store restarts', async () => {
    const mount = scratchDir('duban-tmpfs-');
    mountTmpfs(mount, '1m');
    mounts.push(mount);
    const EVENTS = 8;
    const failures: string[] = [];
    // Two log lines per event, each over a page: pages 0 … 2·EVENTS + 1 put the failing write at each one in turn.
    for (let pages = 0; pages <= 2 * EVENTS + 1; pages++) {
      const problem = await scriptedRun(mount, pages, EVENTS);
      if (problem) failures.push(`${pages} pages free: ${problem}`);
    }
    expect(failures).toEqual([]);
  });

  it('end to end: npm start with ./data on a 2 MB tmpfs; 503s are redelivered; every 200 lands exactly once after a restart', async () => {
    const dir = createRunDir();
    const data = join(dir, 'data');
    mountTmpfs(data, '2m');
    mounts.push(data);
    const zhang = SANDBOX_PEOPLE.find((p) => p.name === '张三')!.openId;
    let bot = await Bot.start(dir);
    await bot.waitHealthy();
    await bot.settle();

    fillLeaving(join(data, 'filler'), 6);
    const events: { tag: string; e: PushedEvent }[] = Array.from({ length: 40 }, (_, i) => {
      const tag = `磁盘满第${i}条${'学'.repeat(60)}`;
      return { tag, e: bot.event(zhang, 'oc_sandbox_branch_1', `/学习 10分钟 自学 ${tag}`) };
    });
    const acked = new Set<string>();
    const statuses = new Map<number, number>();
    const deliverAll = async (b: Bot) => {
      const todo = events.filter((x) => !acked.has(x.tag));
      for (let i = 0; i < todo.length; i += 4) {
        const slice = todo.slice(i, i + 4);
        const results = await Promise.all(slice.map((x) => b.send(x.e)));
        slice.forEach((x, j) => {
          statuses.set(results[j]!, (statuses.get(results[j]!) ?? 0) + 1);
          if (results[j] === 200) acked.add(x.tag);
        });
      }
    };
    await deliverAll(bot);
    expect(statuses.get(503) ?? 0, `the disk never filled: ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
    unlinkSync(join(data, 'filler'));
    // Feishu redelivers the 503'd events to the same process, now that there is room again.
    await deliverAll(bot);
    await bot.kill9();

    bot = await Bot.start(dir);
    await bot.waitHealthy();
    for (let round = 0; round < 3 && acked.size < events.length; round++) await deliverAll(bot);
    expect(acked.size, 'events still refused after space was freed and the bot restarted').toBe(events.length);
    await bot.settle();
    expect((await bot.sigterm()).code, bot.stderr).toBe(0);
    const contents = (await readStudy(bot.dataFile)).map((r) => r.content);
    const wrong = events.filter((x) => contents.filter((c) => c === x.tag).length !== 1);
    expect(wrong.map((x) => `${x.tag.slice(0, 8)}×${contents.filter((c) => c === x.tag).length}`)).toEqual([]);
  });
});
