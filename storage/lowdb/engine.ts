import { mkdir, rename, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Low } from 'lowdb';
import { StoreOpenError, StoreUnavailableError } from '../errors.js';
import { lockDataFile, type FileLock } from './lock-file.js';
import { encodeEntry, readLogFile } from './log-entry.js';
import { createReadView } from './read-view.js';
import { SnapshotFile } from './snapshot-file.js';
import type { EngineOptions, Op, Rec, Snapshot, Tables } from './engine-types.js';
import { Indexes } from './indexes.js';
import { logFiles, replay, type Positions } from './log-files.js';
import { settledRecords } from './retire.js';
import { GroupCommitLog } from './wal.js';

export type { EngineOptions, IndexFn, Migration, Op, Rec, Retirement, Snapshot, Tables } from './engine-types.js';

class ReadOnlyError extends Error {
  override name = 'ReadOnlyError';
}

/**
 * In-memory collections with a write-ahead log: a transaction's writes are appended to the log as one
 * line (group-committed with fsync) and a lowdb snapshot of the whole data is written every so often.
 */
export class Engine {
  private readonly colls = new Map<string, Map<string, Rec>>();
  private readonly indexes: Indexes;
  private counters: Record<string, number> = {};
  private tail: Promise<unknown> = Promise.resolve();
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
  /** How many open read views hold each collection map; a held map is copied before it is written. */
  private readonly viewHolds = new Map<Map<string, Rec>, number>();
  /** The running transaction's writes and their undo steps; transactions run one at a time under the lock. */
  private ctx: { ops: Op[]; undo: (() => void)[] } = { ops: [], undo: [] };
  /** One view per mode, made once: building the tables (and the verbs over them) per transaction is measurable. */
  private readonly views = { read: this.tables('read'), write: this.tables('write') };
  lastTx = 0;
  schemaVersion = 0;

  private constructor(
    private readonly opts: EngineOptions,
    private readonly db: Low<Snapshot>,
    private readonly file: SnapshotFile,
    private log: GroupCommitLog | undefined,
    private readonly lockHeld: FileLock | undefined,
  ) {
    this.indexes = new Indexes(opts.collections);
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
    const file = new SnapshotFile(opts.file);
    const db = new Low<Snapshot>(file, {
      schemaVersion: 0,
      lastTx: 0,
      counters: {},
      collections: {},
    });
    await db.read();
    const snap = db.data;
    const snapshotTx = snap.lastTx;
    const positions: Positions = new Map();
    let replayed = 0;
    const live = `${opts.file}.wal`;
    let liveGoodBytes: number | undefined;
    for (const log of await logFiles(opts.file)) {
      const { entries, goodBytes, tornBytes } = await readLogFile<Op>(log);
      if (log === live && tornBytes > 0) liveGoodBytes = goodBytes;
      for (const entry of entries) {
        if (entry.tx <= snap.lastTx) continue;
        if (entry.tx !== snap.lastTx + 1) {
          throw new StoreOpenError(
            `data log ${log} continues at transaction ${entry.tx} but the data before it ends at ${snap.lastTx}: ` +
              `transactions are missing (a log file or the snapshot ${opts.file} was lost or replaced). ` +
              `Duban will not start on a partial ledger; restore the data directory from a backup.`,
          );
        }
        replay(snap, entry.ops, positions);
        snap.lastTx = entry.tx;
        replayed++;
      }
    }
    if (opts.mode && snap.mode && snap.mode !== opts.mode) {
      throw new StoreOpenError(
        `data file ${opts.file} belongs to a ${snap.mode === 'feishu' ? 'Feishu' : 'local sandbox'} process and this one runs in ` +
          `${opts.mode === 'feishu' ? 'Feishu' : 'local sandbox'} mode: the sandbox never opens a real bureau's data, nor the other way round. ` +
          `Set DUBAN_DATA_FILE to another file, or check the FEISHU_* settings.`,
      );
    }
    const from = snap.schemaVersion;
    for (let v = from; v < opts.migrations.length; v++) {
      opts.migrations[v]!(snap);
      snap.schemaVersion = v + 1;
    }
    if (snap.schemaVersion > opts.migrations.length) {
      throw new StoreOpenError(`data file ${opts.file} has schema version ${snap.schemaVersion}, newer than this program (${opts.migrations.length}): run the newer Duban, or restore a backup`);
    }
    // A torn tail is cut before anything is appended, or the next transaction would be glued onto it.
    const log = opts.readOnly ? undefined : await GroupCommitLog.open(live, { truncateTo: liveGoodBytes });
    const engine = new Engine(opts, db, file, log, lock);
    engine.load(snap);
    engine.mode = snap.mode ?? opts.mode;
    // A migrated or newly marked state is not what the file holds even at the same transaction.
    const changed = snap.schemaVersion !== from || engine.mode !== snap.mode;
    engine.snapshotTx = changed ? -1 : snapshotTx;
    db.data = { schemaVersion: 0, lastTx: 0, counters: {}, collections: {} };
    // A clean shutdown left nothing to fold in: the snapshot on disk is already this state.
    if (!opts.readOnly && (replayed > 0 || changed)) await engine.checkpoint();
    return engine;
  }

