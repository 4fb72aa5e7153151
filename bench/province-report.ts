import { availableParallelism } from 'node:os';
import type { ExportCost, ExportCosts } from './export.js';
import type { JobCosts } from './jobs.js';
import type { LatencyResult } from './latency.js';
import type { Latency } from './load.js';
import type { FigureCheck } from './province-figures.js';
import type { ReplicaFigures, ReplicaLatency } from './province-latency.js';

/** One line of the province table: lowdb at bureau scale, PostgreSQL at bureau and province scale, the growth, the target. */
export interface ProvinceRow {
  figure: string;
  bureau: string;
  pgBureau?: string;
  province: string;
  /** Province on PostgreSQL over bureau on lowdb. */
  ratio?: number;
  target?: string;
  met?: boolean;
}

/** Everything the province part measured, as province.ts gathers it. */
export interface ProvinceFigures {
  bureauLatency: LatencyResult;
  bureauStart: { medianMs: number; rssMb: number };
  bureauJobs: JobCosts;
  pgBureauJobs: JobCosts;
  provinceJobs: JobCosts;
  bureauExports: ExportCosts;
  provinceExports: ExportCosts;
  replicas: ReplicaLatency;
  checks: { bureau: FigureCheck; province: FigureCheck };
  snapshotWritesDuringRun: number;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10) / 10 : undefined);
const ms = (n: number) => `${n.toLocaleString('en')} ms`;
const lat = (l: Latency | undefined) => (l && l.count > 0 ? `p50 ${ms(Math.round(l.p50))} p99 ${ms(Math.round(l.p99))} (n ${l.count})` : '—');

/** The table's rows: each figure at bureau scale on lowdb beside province scale on PostgreSQL, targets judged on the province. */
export function provinceRows(f: ProvinceFigures): ProvinceRow[] {
  const { bureauLatency: bl, replicas: rl } = f;
  const rows: ProvinceRow[] = [];
  const allReplied = rl.replies === rl.events;
  rows.push({
    figure: 'end to end at 200 events/s, 30 s, all commands (lowdb: 1 process; PG: 3 replicas, round-robin)',
    bureau: `${lat(bl.latency)}, ${bl.replies}/${bl.events} replies`,
    province: `${lat(rl.latency)}, ${rl.replies}/${rl.events} replies`,
    ratio: ratio(rl.latency.p99, bl.latency.p99),
    target: 'p99 < 100 ms',
    met: rl.latency.p99 < 100 && allReplied,
  });
  for (const command of Object.keys(bl.byCommand).sort((a, b) => (rl.byCommand[b]?.count ?? 0) - (rl.byCommand[a]?.count ?? 0))) {
    const b = bl.byCommand[command]!;
    const p = rl.byCommand[command];
    rows.push({ figure: `  /${command}`, bureau: lat(b), province: lat(p), ratio: p ? ratio(p.p99, b.p99) : undefined, target: 'p99 < 100 ms', met: p !== undefined && p.p99 < 100 });
  }
  rows.push({ figure: '  PG: events posted to the sender replica / to the other two', bureau: '', province: `${lat(rl.toSender)} / ${lat(rl.toOthers)}` });
  rows.push({ figure: 'ack (HTTP 200) at 200 events/s', bureau: `p99 ${ms(Math.round(bl.ackP99))}`, province: `${lat(rl.ack)}, statuses ${JSON.stringify(rl.ackStatuses)}`, ratio: ratio(rl.ack.p99, bl.ackP99) });
  rows.push({
    figure: `CPU during the run (the load and its last replies): replicas together (per event) / PostgreSQL / the bench (load and fake platform); ${availableParallelism()} cores × ${(rl.cpu.windowMs / 1000).toFixed(1)} s are ${ms(availableParallelism() * rl.cpu.windowMs)}`,
    bureau: '',
    province: `${ms(rl.cpu.replicasMs)} (${rl.cpu.replicaMsPerEvent} ms) / ${ms(rl.cpu.postgresMs)} / ${ms(rl.cpu.benchMs)}`,
  });
  rows.push({
    figure: 'the machine during the run: busy / idle / stolen by the host for other virtual machines (all cores)',
    bureau: `stolen ${ms(bl.stolenMs)}`,
    province: `${ms(rl.cpu.machineBusyMs)} / ${ms(rl.cpu.idleMs)} / ${ms(rl.cpu.stolenMs)}`,
  });
  rows.push({ figure: 'PG snapshot rows written during the run and the replicas\' stops (each the whole state; written when due, by one replica at a time)', bureau: '', province: `${f.snapshotWritesDuringRun}` });
  for (const [i, r] of rl.replicas.entries()) {
    rows.push({
      figure: `replica ${i + 1}${r.sender ? ' (sender)' : ''}: open store / spawn→healthy / SIGTERM→exit (the three stopped together)`,
      bureau: i === 0 ? `lowdb start ${ms(f.bureauStart.medianMs)} (median of 3)` : '',
      province: `${ms(r.loadMs)} / ${ms(r.startMs)} / ${ms(r.stopMs)}`,
      ratio: ratio(r.startMs, f.bureauStart.medianMs),
    });
    rows.push({
      figure: `replica ${i + 1}: RSS opened / after the full GC that follows (its ms) / after the run / peak`,
      bureau: i === 0 ? `${f.bureauStart.rssMb} MB / ${bl.rssAfterMb} MB` : '',
      province: `${r.rssBeforeGcMb} / ${r.rssLoadedMb} (${ms(r.loadGcMs)}) / ${r.rssAfterMb} / ${r.peakMb} MB`,
      ratio: ratio(r.rssAfterMb, bl.rssAfterMb),
    });
    rows.push({ figure: `replica ${i + 1}: GC pauses / event-loop stalls over 20 ms during the run; CPU`, bureau: '', province: `${pauseLine(r.pauses)}; ${ms(r.cpuMs)}` });
  }
  const job = (figure: string, pick: (j: JobCosts) => number, detail: (j: JobCosts) => string, target?: [string, number]) => {
    const p = pick(f.provinceJobs);
    rows.push({
      figure,
      bureau: `${ms(pick(f.bureauJobs))}${detail(f.bureauJobs)}`,
      pgBureau: ms(pick(f.pgBureauJobs)),
      province: `${ms(p)}${detail(f.provinceJobs)}`,
      ratio: ratio(p, pick(f.bureauJobs)),
      ...(target ? { target: target[0], met: p < target[1] } : {}),
    });
  };
  job('/进度 全局, the first after the store opened', (j) => j.progressBureauFirstMs, () => '');
  job('/进度 全局 after it (median of 3; bureau-wide on a bureau, province-wide on the province)', (j) => j.progressBureauMs, (j) => ` (${Math.round(j.progressCardBytes / 1024)} KB card)`, ['< 300 ms', 300]);
  job('/进度 全局, each after a study record, a measure done and a problem reported (median of 3)', (j) => j.progressAfterWritesMs, () => '', ['< 300 ms', 300]);
  job('/进度 one branch, the first (the first read of the study log by branch since the store opened)', (j) => j.progressBranchFirstMs ?? NaN, () => '');
  job('/进度 one branch, each after a study record, a measure done and a problem reported (median of 3)', (j) => j.progressBranchMs ?? NaN, () => '', ['< 300 ms', 300]);
  job('weekly digest, all branches', (j) => j.weeklyDigestMs, (j) => ` (${j.weeklyDigestCards} cards)`);
  job('monthly bulletin, all branches', (j) => j.monthlyBulletinMs, (j) => ` (${j.monthlyBulletinCards} card)`, ['< 30,000 ms', 30_000]);
  job('problem ledger export (.xlsx) in the jobs pass', (j) => j.exportMs, (j) => ` (${j.exportRows} rows)`);
  const exp = (figure: string, pick: (e: ExportCosts) => ExportCost) => {
    const b = pick(f.bureauExports);
    const p = pick(f.provinceExports);
    const line = (c: ExportCost) => `${ms(c.ms)}, +${c.peakMb} MB JS peak, ${c.rows} rows, ${c.kb} KB`;
    rows.push({ figure, bureau: line(b), province: line(p), ratio: ratio(p.ms, b.ms) });
  };
  exp('study rows as plain text, past year (export baseline)', (e) => e.baseline);
  exp('study ledger export, past year, .xlsx', (e) => e.study);
  exp('problem ledger export, .xlsx', (e) => e.problems);
  const check = (c: FigureCheck) => `${c.checked} figure sets in ${ms(c.ms)}, ${c.differ.length} differ${c.differ.length ? `: ${c.differ.slice(0, 5).join(', ')}` : ''}`;
  const { bureau: bc, province: pc } = f.checks;
  rows.push({
    figure: 'same data in lowdb and PostgreSQL: bureauFigures compared',
    bureau: `全局 and ${bc.scopes - 1} branches × ${bc.periods} periods: ${check(bc)}`,
    province: `全局 this month, ${pc.scopes - 1} branches × ${pc.periods} periods: ${check(pc)}`,
    target: '0 differ',
    met: f.checks.bureau.differ.length === 0 && f.checks.province.differ.length === 0,
  });
  return rows;
}

