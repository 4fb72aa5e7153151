import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ExportCost, ExportCosts } from './export.js';

/** One line of the table: a figure, the target it is held to (if any) and whether it met it. */
export interface Row {
  figure: string;
  value: string;
  target: string;
  met?: boolean;
}

/** The machine a run happened on, as the README quotes it. */
export function machine(): { cpus: number; node: string; cpu: string } {
  const info = readFileSync('/proc/cpuinfo', 'utf8');
  return { cpus: availableParallelism(), node: process.version, cpu: /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown' };
}

/** A plain-text table, wide characters counted as two columns so Chinese labels line up. */
export function table(rows: readonly Row[]): string {
  const width = (s: string) => [...s].reduce((n, c) => n + (/[\u1100-\uffff]/.test(c) ? 2 : 1), 0);
  const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));
  const cells = rows.map((r) => [r.figure, r.value, r.target, r.met === undefined ? '' : r.met ? 'met' : 'MISSED']);
  const head = ['figure', 'value', 'target', ''];
  const widths = head.map((h, i) => Math.max(width(h), ...cells.map((c) => width(c[i]!))));
  const line = (c: string[]) => c.map((x, i) => pad(x, widths[i]!)).join('  ').trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The ledger-export lines: each export beside the plain-text baseline of the same run, held to the targets. */
export function exportRows(e: ExportCosts): Row[] {
  const line = (c: ExportCost) => `${c.ms} ms (CPU ${c.cpuMs} ms), +${c.peakMb} MB JS peak (+${c.firstRssMb ?? 0} MB RSS first run), ${c.rows} rows, ${c.kb} KB`;
  const ratio = (c: ExportCost) => Math.round((c.ms / Math.max(1, e.baseline.ms)) * 10) / 10;
  return [
    { figure: 'study rows as plain text (export baseline)', value: line(e.baseline), target: 'baseline' },
    { figure: 'study ledger, bureau-wide year, .xlsx', value: `${line(e.study)}, ${ratio(e.study)}× baseline`, target: '< 1000 ms, < 100 MB', met: e.study.ms < 1000 && Math.max(e.study.peakMb, e.study.firstRssMb ?? 0) < 100 },
    { figure: 'problem ledger, bureau-wide, .xlsx', value: `${line(e.problems)}, ${ratio(e.problems)}× baseline`, target: '< 1000 ms, < 100 MB', met: e.problems.ms < 1000 && Math.max(e.problems.peakMb, e.problems.firstRssMb ?? 0) < 100 },
  ];
}
