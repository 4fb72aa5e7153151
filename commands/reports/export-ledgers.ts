// The two official ledgers; each lives in its own file, this one keeps the import path the callers know.
export { PROBLEM_COLUMNS, PROBLEM_SHEETS, problemLedgerWorkbook } from './problem-ledger.js';
export { STUDY_SHEETS, studyColumns, studyLedgerWorkbook } from './study-ledger.js';
