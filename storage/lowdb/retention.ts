import type { InboundEvent, Outbound } from '../records.js';
import type { Retirement } from './engine.js';

const DAY_MS = 86_400_000;

/**
 * The journals keep only what can still matter in memory and in the snapshot: a handled event's id for a week
 * (Feishu stops retrying after about 7 hours), a settled outbound message for 30 days (cards can be acted on for
 * 14). Older rows move to `duban.json.archive.jsonl`, so a year of commands does not live in RAM.
 */
export const RETIREMENT: Record<string, Retirement> = {
  inbox: { settledAt: (e: InboundEvent) => (e.status === 'done' ? e.doneAt : undefined), keepMs: 7 * DAY_MS },
  outbox: { settledAt: (o: Outbound) => (o.status === 'pending' ? undefined : (o.sentAt ?? o.createdAt)), keepMs: 30 * DAY_MS },
};
