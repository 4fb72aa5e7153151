// Moves a bureau from its data file to PostgreSQL, then checks every figure on both stores:
//   npm run migrate:postgres -- --from ./data/duban.json [--to postgres://…]   (--to defaults to DUBAN_DATABASE_URL)
// Stop the server first: the data file is locked while it runs. An empty database only.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs, isDeepStrictEqual } from 'node:util';
import { bureauFigures } from '../commands/figures/bureau-figures.js';
import { toLocalDate, type LocalDate } from '../commands/shared/calendar.js';
import { periodsBetween } from '../commands/shared/periods.js';
import { COLLECTIONS, MIGRATIONS } from '../storage/lowdb/collections.js';
import type { Snapshot } from '../storage/lowdb/engine-types.js';
import { readState } from '../storage/lowdb/load-state.js';
import { openLowdbStore } from '../storage/lowdb/open.js';
import { importState } from '../storage/postgres/import-state.js';
import { describeDatabase, openPostgresStore } from '../storage/postgres/open.js';
import type { Store } from '../storage/store.js';

/** The files kept beside the data file in `<file>.files/` (queued exports) or `<file>.evidence/`, by key. */
async function filesOf(dataFile: string, area: 'files' | 'evidence'): Promise<{ key: string; bytes: Buffer }[]> {
  const dir = `${dataFile}.${area}`;
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{32}\.bin$/.test(n));
  return Promise.all(names.map(async (n) => ({ key: n.slice(0, 32), bytes: await readFile(join(dir, n)) })));
}

/** The first day that any record is dated or stamped with (today for an empty bureau). */
function firstDay(snap: Snapshot, today: LocalDate): LocalDate {
  let first = today;
  for (const list of Object.values(snap.collections)) {
    for (const r of list as { date?: unknown; created?: { at?: unknown } }[]) {
      for (const v of [r.date, r.created?.at]) {
        if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && v.slice(0, 10) < first) first = v.slice(0, 10);
      }
    }
  }
  return first;
}

/** Compares bureauFigures for the bureau and each branch over every period on both stores; returns the differences. */
async function compareFigures(a: Store, b: Store, periods: ReturnType<typeof periodsBetween>, today: LocalDate): Promise<{ checked: number; differ: string[] }> {
  const branches = await a.read((tx) => tx.listBranches());
  const scopes = [{ label: '全局', branchId: undefined as string | undefined }, ...branches.map((br) => ({ label: br.name, branchId: br.id }))];
  const differ: string[] = [];
  let checked = 0;
  for (const scope of scopes) {
    for (const period of periods) {
      const opts = { period, asOf: period.end < today ? period.end : today, branchId: scope.branchId };
      const [x, y] = await Promise.all([a.view((tx) => bureauFigures(tx, opts)), b.view((tx) => bureauFigures(tx, opts))]);
      checked++;
      if (!isDeepStrictEqual(x, y)) differ.push(`${scope.label} ${period.label}`);
    }
  }
  return { checked, differ };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  if (existsSync('.env')) process.loadEnvFile('.env');
  const to = values.to ?? process.env.DUBAN_DATABASE_URL;
  if (!values.from || !to) {
    process.stderr.write('usage: npm run migrate:postgres -- --from ./data/duban.json [--to postgres://user:password@host:5432/db] (--to defaults to DUBAN_DATABASE_URL)\n');
    return 2;
  }
  const file = resolve(values.from);
  if (!existsSync(file)) {
    process.stderr.write(`no data file at ${file}\n`);
    return 2;
  }
  // Opening it takes the file's lock (a running server holds it) and folds the log into the snapshot.
  const source = await openLowdbStore(file);
  try {
    const { snap } = await readState({ file, collections: COLLECTIONS, migrations: MIGRATIONS });
    const files = { duban_files: await filesOf(file, 'files'), duban_evidence: await filesOf(file, 'evidence') };
    await importState(to, snap, files);
    const records = Object.values(snap.collections).reduce((n, l) => n + l.length, 0);
    process.stdout.write(`copied ${file} (transaction ${snap.lastTx}, ${records} records, ${files.duban_files.length} files to send, ${files.duban_evidence.length} evidence files) to ${describeDatabase(to)}\n`);
    const target = await openPostgresStore(to, { mode: snap.mode === 'local' ? 'local' : snap.mode === 'feishu' ? 'feishu' : undefined });
    try {
      const today = toLocalDate(new Date());
      const { checked, differ } = await compareFigures(source, target, periodsBetween(firstDay(snap, today), today), today);
      if (differ.length > 0) {
        process.stderr.write(`figures differ between the data file and the database for: ${differ.join(', ')}. Do not switch over; drop the database's duban_* tables and report this.\n`);
        return 1;
      }
      process.stdout.write(`verified: ${checked} figure sets (the bureau and each branch, every month, quarter and year) are the same on both stores\n`);
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`migrate:postgres failed: ${err instanceof Error && err.name === 'StoreOpenError' ? err.message : ((err as Error).stack ?? err)}\n`);
    process.exit(1);
  },
);
