/** Every stored record has a string id unique within its collection. */
export interface Rec {
  readonly id: string;
}

/** Secondary index: maps a record to the key(s) it is found under. */
export type IndexFn = (r: any) => string | readonly string[] | undefined;

/** The shape of the snapshot file lowdb reads and writes. */
export interface Snapshot {
  schemaVersion: number;
  lastTx: number;
  /** Which kind of process owns the data (`feishu` or `local`); a file is never opened by the other kind. */
  mode?: string;
  counters: Record<string, number>;
  collections: Record<string, Rec[]>;
}

/**
 * When a record may leave memory for the archive file: the moment it became final (undefined while it may still
 * change) and how long it stays after the collection's newest final record. Age is measured against the data, not
 * the wall clock, so a store written under a test clock ages the same way.
 */
export interface Retirement {
  settledAt(r: any): string | undefined;
  keepMs: number;
}

/** One step from schema version i to i+1, applied to the whole snapshot. */
export type Migration = (s: Snapshot) => void;

/** One write inside a transaction, as the log records it. */
export type Op =
  | { t: 'ins'; c: string; v: Rec }
  | { t: 'set'; c: string; id: string; v: Record<string, unknown> }
  | { t: 'ctr'; k: string; v: number };

/** The tables a transaction sees; writes apply at once and are undone if the transaction throws. */
export interface Tables {
  get<R extends Rec>(c: string, id: string): R | undefined;
  all<R extends Rec>(c: string): Iterable<R>;
  count(c: string): number;
  by<R extends Rec>(c: string, index: string, key: string): R[];
  /**
   * The records under `key` without a copy: a read view hands out its index's own list, the same array for as long as
   * those records are unchanged (a changed key gets a new list), so a reader may remember what it computed from one.
   */
  byShared<R extends Rec>(c: string, index: string, key: string): readonly R[];
  insert<R extends Rec>(c: string, r: R): R;
  patch<R extends Rec>(c: string, id: string, set: Partial<R>): R;
  next(counter: string): number;
}

export interface EngineOptions {
  file: string;
  collections: Record<string, Record<string, IndexFn>>;
  migrations: readonly Migration[];
  /** Write a fresh snapshot after this many transactions (the log is replayed on open otherwise). */
  checkpointEvery?: number;
  /**
   * Without `checkpointEvery`: write a fresh snapshot once the log holds this many bytes. Default: half the last
   * snapshot's size and at least 16 MiB, so snapshot writing costs a bounded share of the work however big the data.
   */
  checkpointBytes?: number;
  /** Collections whose old, settled records move at each checkpoint to `<file>.archive.jsonl` (one `{c, v}` a line). */
  retire?: Record<string, Retirement>;
  /** Load snapshot and log without writing anything (safe beside a running server, e.g. for the export CLI). */
  readOnly?: boolean;
  /** The kind of process opening the data; a file marked with another kind is refused. */
  mode?: string;
}
