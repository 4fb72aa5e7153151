import { mkdir, rename } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Low } from 'lowdb';
import { errorText, StoreUnavailableError } from '../errors.js';
import { lockDataFile, type FileLock } from './lock-file.js';
import { encodeEntry } from './log-entry.js';
import { readState } from './load-state.js';
import { SnapshotFile } from './snapshot-file.js';
import type { EngineOptions, Rec, Snapshot, Tables } from './engine-types.js';
import { removeRotatedLogs } from './log-files.js';
import { MemoryData, undoAll } from './memory-data.js';
import { createSerialLock } from './serial-lock.js';
import { archiveRecords, settledRecords } from './retire.js';
import { GroupCommitLog } from './wal.js';

export type { EngineOptions, IndexFn, Migration, Op, Rec, Retirement, Snapshot, Tables } from './engine-types.js';

/**
 * In-memory collections with a write-ahead log: a transaction's writes are appended to the log as one
 * line (group-committed with fsync) and a lowdb snapshot of the whole data is written every so often.
 */
export class Engine {
  private readonly data: MemoryData;
  private readonly lock = createSerialLock();
  private sinceCheckpoint = 0;
  private checkpointing: Promise<void> | undefined;
  /** The transaction the snapshot on disk ends with. */
  private snapshotTx = 0;
  private closed = false;
  /** Set when a failed write could not be undone on disk: from then on every write is refused. */
  private failure: unknown;
  /** Transactions appended but not yet known durable, oldest first, with their undo steps. */
  private pending: { tx: number; undo: (() => void)[]; durable: boolean }[] = [];
  private recovering: Promise<void> | undefined;
  private mode: string | undefined;
  lastTx = 0;
  schemaVersion = 0;

  private constructor(
    private readonly opts: EngineOptions,
    private readonly db: Low<Snapshot>,
    private readonly file: SnapshotFile,
    private log: GroupCommitLog | undefined,
    private readonly lockHeld: FileLock | undefined,
  ) {
    this.data = new MemoryData(opts.collections);
  }

  /**
   * Loads the snapshot, replays the log, migrates, and opens the log for appending. Anything that cannot be read as
   * it was written (an empty or damaged snapshot, a damaged or gapped log, a file of the other mode, a file in use by
   * another process) is a StoreOpenError naming the file and the fix: never a silently empty or partial bureau.
   */
  static async open(opts: EngineOptions): Promise<Engine> {
    // One absolute path from here on: the log files found on disk are compared with it by name.
    opts = { ...opts, file: resolve(opts.file) };
    await mkdir(dirname(opts.file), { recursive: true });
    const lock = opts.readOnly ? undefined : await lockDataFile(opts.file);
    try {
      return await Engine.openLocked(opts, lock);
    } catch (err) {
      await lock?.release();
      throw err;
    }
  }

  private static async openLocked(opts: EngineOptions, lock: FileLock | undefined): Promise<Engine> {
    const { db, file, snap, snapshotTx, replayed, liveGoodBytes, schemaFrom } = await readState(opts);
    // A torn tail is cut before anything is appended, or the next transaction would be glued onto it.
    const log = opts.readOnly ? undefined : await GroupCommitLog.open(`${opts.file}.wal`, { truncateTo: liveGoodBytes });
    const engine = new Engine(opts, db, file, log, lock);
    engine.load(snap);
    engine.mode = snap.mode ?? opts.mode;
    // A migrated or newly marked state is not what the file holds even at the same transaction.
    const changed = snap.schemaVersion !== schemaFrom || engine.mode !== snap.mode;
    engine.snapshotTx = changed ? -1 : snapshotTx;
    db.data = { schemaVersion: 0, lastTx: 0, counters: {}, collections: {} };
    // A clean shutdown left nothing to fold in: the snapshot on disk is already this state.
    if (!opts.readOnly && (replayed > 0 || changed)) await engine.checkpoint();
    return engine;
  }

  private load(snap: Snapshot): void {
    this.lastTx = snap.lastTx;
    this.schemaVersion = snap.schemaVersion;
    this.data.load(snap);
  }

