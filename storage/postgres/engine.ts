import pg from 'pg';
import { errorText, StoreOpenError, StoreUnavailableError } from '../errors.js';
import type { IndexFn, Migration, Snapshot, Tables } from '../lowdb/engine-types.js';
import { MemoryData, undoAll } from '../lowdb/memory-data.js';
import { createSerialLock } from '../lowdb/serial-lock.js';
import { COMMIT_CHANNEL, type CommitsHeard } from './commit-watch.js';
import { SNAPSHOT_LOCK, WRITER_LOCK } from './schema.js';
import { logRowsAfter, readDatabaseState, snapshotRowTx, writeSnapshot, type LogRow } from './state.js';

const { escapeLiteral } = pg;

export interface PgEngineOptions {
  collections: Record<string, Record<string, IndexFn>>;
  migrations: readonly Migration[];
  /** Write the snapshot row after this many transactions since the last one this replica knows of. */
  snapshotEvery: number;
  /** Log rows kept behind a snapshot this replica wrote; older ones are deleted (a replica further behind reloads). */
  keepLogRows: number;
  mode?: string;
  /** Names the database in error messages (never its password). */
  where: string;
}

/** Writes committed together at most: bounds how long one replica holds the writer lock. */
const MAX_BATCH = 200;

interface QueuedWrite {
  fn: (t: Tables) => Promise<unknown>;
  resolve: (out: unknown) => void;
  reject: (err: unknown) => void;
}

/** A database call failed: nothing of the transaction was kept, and trying again later may succeed. */
function unavailable(where: string, err: unknown): StoreUnavailableError {
  return new StoreUnavailableError(`PostgreSQL ${where} failed (${errorText(err)}); the transaction was undone`, { cause: err });
}

/**
 * The embedded engine's in-memory data with PostgreSQL as its write-ahead log, shared by every replica: a writer
 * takes one advisory lock, applies the log rows other replicas added, runs the verbs in memory and commits its own
 * row with the next transaction number (the primary key, so no two writers ever commit the same one).
 */
export class PgEngine {
  private readonly data: MemoryData;
  private readonly lock = createSerialLock();
  private snapshotTx = 0;
  private snapshotting: Promise<void> | undefined;
  private readonly queue: QueuedWrite[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  lastTx = 0;
  schemaVersion = 0;
  private mode: string | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly opts: PgEngineOptions,
  ) {
    this.data = new MemoryData(opts.collections);
  }

  /** Whether the commit watch listens, and whether a catch-up has run since it began (commits before are not announced). */
  private listen = { on: false, caughtUp: false };
  /** The newest transaction the commit watch has announced. */
  private announced = 0;

  /** Where the commit watch reports (`watchCommits`' `heard`): a 'known' read asks the database only when it must. */
  readonly heard: CommitsHeard = {
    listening: (on) => (this.listen = { on, caughtUp: false }),
    committed: (tx) => (this.announced = Math.max(this.announced, tx)),
  };

  /** Whether this replica holds every transaction announced, with the watch listening since before its last catch-up. */
  private knowsAll(): boolean {
    return this.listen.on && this.listen.caughtUp && this.announced <= this.lastTx;
  }

  /** Loads the snapshot row and the log after it; the first replica of a new program version migrates the data. */
  static async open(pool: pg.Pool, opts: PgEngineOptions): Promise<PgEngine> {
    const engine = new PgEngine(pool, opts);
    let snap = await readDatabaseState(pool);
    const needsWrite = (s: Snapshot) => s.schemaVersion < opts.migrations.length || (opts.mode !== undefined && s.mode === undefined);
    if (needsWrite(snap) && engine.refuse(snap) === undefined) {
      await engine.locked(async (client) => {
        snap = await readDatabaseState(client);
        if (!needsWrite(snap) || engine.refuse(snap)) return { out: undefined };
        for (let v = snap.schemaVersion; v < opts.migrations.length; v++) {
          opts.migrations[v]!(snap);
          snap.schemaVersion = v + 1;
        }
        snap.mode ??= opts.mode;
        await writeSnapshot(client, snap);
        return { out: undefined };
      });
    }
    const refusal = engine.refuse(snap);
    if (refusal) throw new StoreOpenError(refusal);
    engine.data.load(snap);
    engine.lastTx = engine.snapshotTx = snap.lastTx;
    engine.schemaVersion = snap.schemaVersion;
    engine.mode = snap.mode;
    return engine;
  }

