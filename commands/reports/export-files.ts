import type { Tx } from '../../storage/store.js';
import { toLocalDate, type LocalDate } from '../shared/calendar.js';
import { countedOn } from '../figures/ledger-figures.js';
import { activitiesIn, spanUpTo } from '../figures/study-figures.js';
import { problemLedgerWorkbook, studyLedgerWorkbook } from './export-ledgers.js';
import { loadNames } from './names.js';
import type { NamedPeriod } from '../shared/periods.js';

/** A file name part without path separators or characters Windows refuses. */
function fileNamePart(s: string): string {
  return s.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').slice(0, 40);
}

/** The 填报单位 of a file: the branch, or the whole bureau (全局). */
function unitOf(opts: { branchId?: string; scopeLabel: string }): string {
  return opts.branchId ? opts.scopeLabel : '全局';
}

/** A generated ledger file. */
export interface LedgerFile {
  fileName: string;
  bytes: Buffer;
  rows: number;
}

/** The problem ledger of one branch or the whole bureau, as the official .xlsx (chat, admin API and CLI share it). */
export async function exportProblems(tx: Tx, opts: { branchId?: string; scopeLabel: string; today: LocalDate }): Promise<LedgerFile> {
  // The problems /进度 counts as 检视问题 today, so the file's rows and the card's figure agree.
  const problems = (await tx.listProblems(opts.branchId ? { branchId: opts.branchId } : {})).filter((p) => countedOn(p, opts.today));
  const ids = new Set(problems.map((p) => p.id));
  const measures = (await tx.listMeasures()).filter((m) => ids.has(m.problemId));
  const evidence = (await tx.listEvidence()).filter((e) => e.ref !== undefined && ids.has(e.ref.split('-')[0]!));
  const bytes = await problemLedgerWorkbook({ problems, measures, evidence, names: await loadNames(tx), today: opts.today, unit: unitOf(opts) });
  return { fileName: `问题台账-${fileNamePart(opts.scopeLabel)}-${opts.today}.xlsx`, bytes, rows: problems.length };
}

/** The study ledger of one branch or the whole bureau for a period, as the official .xlsx. */
export async function exportStudy(tx: Tx, opts: { branchId?: string; scopeLabel: string; period: Pick<NamedPeriod, 'start' | 'end' | 'label'>; today?: LocalDate }): Promise<LedgerFile> {
  const today = opts.today ?? toLocalDate(new Date());
  // The 学习活动 /进度 and /学习 统计 count for the scope and period (up to today): one row each.
  const scope = opts.branchId ? { branchId: opts.branchId } : {};
  const records = activitiesIn(await tx.listStudyRecords({ from: opts.period.start, to: opts.period.end, ...scope }), scope, spanUpTo(opts.period, today));
  const bytes = await studyLedgerWorkbook({ records, names: await loadNames(tx), unit: opts.branchId ? opts.scopeLabel : undefined, periodLabel: opts.period.label, today });
  return { fileName: `学习台账-${fileNamePart(opts.scopeLabel)}-${opts.period.label}.xlsx`, bytes, rows: records.length };
}
