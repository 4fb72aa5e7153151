// `npm run bench`: builds a bureau at scale, measures intake, end-to-end latency, job cost, outbox fan-out and
// footprint on 127.0.0.1, prints one table (figure, target, met or missed) and writes bench/results.json.
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExportCosts } from './export.js';
import { runFanout } from './fanout.js';
import { runColdStarts } from './footprint.js';
import { runIntake } from './intake.js';
import { runJobCosts } from './jobs.js';
import { runLatency } from './latency.js';
import { exportRows, machine, table, type Row } from './report.js';
import { buildScaleStore, ISSUE_SCALE } from './scale-store.js';
import { ROOT } from './server-process.js';

const t0 = performance.now();
const dir = mkdtempSync(join(tmpdir(), 'duban-bench-'));
const log = (s: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)}s] ${s}\n`);
const fresh = (name: string) => {
  cpSync(join(dir, 'scale'), join(dir, name), { recursive: true });
  return join(dir, name, 'duban.json');
};

try {
  log('building the scale store through store.transact');
  const g0 = performance.now();
  const manifest = await buildScaleStore(join(dir, 'scale', 'duban.json'), ISSUE_SCALE);
  const generateMs = Math.round(performance.now() - g0);
  const fileMb = Math.round(statSync(join(dir, 'scale', 'duban.json')).size / 1e5) / 10;
  const archiveMb = Math.round(statSync(join(dir, 'scale', 'duban.json.archive.jsonl')).size / 1e5) / 10;

  log('cold starts');
  const cold = await runColdStarts(fresh('cold'), 5);
  log('intake: warm-up, fixed 300 events/s, then 3 closed-loop rounds each, against the bare SDK baseline');
  const intake = await runIntake(manifest, fresh('intake'), { roundCount: 5000, rateSeconds: 15 });
  log('end to end at 200 events/s for 30 s');
  const e2e = await runLatency(manifest, fresh('e2e'), { rate: 200, seconds: 30, appRate: 250, tag: 'e2e' });
  log('end to end at 15 events/s with Feishu send limits');
  const prod = await runLatency(manifest, fresh('prod'), { rate: 15, seconds: 20, tag: 'prod' });
  log('job costs');
  const jobs = await runJobCosts(fresh('jobs'));
  log('ledger exports against a plain-text baseline');
  const exports = await runExportCosts(fresh('exports'), manifest.today);
  log('fan-out to 1,000 chats');
  const fanout = await runFanout(fresh('fanout'));

  const ms = (n: number) => `${n} ms`;
  const rows: Row[] = [
    { figure: 'intake, bare Koa + SDK dispatcher (32 conns)', value: `${intake.baseline.rps} req/s, ack p50 ${ms(intake.baseline.latency.p50)} p99 ${ms(intake.baseline.latency.p99)}`, target: 'baseline' },
    { figure: 'intake, Duban (journalled, fsync)', value: `${intake.duban.rps} req/s, ack p50 ${ms(intake.duban.latency.p50)} p99 ${ms(intake.duban.latency.p99)}`, target: '' },
    { figure: 'intake throughput ratio', value: `${intake.ratio}`, target: '≥ 0.8', met: intake.ratio >= 0.8 },
    { figure: 'ack at 300 events/s for 15 s, Duban', value: `p50 ${ms(intake.at300.duban.latency.p50)} p99 ${ms(intake.at300.duban.latency.p99)} (${intake.at300.duban.ok}/${intake.at300.duban.sent} 200)`, target: 'p99 < 25 ms', met: intake.at300.duban.latency.p99 < 25 && intake.at300.duban.ok === intake.at300.duban.sent },
    { figure: 'ack at 300 events/s, baseline', value: `p50 ${ms(intake.at300.baseline.latency.p50)} p99 ${ms(intake.at300.baseline.latency.p99)}`, target: '' },
    { figure: 'end to end at 200/s for 30 s (app budget 250/s)', value: `p50 ${ms(e2e.latency.p50)} p99 ${ms(e2e.latency.p99)}, ${e2e.replies}/${e2e.events} replies`, target: 'p99 < 100 ms', met: e2e.latency.p99 < 100 && e2e.replies === e2e.events },
    { figure: 'end to end at 15/s, Feishu send limits', value: `p50 ${ms(prod.latency.p50)} p99 ${ms(prod.latency.p99)}, ${prod.replies}/${prod.events} replies`, target: 'p99 < 100 ms', met: prod.latency.p99 < 100 && prod.replies === prod.events },
    { figure: 'weekly digest, 50 branches (median of 3)', value: `${ms(jobs.weeklyDigestMs)} (${jobs.weeklyDigestCards} cards)`, target: '< 300 ms', met: jobs.weeklyDigestMs < 300 },
    { figure: 'monthly bulletin (median of 3)', value: `${ms(jobs.monthlyBulletinMs)} (${jobs.monthlyBulletinCards} card)`, target: '< 300 ms', met: jobs.monthlyBulletinMs < 300 },
    { figure: '/进度 bureau-wide, figures + card (median of 3)', value: `${ms(jobs.progressBureauMs)} (${Math.round(jobs.progressCardBytes / 1024)} KB card)`, target: '< 300 ms', met: jobs.progressBureauMs < 300 },
    { figure: 'problem-ledger export, .xlsx (median of 3)', value: `${ms(jobs.exportMs)} (${jobs.exportRows} problems, ${Math.round(jobs.exportBytes / 1024)} KB)`, target: '< 2000 ms', met: jobs.exportMs < 2000 },
    ...exportRows(exports),
    { figure: 'fan-out to 1,000 chats (5/s per chat, 50/s per app)', value: `${fanout.seconds} s, floor ${fanout.floorSeconds} s, ratio ${fanout.ratio}`, target: 'ratio ≤ 1.15', met: fanout.ratio <= 1.15 },
    { figure: 'fan-out messages lost / duplicated', value: `${fanout.lost} / ${fanout.duplicates}`, target: '0 / 0', met: fanout.lost === 0 && fanout.duplicates === 0 },
    { figure: 'fan-out 429s received', value: `${fanout.rejected429}`, target: '0', met: fanout.rejected429 === 0 },
    { figure: 'RSS after loading the scale store', value: `${cold.rssAfterLoadMb} MB`, target: '< 300 MB', met: cold.rssAfterLoadMb < 300 },
    { figure: 'RSS after the runs (max of intake, e2e)', value: `${Math.max(intake.rssAfterMb, e2e.rssAfterMb)} MB`, target: '< 300 MB', met: Math.max(intake.rssAfterMb, e2e.rssAfterMb) < 300 },
    { figure: 'cold start to healthy (median of 5)', value: `${ms(cold.medianMs)} (${cold.startsMs.join(', ')})`, target: '< 2000 ms', met: cold.medianMs < 2000 },
    { figure: 'data file (snapshot) size', value: `${fileMb} MB`, target: '' },
    { figure: 'journal archive (rows past 7 / 30 days)', value: `${archiveMb} MB`, target: '' },
    { figure: 'scale store generation', value: `${ms(generateMs)}`, target: '' },
  ];
  const seconds = Math.round((performance.now() - t0) / 1000);
  const host = machine();
  const met = rows.filter((r) => r.met === true).length;
  const judged = rows.filter((r) => r.met !== undefined).length;
  process.stdout.write(`\nDuban bench · ${host.cpus} CPUs (${host.cpu}) · Node ${host.node} · ${seconds} s\n`);
  process.stdout.write(`scale: ${JSON.stringify(manifest.counts)}, plus a year of journal rows (an event and a reply per record; the store archives those older than 7 / 30 days)\n\n`);
  process.stdout.write(table(rows) + `\n\n${met} of ${judged} targets met\n`);
  writeFileSync(
    join(ROOT, 'bench', 'results.json'),
    JSON.stringify({ at: new Date().toISOString(), machine: host, seconds, scale: manifest.counts, rows, raw: { generateMs, fileMb, archiveMb, cold, intake, e2e, prod, jobs, exports, fanout } }, null, 2) + '\n',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
