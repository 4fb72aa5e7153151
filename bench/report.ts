import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

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
