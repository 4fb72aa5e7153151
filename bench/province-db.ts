import { randomBytes } from 'node:crypto';
import { COLLECTIONS, MIGRATIONS } from '../storage/lowdb/collections.js';
import { readState } from '../storage/lowdb/load-state.js';
import { importState } from '../storage/postgres/import-state.js';
import { databaseUrl, withClient } from './pg-admin.js';

/** The server the bench creates its databases on: DUBAN_BENCH_DATABASE_URL, else the local one CI starts. */
export const BENCH_ADMIN_URL = process.env.DUBAN_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh database (duban_bench_<tag>_<random>) on the bench's server; `drop` removes it even while replicas are connected. */
export async function createBenchDatabase(tag: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `duban_bench_${tag}_${randomBytes(4).toString('hex')}`;
  await withClient(BENCH_ADMIN_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  return { url: databaseUrl(BENCH_ADMIN_URL, name).toString(), drop: () => withClient(BENCH_ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

/** What copying a data file into a database cost: reading and folding the file, then the one import transaction. */
export interface ImportCost {
  readMs: number;
  importMs: number;
  records: number;
  /** The snapshot row's collections as JSON, in MB: what every replica reads and parses when it starts. */
  snapshotMb: number;
}

/**
 * Copies a data file's whole state into an empty database as one snapshot row, the path `npm run migrate:postgres`
 * takes: one transaction, not one per record.
 */
export async function importDataFile(file: string, url: string): Promise<ImportCost> {
  const t0 = performance.now();
  const { snap } = await readState({ file, collections: COLLECTIONS, migrations: MIGRATIONS });
  const t1 = performance.now();
  await importState(url, snap, { duban_files: [], duban_evidence: [] });
  const importMs = Math.round(performance.now() - t1);
  const records = Object.values(snap.collections).reduce((n, l) => n + l.length, 0);
  const snapshotMb = await withClient(url, async (c) => Number((await c.query<{ n: string }>('SELECT octet_length(collections::text) AS n FROM duban_snapshot')).rows[0]?.n ?? 0) / 1e6);
  return { readMs: Math.round(t1 - t0), importMs, records, snapshotMb: Math.round(snapshotMb * 10) / 10 };
}

/** How often the snapshot row was written (inserted or updated) and how many log rows the database holds. */
export async function databaseActivity(url: string): Promise<{ snapshotWrites: number; logRows: number }> {
  return withClient(url, async (c) => {
    const s = await c.query<{ n: string }>("SELECT n_tup_ins + n_tup_upd AS n FROM pg_stat_user_tables WHERE relname = 'duban_snapshot'");
    const l = await c.query<{ n: string }>('SELECT count(*) AS n FROM duban_log');
    return { snapshotWrites: Number(s.rows[0]?.n ?? 0), logRows: Number(l.rows[0]?.n ?? 0) };
  });
}
