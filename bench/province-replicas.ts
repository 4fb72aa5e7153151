// `npx tsx bench/province-replicas.ts [snapshotEvery] [rate]`: the province bench's replica run alone, on a fresh
// province database, with the replicas' snapshot interval set (default: the store's own, 1,000 transactions). Prints
// the figures as JSON and drops the database: for finding out what the full run's latency is made of.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore } from '../storage/postgres/open.js';
import { buildCompiled } from './compiled.js';
import { createBenchDatabase, databaseActivity, importDataFile } from './province-db.js';
import { runReplicaLatency } from './province-latency.js';
import { PROVINCE_SCALE } from './province-scale.js';
import { buildScaleStore } from './scale-store.js';

const [snapshotEvery, rate] = [Number(process.argv[2] ?? 0), Number(process.argv[3] ?? 200)];
const dir = mkdtempSync(join(tmpdir(), 'duban-bench-replicas-'));
const db = await createBenchDatabase('replicas');
try {
  buildCompiled();
  const m = await buildScaleStore(join(dir, 'duban.json'), PROVINCE_SCALE);
  await importDataFile(join(dir, 'duban.json'), db.url);
  // Writes the mode into the snapshot row once, as the first replica would, so no replica's start includes it.
  await (await openPostgresStore(db.url, { mode: 'feishu' })).close();
  const before = await databaseActivity(db.url);
  const extra: Record<string, string> = snapshotEvery > 0 ? { BENCH_SNAPSHOT_EVERY: String(snapshotEvery) } : {};
  const r = await runReplicaLatency(m, db.url, { count: 3, rate, seconds: 30, appRate: 250, tag: 'replicas', extra });
  const after = await databaseActivity(db.url);
  process.stdout.write(JSON.stringify({ snapshotEvery: snapshotEvery || 'default', snapshotWrites: after.snapshotWrites - before.snapshotWrites, ...r }, null, 2) + '\n');
} finally {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
}
