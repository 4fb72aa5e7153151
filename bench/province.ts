// `npm run bench -- --store postgres` (run.ts starts this with a larger heap): the province bench of issue 17. Builds
// a bureau and a province, each as a data file through the Store verbs (5,000 inserts per transaction) and copied
// into a fresh PostgreSQL database as one snapshot row; checks that both stores give the same figures; measures the
// bureau on lowdb (one process) and the province on PostgreSQL (three replicas behind a round-robin), prints one
// table side by side, writes bench/results-postgres.json and drops the databases. BENCH_PROVINCE_SMALL=1 runs it
// at a tenth of the scale for 5 s, to try the bench itself.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays } from '../commands/shared/calendar.js';
import { openLowdbStore } from '../storage/lowdb/open.js';
import { openPostgresStore } from '../storage/postgres/open.js';
import type { Store } from '../storage/store.js';
import { buildCompiled } from './compiled.js';
import { measureExports } from './export.js';
import { runColdStarts } from './footprint.js';
import { measureJobs } from './jobs.js';
import { runLatency } from './latency.js';
import { median } from './load.js';
import { createBenchDatabase, databaseActivity, importDataFile } from './province-db.js';
import { compareFigures } from './province-figures.js';
import { runReplicaLatency } from './province-latency.js';
import { provinceRows, provinceTable } from './province-report.js';
import { PROVINCE_SCALE } from './province-scale.js';
import { machine } from './report.js';
import { buildScaleStore, ISSUE_SCALE, type ScaleSpec } from './scale-store.js';
import { ROOT } from './server-process.js';


const small = process.env.BENCH_PROVINCE_SMALL === '1';
const shrink = (s: ScaleSpec): ScaleSpec => (small ? { ...s, branches: s.branches / 10, members: s.members / 10, studyRecords: s.studyRecords / 10, problems: s.problems / 10, tasks: s.tasks / 10 } : s);
// No journal rows at either scale: a province's year of them (two million) would be most of the memory measured.
const BUREAU = shrink({ ...ISSUE_SCALE, history: false });
const PROVINCE = shrink(PROVINCE_SCALE);
const SECONDS = small ? 5 : 30;
const RATE = 200;
/** Branches whose figures are compared at province scale besides 全局 (every one is compared at bureau scale). */
const SAMPLED_BRANCHES = 10;