  private refuse(snap: Snapshot): string | undefined {
    if (snap.schemaVersion > this.opts.migrations.length) {
      return `database ${this.opts.where} has data schema version ${snap.schemaVersion}, newer than this program (${this.opts.migrations.length}): run the newer Duban`;
    }
    if (this.opts.mode && snap.mode && snap.mode !== this.opts.mode) {
      return `database ${this.opts.where} belongs to a ${snap.mode} process and this one runs in ${this.opts.mode} mode: the sandbox never opens a real bureau's data, nor the other way round`;
    }
    return undefined;
  }

  /**
   * Runs fn in a database transaction holding the writer lock, and commits with the statement fn returns (if any).
   * Each database call is a round trip, and on a small machine each costs a replica about as much CPU as running a
   * command: BEGIN, the lock and the log rows after `afterTx` are one simple query, and fn's statement and COMMIT
   * another, two round trips where five were.
   */
  private async locked<T>(fn: (client: pg.PoolClient, log: LogRow[]) => Promise<{ out: T; last?: string }>, afterTx?: number): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // A connection lost while no query runs (the verbs are working) is reported here, not thrown: the next query fails.
    const lost = (e: Error) => (broken ??= e);
    client.on('error', lost);
    try {
      const opened = await client.query(openingSql(afterTx)).catch((err) => {
        throw unavailable(`lock and catch-up on ${this.opts.where}`, err);
      });
      const log = afterTx === undefined ? [] : ((opened as unknown as pg.QueryResult<LogRow>[])[2]!.rows);
      const { out, last } = await fn(client, log);
      await client.query(last ? `${last}; COMMIT` : 'COMMIT').catch((err) => {
        throw unavailable(`write to ${this.opts.where}`, err);
      });
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.removeListener('error', lost);
      // A connection that failed mid-transaction is closed, not put back for the next one.
      client.release(broken);
    }
  }

  /**
   * Applies the log rows other replicas committed since this one last looked; a replica so far behind that the rows
   * it lacks were pruned loads the snapshot row and the log after it instead.
   */
  private async catchUp(q: pg.Pool | pg.PoolClient, rows?: LogRow[]): Promise<void> {
    rows ??= await logRowsAfter(q, this.lastTx);
    if (rows.length > 0 && Number(rows[0]!.tx) !== this.lastTx + 1) {
      const snap = await readDatabaseState(q);
      this.data.load(snap);
      this.lastTx = snap.lastTx;
      return;
    }
    for (const r of rows) {
      const tx = Number(r.tx);
      if (tx !== this.lastTx + 1) throw new Error(`duban_log continues at transaction ${tx} but this replica is at ${this.lastTx}`);
      this.data.apply(r.ops);
      this.lastTx = tx;
    }
  }

  /**
   * Runs fn with this replica's data brought up to date; a write runs under the database's writer lock and is
   * committed as one log row before this resolves. On any failure the writes are undone in memory; a failed database
   * call is a StoreUnavailableError (the caller answers 503 and the event is redelivered).
   */
  async run<T>(mode: 'read' | 'known' | 'write', fn: (t: Tables) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    if (mode === 'write') return this.write(fn);
    const release = await this.lock();
    try {
      await this.bringUpToDate(mode);
      return await fn(this.data.views.read);
    } finally {
      release();
    }
  }

  /** Catches up with the database before a read, unless `known` and the commit watch has announced nothing newer. */
  private async bringUpToDate(mode: 'read' | 'known'): Promise<void> {
    if (mode === 'known' && this.knowsAll()) return;
    const since = this.listen;
    await this.catchUp(this.pool).catch((err) => {
      throw unavailable(`read of ${this.opts.where}`, err);
    });
    // Caught up from a query sent while listening: whatever commits after it is announced.
    if (since.on && since === this.listen) this.listen.caughtUp = true;
  }

  /** Queues fn for the next group commit and starts one if none is running. */
  private write<T>(fn: (t: Tables) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const release = await this.lock();
        try {
          await this.commitBatch();
        } finally {
          release();
        }
      }
    } finally {
      // Cleared in the same turn as the last look at the queue, so a write queued after it starts a new flush.
      this.flushing = undefined;
    }
  }

  /**
   * Group commit: the writes queued on this replica run one after another in memory and are committed together, one
   * log row each, in one database transaction under the writer lock. Under load the lock, the catch-up and the commit's
   * flush to disk are paid once per batch rather than once per write, and the writer lock is held as briefly. A write
   * whose own code throws is undone alone; a failed database call undoes and refuses the whole batch.
   */
  private async commitBatch(): Promise<void> {
    const batch = this.queue.splice(0, MAX_BATCH);
    const done: { job: QueuedWrite; out: unknown; undo: (() => void)[] }[] = [];
    let rows = 0;
    try {
      await this.locked(async (client, log) => {
        await this.catchUp(client, log).catch((err) => {
          throw unavailable(`catch-up from ${this.opts.where}`, err);
        });
        // Writes queued while the lock was awaited join this commit.
        batch.push(...this.queue.splice(0, MAX_BATCH - batch.length));
        const ops: string[] = [];
        for (const job of batch) {
          const ctx = this.data.begin();
          try {
            const out = await job.fn(this.data.views.write);
            if (ctx.ops.length > 0) ops.push(JSON.stringify(ctx.ops));
            done.push({ job, out, undo: ctx.undo });
          } catch (err) {
            undoAll(ctx.undo);
            job.reject(err);
          }
        }
        rows = ops.length;
        return { out: undefined, last: ops.length > 0 ? insertSql(this.lastTx, ops) : undefined };
      }, this.lastTx);
    } catch (err) {
      // A commit that failed may still have reached the database: its rows are then read back at the next catch-up.
      for (let i = done.length - 1; i >= 0; i--) undoAll(done[i]!.undo);
      const refusal = err instanceof StoreUnavailableError ? err : unavailable(`commit to ${this.opts.where}`, err);
      // A write that already failed on its own keeps its own error (a settled promise ignores the second).
      for (const job of batch) job.reject(refusal);
      return;
    }
    this.lastTx += rows;
    for (const d of done) d.job.resolve(d.out);
    if (this.snapshotDue()) void this.snapshot({ whenDue: true }).catch(() => undefined);
  }

  /**
   * Runs fn against the data as of now, brought up to date first, without holding this replica's lock while it runs:
   * for reports and exports, so that acknowledging events never waits behind them.
   */
  async view<T>(fn: (t: Tables) => Promise<T>, opts: { known?: boolean } = {}): Promise<T> {
    if (this.closed) throw new Error('store is closed');
    const release = await this.lock();
    let frozen: Tables;
    try {
      await this.bringUpToDate(opts.known ? 'known' : 'read');
      frozen = this.data.freeze();
    } finally {
      release();
    }
    return fn(frozen);
  }

  /**
   * Whether enough of the log has passed for a new snapshot row: `snapshotEvery` transactions, or a quarter as many
   * as there are records, whichever is more, since writing the whole state costs in proportion to it (a province's
   * 600,000 records every 1,000 transactions was most of what its replicas did).
   */
  private snapshotDue(): boolean {
    let records = 0;
    for (const m of this.data.maps.values()) records += m.size;
    return this.lastTx - this.snapshotTx >= Math.max(this.opts.snapshotEvery, Math.floor(records / 4));
  }

  /**
   * Writes the snapshot row from this replica's data, so a starting replica replays only the log after it. Replicas
   * reach the count together and each would spend seconds of CPU on the same row (a province's is 250 MB of JSON): the
   * one that takes the snapshot lock writes it, and the others count it as theirs.
   */
  snapshot(opts: { whenDue?: boolean } = {}): Promise<void> {
    this.snapshotting ??= (async () => {
      // Another replica wrote one since: one snapshot serves them all.
      this.snapshotTx = Math.max(this.snapshotTx, await snapshotRowTx(this.pool));
      if (opts.whenDue && !this.snapshotDue()) return;
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [SNAPSHOT_LOCK]);
        if (!rows[0]?.got) {
          this.snapshotTx = Math.max(this.snapshotTx, this.lastTx);
          return;
        }
        try {
          await this.writeSnapshotRow(client);
        } finally {
          // A lock left behind by a failed unlock goes with the connection, which is then closed.
          await client.query('SELECT pg_advisory_unlock($1)', [SNAPSHOT_LOCK]).catch((e: Error) => (broken = e));
        }
      } finally {
        client.release(broken);
      }
    })().finally(() => (this.snapshotting = undefined));
    return this.snapshotting;
  }

  private async writeSnapshotRow(client: pg.PoolClient): Promise<void> {
    const release = await this.lock();
    let snap: Snapshot;
    try {
      snap = this.data.snapshot(this.lastTx, this.schemaVersion, this.mode);
    } finally {
      release();
    }
    if (snap.lastTx === this.snapshotTx) return;
    await writeSnapshot(client, snap);
    this.snapshotTx = snap.lastTx;
    await client.query('DELETE FROM duban_log WHERE tx <= $1', [snap.lastTx - this.opts.keepLogRows]);
  }

  /**
   * Waits for running work and writes the snapshot row if one is due. Not whatever the count, as the data file does:
   * the log already holds every transaction, and three province replicas stopping together each spent 20 s or more
   * writing the same 250 MB row, past any service manager's stop timeout.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flushing;
    await this.snapshotting?.catch(() => undefined);
    let error: unknown;
    await this.snapshot({ whenDue: true }).catch((e) => (error = e));
    this.closed = true;
    const release = await this.lock();
    release();
    if (error) throw error;
  }
}

/** BEGIN, the writer lock and, with `afterTx`, the log rows after it: one simple query (integers only, none from a user). */
function openingSql(afterTx?: number): string {
  const lock = `BEGIN; SELECT pg_advisory_xact_lock(${WRITER_LOCK})`;
  if (afterTx === undefined) return lock;
  if (!Number.isSafeInteger(afterTx)) throw new Error(`not a transaction number: ${afterTx}`);
  return `${lock}; SELECT tx, ops FROM duban_log WHERE tx > ${afterTx} ORDER BY tx`;
}

/**
 * The statement that appends a batch's log rows, numbered from `lastTx + 1`, and notifies the other replicas (at
 * COMMIT, and only if it commits). It is sent with COMMIT as one simple query, which takes no parameters: the ops
 * (user text among them) are quoted by pg's escapeLiteral, whose E'' form doubles quotes and backslashes whatever
 * standard_conforming_strings says; the connection's encoding is UTF-8, in which no byte sequence hides a quote.
 */
function insertSql(lastTx: number, ops: readonly string[]): string {
  const values = ops.map((o, i) => `(${lastTx + 1 + i}, ${escapeLiteral(o)}::json)`).join(', ');
  return `WITH rows AS (INSERT INTO duban_log (tx, ops) VALUES ${values} RETURNING tx) SELECT pg_notify('${COMMIT_CHANNEL}', max(tx)::text) FROM rows`;
}