  /**
   * Runs fn under the single-writer lock; its writes become one log line, durable before this resolves. If the line
   * cannot be written (a full disk), this and every later transaction not yet on disk are undone in memory and the
   * error is thrown: the caller answers 503 and Feishu's redelivery finds no trace of the first attempt.
   */
  async run<T>(mode: 'read' | 'write', fn: (t: Tables) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    if (mode === 'write' && !this.log) throw new Error('store is open read-only');
    if (mode === 'write' && this.failure !== undefined) {
      throw new StoreUnavailableError(`data log ${this.opts.file}.wal could not be repaired after a failed write (${errorText(this.failure)}): restart Duban`);
    }
    const release = await this.lock();
    const { ops, undo } = this.data.begin();
    let durable: Promise<void> | undefined;
    try {
      const result = await fn(this.data.views[mode]);
      if (ops.length > 0) {
        this.lastTx += 1;
        this.sinceCheckpoint += 1;
        const entry = { tx: this.lastTx, undo, durable: false };
        this.pending.push(entry);
        durable = this.log!.append(encodeEntry({ tx: this.lastTx, ops }));
        // Marked as soon as the write lands, before any later failure can ask which transactions to undo.
        durable.then(() => (entry.durable = true), () => undefined);
      }
      release();
      if (durable) {
        try {
          await durable;
        } catch (err) {
          await this.recover();
          throw new StoreUnavailableError(`could not write ${this.opts.file}.wal (${errorText(err)}); the transaction was undone`, { cause: err });
        }
        while (this.pending[0]?.durable) this.pending.shift();
        if (this.dueForCheckpoint()) void this.checkpoint().catch(() => undefined);
      }
      return result;
    } catch (err) {
      if (!durable) {
        undoAll(undo);
        release();
      }
      throw err;
    }
  }

  /** Undoes, newest first, every transaction whose log line did not reach the disk, and cuts the log back. */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      const release = await this.lock();
      try {
        await this.log!.idle();
        const lost = this.pending.filter((p) => !p.durable);
        for (let i = lost.length - 1; i >= 0; i--) undoAll(lost[i]!.undo);
        if (lost.length > 0) this.lastTx = lost[0]!.tx - 1;
        this.pending = [];
        await this.log!.reset();
      } catch (err) {
        this.failure = err;
      } finally {
        this.recovering = undefined;
        release();
      }
    })();
    return this.recovering;
  }

  /**
   * Runs fn against the data as of the last transaction, without holding the writer lock while it runs: for reports
   * and exports, so that acknowledging events never waits behind them. Only taking the view waits for the lock.
   */
  async view<T>(fn: (t: Tables) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    const release = await this.lock();
    const tables = this.data.freeze();
    release();
    return fn(tables);
  }

  private dueForCheckpoint(): boolean {
    if (this.checkpointing || !this.log) return false;
    if (this.opts.checkpointEvery !== undefined) return this.sinceCheckpoint >= this.opts.checkpointEvery;
    return this.log.size() >= (this.opts.checkpointBytes ?? Math.max(16 * 2 ** 20, this.file.bytes / 2));
  }

  /**
   * Writes a full snapshot through lowdb and drops the log lines it covers. Only taking the snapshot's contents
   * and starting a new log happen under the writer lock; writing the file runs beside later transactions, which is
   * safe because records are never changed in place (a patch stores a new object).
   */
  checkpoint(): Promise<void> {
    if (!this.log) return Promise.resolve();
    this.checkpointing ??= this.writeCheckpoint().finally(() => (this.checkpointing = undefined));
    return this.checkpointing;
  }

  private async writeCheckpoint(): Promise<void> {
    if (this.lastTx === this.snapshotTx && this.log!.size() === 0 && this.retirees().length === 0) return;
    // Archived first, so a crash between here and the snapshot at worst archives them twice (readers keep the last).
    const retiring = this.retirees();
    if (retiring.length > 0) await archiveRecords(`${this.opts.file}.archive.jsonl`, retiring);
    const release = await this.lock();
    let data: Snapshot;
    try {
      await this.log!.idle();
      // A failed write is being undone: this state holds transactions that are not on disk.
      if (this.log!.broken || this.failure !== undefined) throw new Error('checkpoint skipped: a log write failed');
      // One changed since it was archived stays (settled records are not expected to change, but never lose one).
      for (const { c, v } of retiring) this.data.drop(c, v);
      data = this.data.snapshot(this.lastTx, this.schemaVersion, this.mode);
      if (this.log!.size() > 0) {
        await this.log!.close();
        await rename(`${this.opts.file}.wal`, `${this.opts.file}.wal.${this.lastTx}`);
        this.log = await GroupCommitLog.open(`${this.opts.file}.wal`);
      }
      this.sinceCheckpoint = 0;
    } finally {
      release();
    }
    this.db.data = data;
    try {
      await this.db.write();
      this.snapshotTx = data.lastTx;
    } finally {
      this.db.data = { schemaVersion: 0, lastTx: 0, counters: {}, collections: {} };
    }
    await removeRotatedLogs(this.opts.file);
  }

  /** Settled records older than their collection's keep time. */
  private retirees(): { c: string; v: Rec }[] {
    return settledRecords(this.data.maps, this.opts.retire ?? {});
  }

  /**
   * Waits for pending writes, writes a snapshot, closes the log and releases the lock. A snapshot that cannot be
   * written (a full disk) loses nothing, since the log holds every transaction; the error is thrown after cleanup.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.checkpointing?.catch(() => undefined);
    let error: unknown;
    await this.checkpoint().catch((e) => (error = e));
    this.closed = true;
    const release = await this.lock();
    await this.log?.close().catch((e) => (error ??= e));
    release();
    await this.lockHeld?.release();
    if (error) throw error;
  }
}
