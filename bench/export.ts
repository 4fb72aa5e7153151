import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { exportProblems, exportStudy } from '../commands/reports/export-files.js';
import { loadNames } from '../commands/reports/names.js';
import { participantsOf } from '../storage/study.js';
import { openLowdbStore } from '../storage/lowdb/open.js';
import type { Store, Tx } from '../storage/store.js';

/** One timed export: wall and CPU time, the memory it added at its peak, and what it produced. */
export interface ExportCost {
  ms: number;
  cpuMs: number;
  /** Live JS memory added at the peak. */
  peakMb: number;
  /** RSS added during the first run. */
  firstRssMb?: number;
  rows: number;
  kb: number;
}

/** Both ledgers at scale beside a baseline of the same rows written as plain text, measured in the same run. */
export interface ExportCosts {
  /** The study records of the last 12 months read, named and written as tab-separated text: the floor of any export. */
  baseline: ExportCost;
  study: ExportCost;
  problems: ExportCost;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const jsMemory = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external + m.arrayBuffers;
};

/**
 * Runs `fn` three times after a full GC each time: the median wall time with its CPU time (main thread plus the
 * zlib pool), and the peak of live JS memory (heap, external, buffers) above what was live before, highest of the
 * three. RSS would hide a repeat run's growth in pages V8 kept from the first, so it is sampled on the first only.
 */
async function measure(fn: () => Promise<{ rows: number; bytes: number }>): Promise<ExportCost & { firstRssMb: number }> {
  const runs: ExportCost[] = [];
  let firstRssMb = 0;
  for (let i = 0; i < 3; i++) {
    gc();
    const before = jsMemory();
    const rss0 = process.memoryUsage.rss();
    let peak = before;
    let peakRss = rss0;
    const sample = () => {
      peak = Math.max(peak, jsMemory());
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    };
    const sampler = setInterval(sample, 5);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await fn();
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    sample();
    if (i === 0) firstRssMb = Math.round((peakRss - rss0) / 1e6);
    runs.push({ ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakMb: Math.round((peak - before) / 1e6), rows: out.rows, kb: Math.round(out.bytes / 1024) });
  }
  const median = [...runs].sort((a, b) => a.ms - b.ms)[1]!;
  return { ...median, peakMb: Math.max(...runs.map((r) => r.peakMb)), firstRssMb };
}

async function plainText(tx: Tx, period: { start: string; end: string }): Promise<{ rows: number; bytes: number }> {
  const records = await tx.listStudyRecords({ from: period.start, to: period.end });
  const names = await loadNames(tx);
  const lines = records.map((r) => [r.date, names.branch(r.branchId), r.form, r.content, participantsOf(r).map((id) => names.person(id)).join('、'), r.minutes ?? ''].join('\t'));
  return { rows: records.length, bytes: Buffer.byteLength(lines.join('\n')) };
}

/** Times the bureau-wide study ledger for the past year and the bureau-wide problem ledger on the scale store. */
export async function runExportCosts(dataFile: string, today: string): Promise<ExportCosts> {
  const store = await openLowdbStore(dataFile, { readOnly: true });
  try {
    return await measureExports(store, today);
  } finally {
    await store.close();
  }
}

/** runExportCosts on an open store of any kind. */
export async function measureExports(store: Store, today: string): Promise<ExportCosts> {
  // The scale store spreads its records over the 365 days up to today: "the last 12 months" holds all of them.
  const period = { start: new Date(Date.parse(today) - 366 * 86_400_000).toISOString().slice(0, 10), end: today, label: '近12个月' };
  const baseline = await measure(() => store.read((tx) => plainText(tx, period)));
  const study = await measure(() => store.read(async (tx) => toCount(await exportStudy(tx, { scopeLabel: '全部', period, today }))));
  const problems = await measure(() => store.read(async (tx) => toCount(await exportProblems(tx, { scopeLabel: '全部', today }))));
  return { baseline, study, problems };
}

function toCount(f: { rows: number; bytes: Buffer }): { rows: number; bytes: number } {
  return { rows: f.rows, bytes: f.bytes.length };
}
