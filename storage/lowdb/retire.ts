import { GroupCommitLog } from './wal.js';
import type { Rec, Retirement } from './engine-types.js';

/**
 * Records settled longer ago than their collection's keep time, measured from the collection's newest settled record
 * (not the wall clock), so a store written under a test clock ages the same way.
 */
export function settledRecords(colls: ReadonlyMap<string, ReadonlyMap<string, Rec>>, rules: Record<string, Retirement>): { c: string; v: Rec }[] {
  const out: { c: string; v: Rec }[] = [];
  for (const [c, rule] of Object.entries(rules)) {
    const map = colls.get(c);
    if (!map) continue;
    let newest = '';
    for (const r of map.values()) {
      const t = rule.settledAt(r);
      if (t !== undefined && t > newest) newest = t;
    }
    if (!newest) continue;
    const cutoff = new Date(Date.parse(newest) - rule.keepMs).toISOString();
    for (const r of map.values()) {
      const t = rule.settledAt(r);
      if (t !== undefined && t < cutoff) out.push({ c, v: r });
    }
  }
  return out;
}

/** Appends records to the archive file (`{c, v}` a line) and waits until they are on disk. */
export async function archiveRecords(archive: string, rows: { c: string; v: Rec }[]): Promise<void> {
  const log = await GroupCommitLog.open(archive);
  try {
    await Promise.all(rows.map((r) => log.append(JSON.stringify(r))));
  } finally {
    await log.close();
  }
}