const t0 = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'duban-bench-province-'));
const log = (s: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${s}\n`);
const loads: number[] = [loadavg()[0]!];
const sampler = setInterval(() => loads.push(loadavg()[0]!), 5000);
const drops: (() => Promise<void>)[] = [];
const copy = (from: string, name: string) => {
  cpSync(join(dir, from), join(dir, name), { recursive: true });
  return join(dir, name, 'duban.json');
};
const timed = async <T>(fn: () => Promise<T>) => {
  const s = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - s), value };
};
const closeAll = (...stores: Store[]) => Promise.all(stores.map((s) => s.close()));
const cleanUp = async () => {
  clearInterval(sampler);
  for (const drop of drops.splice(0)) await drop().catch((err: unknown) => log(`dropping a bench database failed: ${String(err)}`));
  rmSync(dir, { recursive: true, force: true });
};
// An interrupted run still drops its databases (each holds a quarter of a gigabyte per snapshot written).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

try {
  log(`load average before starting: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  log('compiling: dist/ and the bench servers');
  buildCompiled();

  log(`bureau: building ${JSON.stringify(BUREAU)} as a data file`);
  const bureauGen = await timed(() => buildScaleStore(join(dir, 'bureau', 'duban.json'), BUREAU));
  const bm = bureauGen.value;
  log('bureau on lowdb: three cold starts, then end to end at 200 events/s (one process)');
  const coldStarts = await runColdStarts(['compiled'], (_r, i) => copy('bureau', `cold-${i}`), 3);
  const bureauLatency = await runLatency(bm, copy('bureau', 'e2e'), { rate: RATE, seconds: SECONDS, appRate: 250, tag: 'bureau', runtime: 'compiled' });
  log(`  p99 ${bureauLatency.latency.p99} ms, ${bureauLatency.replies}/${bureauLatency.events} replies`);
  log('bureau on lowdb: jobs, /进度, exports');
  const bureauStore = await openLowdbStore(copy('bureau', 'jobs'));
  const bureauJobs = await measureJobs(bureauStore, { branchId: bm.branches[0]!.id });
  const bureauExports = await measureExports(bureauStore, bm.today);
  await bureauStore.close();

  log('bureau on PostgreSQL: import into a fresh database, compare every figure with lowdb, jobs');
  const bureauDb = await createBenchDatabase('bureau');
  drops.push(bureauDb.drop);
  const bureauImport = await importDataFile(join(dir, 'bureau', 'duban.json'), bureauDb.url);
  const [pgBureau, lowBureau] = await Promise.all([openPostgresStore(bureauDb.url, { mode: 'feishu' }), openLowdbStore(copy('bureau', 'compare'), { readOnly: true })]);
  const from = addDays(bm.today, -372);
  const bureauCheck = await compareFigures(lowBureau, pgBureau, { branchIds: bm.branches.map((b) => b.id), from, today: bm.today });
  log(`  ${bureauCheck.checked} figure sets, ${bureauCheck.differ.length} differ`);
  const pgBureauJobs = await measureJobs(pgBureau, { branchId: bm.branches[0]!.id });
  await closeAll(pgBureau, lowBureau);

  log(`province: building ${JSON.stringify(PROVINCE)} as a data file`);
  const provinceGen = await timed(() => buildScaleStore(join(dir, 'province', 'duban.json'), PROVINCE));
  const pm = provinceGen.value;
  log(`  ${provinceGen.ms} ms; importing into a fresh database`);
  const provinceDb = await createBenchDatabase('province');
  drops.push(provinceDb.drop);
  const provinceImport = await importDataFile(join(dir, 'province', 'duban.json'), provinceDb.url);
  log(`  read ${provinceImport.readMs} ms, import ${provinceImport.importMs} ms, snapshot row ${provinceImport.snapshotMb} MB`);
  const firstOpen = await timed(() => openPostgresStore(provinceDb.url, { mode: 'feishu' }));
  const pgProvince = firstOpen.value;
  const lowProvince = await openLowdbStore(join(dir, 'province', 'duban.json'), { readOnly: true });
  const step = Math.max(1, Math.floor(pm.branches.length / SAMPLED_BRANCHES));
  const sampled = pm.branches.filter((_b, i) => i % step === 0).map((b) => b.id);
  log(`province: comparing 全局 this month and ${sampled.length} branches every period, lowdb against PostgreSQL`);
  const provinceCheck = await compareFigures(lowProvince, pgProvince, { branchIds: sampled, from, today: pm.today, globalPeriods: 'month' });
  log(`  ${provinceCheck.checked} figure sets, ${provinceCheck.differ.length} differ`);
  await lowProvince.close();

  // The load generator does not keep a province in its own heap while it times: collecting 1.4 GB pauses sending
  // and counting (p99 1,184 ms with the store open here, 568 ms in the next run without it).
  await pgProvince.close();
  log(`province on PostgreSQL: three replicas, end to end at ${RATE} events/s for ${SECONDS} s, round-robin`);
  const before = await databaseActivity(provinceDb.url);
  const replicas = await runReplicaLatency(pm, provinceDb.url, { count: 3, rate: RATE, seconds: SECONDS, appRate: 250, tag: 'province' });
  const after = await databaseActivity(provinceDb.url);
  log(`  p99 ${replicas.latency.p99} ms, ${replicas.replies}/${replicas.events} replies; replicas ${JSON.stringify(replicas.replicas)}`);
  log('province on PostgreSQL: jobs, /进度, exports (in this process, replicas stopped; the jobs and exports once each)');
  const pgAgain = await openPostgresStore(provinceDb.url, { mode: 'feishu' });
  const provinceJobs = await measureJobs(pgAgain, { branchId: pm.branches[0]!.id, runs: 1 });
  const provinceExports = await measureExports(pgAgain, pm.today);
  await pgAgain.close();

  const figures = {
    bureauLatency,
    bureauStart: { medianMs: coldStarts.compiled.medianMs, rssMb: coldStarts.compiled.rssMb },
    bureauJobs,
    pgBureauJobs,
    provinceJobs,
    bureauExports,
    provinceExports,
    replicas,
    checks: { bureau: bureauCheck, province: provinceCheck },
    snapshotWritesDuringRun: after.snapshotWrites - before.snapshotWrites,
  };
  const rows = provinceRows(figures);
  clearInterval(sampler);
  loads.push(loadavg()[0]!);
  const load = { before: loads[0]!, median: median(loads), max: Math.max(...loads), samples: loads.length };
  const seconds = Math.round((performance.now() - t0) / 1000);
  const host = machine();
  const judged = rows.filter((r) => r.met !== undefined);
  const out = [
    `\nDuban province bench (--store postgres) · ${host.cpus} CPUs (${host.cpu}) · Node ${host.node} · ${seconds} s${small ? ' · SMALL (a tenth of the scale, 5 s runs)' : ''}`,
    `load average (1 min, every 5 s, this bench included): ${load.before.toFixed(2)} before starting, median ${load.median.toFixed(2)}, max ${load.max.toFixed(2)}`,
    `bureau: ${JSON.stringify(bm.counts)}, generated in ${bureauGen.ms} ms; PG import ${bureauImport.importMs} ms (snapshot row ${bureauImport.snapshotMb} MB)`,
    `province: ${JSON.stringify(pm.counts)}, generated in ${provinceGen.ms} ms (the data file through the Store verbs, 5,000 inserts a transaction); read back ${provinceImport.readMs} ms, PG import ${provinceImport.importMs} ms (one snapshot row, ${provinceImport.snapshotMb} MB); first open in the bench ${firstOpen.ms} ms (writes the mode into the row)`,
    'no journal rows at either scale. lowdb: the deployment flags (--max-old-space-size=256); PG replicas: --max-old-space-size=4096 (the store holds the province in memory). App send budget 250/s in both end-to-end runs.',
    'Jobs, /进度 and exports run in the bench process on an open store (opening not counted): medians of 3 at bureau scale, one run at province scale, except /进度 全局: the first card after the store opened, then the median of three. "× (prov/bureau)" is PostgreSQL at province scale over lowdb at bureau scale.',
    'The command mix is sent by members and secretaries: their /进度 is their own or their branch\'s figures, never 全局.',
    '',
    provinceTable(rows),
    '',
    `${judged.filter((r) => r.met).length} of ${judged.length} targets met`,
  ].join('\n');
  process.stdout.write(out + '\n');
  writeFileSync(
    join(ROOT, 'bench', 'results-postgres.json'),
    JSON.stringify({ at: new Date().toISOString(), machine: host, seconds, small, load, scale: { bureau: bm.counts, province: pm.counts }, generation: { bureauMs: bureauGen.ms, provinceMs: provinceGen.ms, bureauImport, provinceImport, firstOpenMs: firstOpen.ms }, rows, raw: figures }, null, 2) + '\n',
  );
} finally {
  await cleanUp();
}