  private load(snap: Snapshot): void {
    this.lastTx = snap.lastTx;
    this.schemaVersion = snap.schemaVersion;
    this.counters = { ...snap.counters };
    for (const name of Object.keys(this.opts.collections)) {
      const map = new Map<string, Rec>();
      this.colls.set(name, map);
      for (const r of snap.collections[name] ?? []) {
        map.set(r.id, r);
        this.indexes.update(name, undefined, r);
      }
    }
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
      throw new StoreUnavailableError(`data log ${this.opts.file}.wal could not be repaired after a failed write (${describe(this.failure)}): restart Duban`);
    }
    const release = await this.lock();
    const ops: Op[] = [];
    const undo: (() => void)[] = [];
    let durable: Promise<void> | undefined;
    try {
      this.ctx = { ops, undo };
      const result = await fn(this.views[mode]);
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
          throw new StoreUnavailableError(`could not write ${this.opts.file}.wal (${describe(err)}); the transaction was undone`, { cause: err });
        }
        while (this.pending[0]?.durable) this.pending.shift();
        if (this.dueForCheckpoint()) void this.checkpoint().catch(() => undefined);
      }
      return result;
    } catch (err) {
      if (!durable) {
        for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
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
        for (let i = lost.length - 1; i >= 0; i--) {
          const steps = lost[i]!.undo;
          for (let j = steps.length - 1; j >= 0; j--) steps[j]!();
        }
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

  private lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const prev = this.tail;
    this.tail = prev.then(() => held);
    return prev.then(() => release);
  }

  private coll(c: string): Map<string, Rec> {
    const m = this.colls.get(c);
    if (!m) throw new Error(`unknown collection ${c}`);
    return m;
  }

  /** The collection's map, copied first if an open read view holds it (copy-on-write). */
  private writable(c: string): Map<string, Rec> {
    const m = this.coll(c);
    if (!this.viewHolds.has(m)) return m;
    const copy = new Map(m);
    this.colls.set(c, copy);
    return copy;
  }

  /**
   * Runs fn against the data as of the last transaction, without holding the writer lock while it runs: for reports
   * and exports, so that acknowledging events never waits behind them. Only taking the view waits for the lock.
   */
  async view<T>(fn: (t: Tables) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    const release = await this.lock();
    const frozen = new Map(this.colls);
    for (const m of frozen.values()) this.viewHolds.set(m, (this.viewHolds.get(m) ?? 0) + 1);
    release();
    try {
      return await fn(createReadView(frozen, this.opts.collections));
    } finally {
      for (const m of frozen.values()) {
        const n = this.viewHolds.get(m)! - 1;
        if (n === 0) this.viewHolds.delete(m);
        else this.viewHolds.set(m, n);
      }
    }
  }

  private tables(mode: 'read' | 'write'): Tables {
    const guard = () => {
      if (mode === 'read') throw new ReadOnlyError('write inside a read-only transaction');
    };
    return {
      get: <R extends Rec>(c: string, id: string) => this.coll(c).get(id) as R | undefined,
      all: <R extends Rec>(c: string) => this.coll(c).values() as Iterable<R>,
      count: (c) => this.coll(c).size,
      by: <R extends Rec>(c: string, index: string, key: string) => {
        const ids = this.indexes.ids(c, index, key);
        const m = this.coll(c);
        return ids ? [...ids].map((id) => m.get(id) as R) : [];
      },
      insert: <R extends Rec>(c: string, r: R) => {
        guard();
        const m = this.writable(c);
        if (m.has(r.id)) throw new Error(`duplicate id ${c}/${r.id}`);
        m.set(r.id, r);
        this.indexes.update(c, undefined, r);
        this.ctx.ops.push({ t: 'ins', c, v: r });
        // Looked up again when undone: a read view may have been taken since, and its copy must stay as it is.
        this.ctx.undo.push(() => {
          this.writable(c).delete(r.id);
          this.indexes.update(c, r, undefined);
        });
        return r;
      },
      patch: <R extends Rec>(c: string, id: string, set: Partial<R>) => {
        guard();
        const m = this.writable(c);
        const old = m.get(id);
        if (!old) throw new Error(`no record ${c}/${id}`);
        const next = { ...old, ...set, id } as R;
        m.set(id, next);
        this.indexes.update(c, old, next);
        this.ctx.ops.push({ t: 'set', c, id, v: set as Record<string, unknown> });
        this.ctx.undo.push(() => {
          this.writable(c).set(id, old);
          this.indexes.update(c, next, old);
        });
        return next;
      },
      next: (k) => {
        guard();
        const prev = this.counters[k] ?? 0;
        this.counters[k] = prev + 1;
        this.ctx.ops.push({ t: 'ctr', k, v: prev + 1 });
        this.ctx.undo.push(() => {
          this.counters[k] = prev;
        });
        return prev + 1;
      },
    };
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
    if (retiring.length > 0) await this.archive(retiring);
    const release = await this.lock();
    let data: Snapshot;
    try {
      await this.log!.idle();
      // A failed write is being undone: this state holds transactions that are not on disk.
      if (this.log!.broken || this.failure !== undefined) throw new Error('checkpoint skipped: a log write failed');
      for (const { c, v } of retiring) {
        const map = this.writable(c);
        // Changed since it was archived: it stays (settled records are not expected to change, but never lose one).
        if (map.get(v.id) !== v) continue;
        map.delete(v.id);
        this.indexes.update(c, v, undefined);
      }
      const collections: Record<string, Rec[]> = {};
      for (const [name, map] of this.colls) collections[name] = [...map.values()];
      data = { schemaVersion: this.schemaVersion, lastTx: this.lastTx, mode: this.mode, counters: { ...this.counters }, collections };
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
    // Only rotated logs are removed, and no other checkpoint can have rotated one since ours started.
    for (const f of await logFiles(this.opts.file)) {
      if (f !== `${this.opts.file}.wal`) await unlink(f).catch(() => undefined);
    }
  }

  /** Settled records older than their collection's keep time. */
  private retirees(): { c: string; v: Rec }[] {
    return settledRecords(this.colls, this.opts.retire ?? {});
  }

  /** Appends records to the archive file and waits until they are on disk. */
  private async archive(rows: { c: string; v: Rec }[]): Promise<void> {
    const log = await GroupCommitLog.open(`${this.opts.file}.archive.jsonl`);
    try {
      await Promise.all(rows.map((r) => log.append(JSON.stringify(r))));
    } finally {
      await log.close();
    }
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

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(err);
}