/** A plain-text grid, wide characters counted as two columns so Chinese labels line up (as report.ts's table). */
export function grid(head: readonly string[], cells: readonly (readonly string[])[]): string {
  const width = (s: string) => [...s].reduce((n, c) => n + (/[\u1100-\uffff]/.test(c) ? 2 : 1), 0);
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
  const widths = head.map((h, i) => Math.max(width(h), ...cells.map((c) => width(c[i] ?? ''))));
  const line = (c: readonly string[]) => c.map((x, i) => pad(x, widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The province table as printed. */
export function provinceTable(rows: readonly ProvinceRow[]): string {
  const head = ['figure', 'lowdb, bureau', 'PG, bureau', 'PG, province', '× (prov/bureau)', 'target', ''];
  return grid(
    head,
    rows.map((r) => [r.figure, r.bureau, r.pgBureau ?? '', r.province, r.ratio === undefined ? '' : `${r.ratio}×`, r.target ?? '', r.met === undefined ? '' : r.met ? 'met' : 'MISSED']),
  );
}

/** A replica's pauses as `GC n, t ms (longest m) / stalls n, t ms (longest m)`: what its tail latency is made of. */
function pauseLine(p: ReplicaFigures['pauses']): string {
  const sum = (kinds: string[]) => {
    const s = kinds.map((k) => p[k]).filter((x) => x !== undefined);
    return `${s.reduce((a, x) => a + x.count, 0)}, ${s.reduce((a, x) => a + x.totalMs, 0)} ms (longest ${Math.max(0, ...s.map((x) => x.maxMs))} ms)`;
  };
  return `GC ${sum(['gc-minor', 'gc-major', 'gc-incremental', 'gc-weak'])} / stalls ${sum(['loop'])}`;
}
