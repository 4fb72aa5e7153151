// A replica as `npm start` runs it on PostgreSQL (DUBAN_DATABASE_URL), with the bench's knob BENCH_APP_RATE (see
// app-server.ts) and BENCH_LOAD_FILE, where it writes how long opening the store (reading and parsing the snapshot
// row and the log after it) took and the RSS right after; BENCH_SNAPSHOT_EVERY overrides the store's snapshot interval
// (bench/province-replicas.ts, to see what the snapshot rows cost), and BENCH_NO_LOAD_GC=1 leaves out the full GC
// after opening that src/main.ts runs (to compare). BENCH_PAUSE_FILE is where it writes, as it stops, its GC pauses
// and event-loop stalls (pause-log.ts).
import { writeFileSync } from 'node:fs';
import { startApp } from '../src/app.js';
import { readConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { collectLoadGarbage } from '../src/load-garbage.js';
import { Throttle } from '../src/throttle.js';
import { openPostgresStore } from '../storage/postgres/open.js';
import { recordPauses } from './pause-log.js';

const pauses = recordPauses();
const config = readConfig(process.env);
if (!config.databaseUrl) throw new Error('province-server needs DUBAN_DATABASE_URL');
const rate = Number(process.env.BENCH_APP_RATE ?? 0);
const throttle = rate > 0 ? new Throttle({ perKey: { max: 4, windowMs: 1000 }, global: [{ max: rate, windowMs: 1000 }, { max: rate * 60, windowMs: 60_000 }] }) : undefined;
const t0 = performance.now();
const snapshotEvery = Number(process.env.BENCH_SNAPSHOT_EVERY ?? 0);
const store = await openPostgresStore(config.databaseUrl, { mode: config.mode, applicationName: 'duban-bench', ...(snapshotEvery > 0 ? { snapshotEvery } : {}) });
const loadMs = Math.round(performance.now() - t0);
const rawRssMb = Math.round(process.memoryUsage.rss() / 1048576);
const gcMs = process.env.BENCH_NO_LOAD_GC ? 0 : collectLoadGarbage();
if (process.env.BENCH_LOAD_FILE) writeFileSync(process.env.BENCH_LOAD_FILE, JSON.stringify({ loadMs, gcMs, rawRssMb, rssMb: Math.round(process.memoryUsage.rss() / 1048576) }));
const app = await startApp({ config, logger: createLogger(config.logLevel), throttle, store });
process.on('SIGTERM', () => {
  if (process.env.BENCH_PAUSE_FILE) writeFileSync(process.env.BENCH_PAUSE_FILE, JSON.stringify(pauses()));
  void app.close().then(() => process.exit(0));
});
