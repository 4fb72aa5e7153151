import type { LedgerVerbs } from './ledger.js';
import type { AuditEntry, Branch, ChatBinding, HolidayEntry, InboundEvent, Outbound, OutboundContent, Person, Role, Stamp } from './records.js';
import type { JobVerbs } from './jobs.js';
import type { LeaveVerbs } from './leave.js';
import type { StudyVerbs } from './study.js';

/** People, branches and chat bindings. */
export interface OrgVerbs {
  getPerson(id: string): Promise<Person | undefined>;
  /** Creates or updates a person; only the given fields change. */
  savePerson(p: Pick<Person, 'id'> & Partial<Omit<Person, 'id' | 'created'>>, stamp: Stamp): Promise<Person>;
  listPeople(filter?: { branchId?: string; role?: Role }): Promise<Person[]>;
  findPeopleByName(name: string): Promise<Person[]>;
  getBranch(id: string): Promise<Branch | undefined>;
  findBranchByName(name: string): Promise<Branch | undefined>;
  createBranch(name: string, stamp: Stamp): Promise<Branch>;
  listBranches(): Promise<Branch[]>;
  getChat(chatId: string): Promise<ChatBinding | undefined>;
  bindChat(binding: Omit<ChatBinding, 'bound'>, stamp: Stamp): Promise<ChatBinding>;
  listChats(filter?: { kind?: ChatBinding['kind']; branchId?: string }): Promise<ChatBinding[]>;
  audit(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  listAudit(subject?: string): Promise<AuditEntry[]>;
}

/** The intake journal: events are recorded before they are acknowledged. */
export interface InboxVerbs {
  /** Records an event unless its event id or message id was seen before. */
  recordInbound(e: Omit<InboundEvent, 'status' | 'doneAt'>): Promise<'recorded' | 'duplicate'>;
  pendingInbound(): Promise<InboundEvent[]>;
  /** Marks the event handled; throws if it already was, so a second handling's transaction is undone whole. */
  completeInbound(id: string, at: string): Promise<void>;
  countInbound(): Promise<{ pending: number; done: number }>;
}

/** The persisted outbox every outbound message passes through. */
export interface OutboxVerbs {
  enqueue(msg: { id: string; to: Outbound['to']; content: OutboundContent; createdAt: string; expiresAt?: string; source?: string; about?: string[] }): Promise<Outbound>;
  /** Pending messages whose next attempt is due, oldest first. */
  dueOutbound(now: string, limit: number): Promise<Outbound[]>;
  updateOutbound(id: string, patch: Partial<Pick<Outbound, 'status' | 'attempts' | 'nextAt' | 'sentAt' | 'feishuMessageId' | 'error' | 'content' | 'about'>>): Promise<void>;
  getOutbound(id: string): Promise<Outbound | undefined>;
  /** The outbox item Feishu knows as `messageId` (a card being acted on). */
  findOutboundByFeishuId(messageId: string): Promise<Outbound | undefined>;
  listOutbound(filter?: { source?: string; status?: Outbound['status'] }): Promise<Outbound[]>;
  /** Cards (pending or sent) about a ledger item, oldest first. */
  listOutboundAbout(ref: string): Promise<Outbound[]>;
}

/** Bureau-wide counters behind record numbers such as S105, P12, T3. */
export interface CounterVerbs {
  nextNumber(series: string): Promise<number>;
}

/** The holiday schedule the office entered, which takes precedence over the holiday package. */
export interface HolidayVerbs {
  /** Records one holiday of one year, replacing an earlier entry for the same holiday (kept in its history). */
  saveHoliday(h: Pick<HolidayEntry, 'year' | 'name' | 'off' | 'work'>, stamp: Stamp): Promise<HolidayEntry>;
  /** Entered holidays, of one year or all, in calendar order. */
  listHolidays(year?: number): Promise<HolidayEntry[]>;
}

/** Everything a transaction may read and write. */
export type Tx = OrgVerbs & InboxVerbs & OutboxVerbs & CounterVerbs & StudyVerbs & JobVerbs & LedgerVerbs & HolidayVerbs & LeaveVerbs;

/** What a store reports about itself for /healthz. */
export interface StoreHealth {
  ok: boolean;
  kind: string;
  schemaVersion: number;
  lastTx: number;
  detail?: Record<string, unknown>;
}

/** The persistence boundary: async, in domain verbs, with no engine detail leaking through. */
export interface Store {
  /** Runs fn atomically: either all of its writes are durable when this resolves, or none happened. */
  transact<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs fn against a consistent view under the writer lock, for short lookups; writes inside it throw. It sees every
   * transaction committed before it began, wherever; with `known`, only this process's own and those its commit watch
   * has announced (`watch`), which spares replicas a database round trip when nothing newer was announced: for work a
   * watch wakes anyway, or a lookup just after this process's own write. A single-process store is always current.
   */
  read<T>(fn: (tx: Tx) => Promise<T>, opts?: { known?: boolean }): Promise<T>;
  /**
   * Runs fn against a consistent snapshot without holding the writer lock while it runs, for long reads (reports,
   * exports, digests): acknowledging an event must never wait for one. Writes inside it throw. `known` as for `read`:
   * a report answering an event this process has just journalled sees everything committed before the event was.
   */
  view<T>(fn: (tx: Tx) => Promise<T>, opts?: { known?: boolean }): Promise<T>;
  health(): StoreHealth;
  /** Bytes of files to send, kept outside the records: a queued message names them by key. */
  files: FileArea;
  /** Bytes of evidence files (佐证材料) kept for the ledger: never dropped; absent where the store keeps none. */
  evidence?: FileArea;
  /**
   * Calls `listener` soon after another process commits to the same data (PostgreSQL replicas: what one replica
   * queues, the sender wakes for); returns a function that stops it. Absent where this process is the only writer.
   */
  watch?(listener: () => void): () => void;
  /** Flushes everything and releases files; later calls fail. */
  close(): Promise<void>;
}

/** Where the bytes of files to send are kept until they are sent. */
export interface FileArea {
  /** Stores the bytes durably and returns their key. */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes under `key`, or undefined once dropped. */
  read(key: string): Promise<Buffer | undefined>;
  /** Forgets the bytes (after Feishu has them); a missing key is not an error. */
  drop(key: string): Promise<void>;
}
