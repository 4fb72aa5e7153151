import type { IndexFn, Migration } from './engine.js';
import { HOLIDAY_COLLECTIONS } from './holidays.js';
import { LEDGER_COLLECTIONS } from './ledger.js';
import { JOB_COLLECTIONS } from './jobs.js';
import { LEAVE_COLLECTIONS } from './leave.js';
import { STUDY_COLLECTIONS } from './study.js';

/** Collections of the data file and the secondary indexes each keeps in memory. */
export const COLLECTIONS: Record<string, Record<string, IndexFn>> = {
  people: { branch: (p) => p.branchId, role: (p) => p.role, name: (p) => p.name },
  branches: { name: (b) => b.name },
  chats: { kind: (c) => c.kind, branch: (c) => c.branchId },
  audit: { subject: (a) => a.subject },
  inbox: { messageId: (e) => e.messageId, status: (e) => e.status },
  outbox: { status: (o) => o.status, source: (o) => o.source, feishu: (o) => o.feishuMessageId, about: (o) => o.about },
  ...LEDGER_COLLECTIONS,
  ...JOB_COLLECTIONS,
  ...STUDY_COLLECTIONS,
  ...HOLIDAY_COLLECTIONS,
  ...LEAVE_COLLECTIONS,
};

/** Schema migrations: entry i upgrades a data file from version i to i+1; append, never edit. */
export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: the first layout; an empty or new file gets every collection.
  (s) => {
    for (const name of Object.keys(COLLECTIONS)) s.collections[name] ??= [];
  },
  // 1 → 2: the leave register (请假).
  (s) => {
    s.collections.leaves ??= [];
  },
  // 2 → 3: evidence files sent in chat (佐证材料) and where each person's next file goes.
  (s) => {
    s.collections.evidence ??= [];
    s.collections.evidenceTargets ??= [];
  },
];
