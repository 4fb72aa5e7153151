import type pg from 'pg';

/** The advisory lock every writer holds for its transaction: one writer at a time across all replicas. */
export const WRITER_LOCK = 0x64756261; // 'duba'
/** The advisory lock a replica holds while it writes the snapshot row: one at a time, the others leave it to it. */
export const SNAPSHOT_LOCK = 0x64756273; // 'dubs'
/** The advisory lock the first replica to start holds while it applies schema migrations. */
const SCHEMA_LOCK = 0x6475626d; // 'dubm'

/**
 * Versioned SQL: entry i brings the database from version i to i+1; append, never edit. The data inside (records,
 * their layout) is migrated by the engine's own MIGRATIONS, as for the embedded store.
 */
export const SQL_MIGRATIONS: readonly string[] = [
  // The log keeps each transaction's ops as json, not jsonb: it is replayed, never queried, and json keeps the
  // records' key order and text as written, so every replica holds the same bytes.
  `CREATE TABLE duban_log (tx bigint PRIMARY KEY, ops json NOT NULL, at timestamptz NOT NULL DEFAULT now());
   CREATE TABLE duban_snapshot (
     id smallint PRIMARY KEY CHECK (id = 1),
     last_tx bigint NOT NULL,
     schema_version integer NOT NULL,
     mode text,
     counters json NOT NULL,
     collections json NOT NULL,
     at timestamptz NOT NULL DEFAULT now());
   CREATE TABLE duban_files (key text PRIMARY KEY, bytes bytea NOT NULL, at timestamptz NOT NULL DEFAULT now());`,
  // Evidence files (佐证材料): kept for the ledger, never dropped after sending like duban_files.
  `CREATE TABLE duban_evidence (key text PRIMARY KEY, bytes bytea NOT NULL, at timestamptz NOT NULL DEFAULT now());`,
];

/** Applies the SQL migrations this database lacks, once, under an advisory lock, whichever replica gets there first. */
export async function migrateSchema(pool: pg.Pool): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS duban_schema_migrations (version integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM duban_schema_migrations');
    const from = rows[0]?.v ?? 0;
    if (from > SQL_MIGRATIONS.length) {
      throw new Error(`database schema version ${from} is newer than this program (${SQL_MIGRATIONS.length}): run the newer Duban`);
    }
    for (let v = from; v < SQL_MIGRATIONS.length; v++) {
      await client.query(SQL_MIGRATIONS[v]!);
      await client.query('INSERT INTO duban_schema_migrations (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
    return SQL_MIGRATIONS.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
