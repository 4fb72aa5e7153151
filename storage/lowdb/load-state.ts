import { Low } from 'lowdb';
import { StoreOpenError } from '../errors.js';
import type { EngineOptions, Op, Snapshot } from './engine-types.js';
import { readLogFile } from './log-entry.js';
import { logFiles, replay, type Positions } from './log-files.js';
import { SnapshotFile } from './snapshot-file.js';

/** The data as the files on disk hold it: the snapshot with every later log line replayed and migrations applied. */
export interface LoadedState {
  db: Low<Snapshot>;
  file: SnapshotFile;
  snap: Snapshot;
  /** The transaction the snapshot file itself ends with. */
  snapshotTx: number;
  /** Log lines replayed on top of the snapshot. */
  replayed: number;
  /** Where the live log's last whole line ends, when a torn tail follows it. */
  liveGoodBytes: number | undefined;
  /** The schema version the files were written with, before migrating. */
  schemaFrom: number;
}

/**
 * Reads the snapshot and replays the logs after it. A gap between them, a file of the other mode or a newer schema
 * is a StoreOpenError naming the file and the fix: never a partial bureau.
 */
export async function readState(opts: EngineOptions): Promise<LoadedState> {
  const file = new SnapshotFile(opts.file);
  const db = new Low<Snapshot>(file, { schemaVersion: 0, lastTx: 0, counters: {}, collections: {} });
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
  const schemaFrom = snap.schemaVersion;
  for (let v = schemaFrom; v < opts.migrations.length; v++) {
    opts.migrations[v]!(snap);
    snap.schemaVersion = v + 1;
  }
  if (snap.schemaVersion > opts.migrations.length) {
    throw new StoreOpenError(`data file ${opts.file} has schema version ${snap.schemaVersion}, newer than this program (${opts.migrations.length}): run the newer Duban, or restore a backup`);
  }
  return { db, file, snap, snapshotTx, replayed, liveGoodBytes, schemaFrom };
}
