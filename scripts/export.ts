// Exports a ledger straight from the data file (read-only, safe beside a running server):
//   npm run export -- problems --out 问题台账.xlsx [--branch 第一支部] [--data ./data/duban.json]
//   npm run export -- study --out 学习台账.xlsx [--branch 第一支部] [--period 2026年]
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { toLocalDate } from '../commands/shared/calendar.js';
import { exportProblems, exportStudy } from '../commands/reports/export-files.js';
import { parsePeriodWord } from '../commands/shared/periods.js';
import { openLowdbStore } from '../storage/lowdb/open.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, branch: { type: 'string' }, period: { type: 'string' }, data: { type: 'string' } },
});
const kind = positionals[0];
if ((kind !== 'problems' && kind !== 'study') || !values.out) {
  process.stderr.write('usage: npm run export -- problems|study --out <file.xlsx> [--branch <支部>] [--period <本年|2026年|11月>] [--data <data file>]\n');
  process.exit(2);
}
const store = await openLowdbStore(values.data ?? process.env.DUBAN_DATA_FILE ?? './data/duban.json', { readOnly: true });
const today = toLocalDate(new Date());
const file = await store.read(async (tx) => {
  const branch = values.branch ? await tx.findBranchByName(values.branch) : undefined;
  if (values.branch && !branch) throw new Error(`no branch named ${values.branch}`);
  const scope = { branchId: branch?.id, scopeLabel: branch?.name ?? '全部' };
  if (kind === 'problems') return exportProblems(tx, { ...scope, today });
  const period = parsePeriodWord(values.period ?? '本年', today);
  if (!period) throw new Error(`unknown period ${values.period}`);
  return exportStudy(tx, { ...scope, period, today });
});
await writeFile(values.out, file.bytes);
process.stdout.write(`${values.out}: ${file.rows} rows (${file.fileName})\n`);
await store.close();
