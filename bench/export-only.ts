// `npx tsx bench/export-only.ts`: the ledger-export lines of `npm run bench` alone, on a scale store without journal rows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExportCosts } from './export.js';
import { exportRows, table } from './report.js';
import { buildScaleStore, ISSUE_SCALE } from './scale-store.js';

const dir = mkdtempSync(join(tmpdir(), 'duban-bench-export-'));
try {
  const file = join(dir, 'duban.json');
  const manifest = await buildScaleStore(file, { ...ISSUE_SCALE, history: false });
  process.stdout.write(`scale: ${JSON.stringify(manifest.counts)}\n\n${table(exportRows(await runExportCosts(file, manifest.today)))}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
