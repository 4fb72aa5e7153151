import type { Tx } from '../storage/store.js';
import type { LocalDate } from './calendar.js';
import { problemLedgerWorkbook, studyLedgerWorkbook, type Names } from './export-ledgers.js';
import type { NamedPeriod } from './periods.js';

/** A generated ledger file. */
export interface LedgerFile {
  fileName: string;
  bytes: Buffer;
  rows: number;
}

async function names(tx: Tx): Promise<Names> {
  const [people, branches] = await Promise.all([tx.listPeople(), tx.listBranches()]);
  const p = new Map(people.map((x) => [x.id, x.name]));
  const b = new Map(branches.map((x) => [x.id, x.name]));
  return { person: (id) => p.get(id) ?? id, branch: (id) => (id ? (b.get(id) ?? id) : '') };
}

/** The problem ledger of one branch or the whole bureau, as the official .xlsx (chat, admin API and CLI share it). */
export async function exportProblems(tx: Tx, opts: { branchId?: string; scopeLabel: string; today: LocalDate }): Promise<LedgerFile> {
  const problems = (await tx.listProblems(opts.branchId ? { branchId: opts.branchId } : {})).filter((p) => !p.voided);
  const ids = new Set(problems.map((p) => p.id));
  const measures = (await tx.listMeasures()).filter((m) => ids.has(m.problemId));
  const bytes = await problemLedgerWorkbook({ problems, measures, names: await names(tx), today: opts.today });
  return { fileName: `问题台账-${opts.scopeLabel}-${opts.today}.xlsx`, bytes, rows: problems.length };
}

/** The study ledger of one branch or the whole bureau for a period, as the official .xlsx. */
export async function exportStudy(tx: Tx, opts: { branchId?: string; scopeLabel: string; period: Pick<NamedPeriod, 'start' | 'end' | 'label'> }): Promise<LedgerFile> {
  const records = (await tx.listStudyRecords({ from: opts.period.start, to: opts.period.end, ...(opts.branchId ? { branchId: opts.branchId } : {}) })).filter((r) => !r.voided);
  const bytes = await studyLedgerWorkbook({ records, names: await names(tx), title: `${opts.scopeLabel} 学习台账 ${opts.period.label}` });
  return { fileName: `学习台账-${opts.scopeLabel}-${opts.period.label}.xlsx`, bytes, rows: records.length };
}
