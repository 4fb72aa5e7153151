import type { Outbound } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import type { Messenger } from './feishu/messenger.js';
import type { Logger } from './logger.js';
import { Throttle } from './throttle.js';

const MAX_ATTEMPTS = 12;
/** The longest wait before a retry, whatever `x-ogw-ratelimit-reset` says. */
export const MAX_BACKOFF_MS = 5 * 60_000;
/** Messages read from the store per admission round. */
const ADMIT_BATCH = 200;
/** Messages queued in lanes at once; the rest wait in the store (a backlog of thousands stays on disk, not in RAM). */
const MAX_IN_FLIGHT = 1000;
/** How long `stop()` lets requests already on the wire finish before leaving them to the next start. */
const STOP_GRACE_MS = 2000;
/** Sorts after every ISO timestamp, so the store hands over pending messages whatever their stored `nextAt`. */
const ANY_TIME = '9999-12-31T23:59:59.999Z';

export interface OutboxDeps {
  store: Store;
  messenger: Messenger;
  /** Wall clock: timestamps written to the store and expiry. */
  clock: () => Date;
  /** Monotonic milliseconds for backoff (default `performance.now()`): NTP stepping the wall clock must not delay a retry. */
  monotonic?: () => number;
  logger: Logger;
  throttle?: Throttle;
  pollMs?: number;
  stopGraceMs?: number;
  /** Whether this process may send now: among replicas only the holder of the sender lease does. */
  mayAdmit?: () => boolean;
}

/** Drains the persisted outbox: rate-limited, retried with backoff, each item marked sent, failed or expired. */
export function createOutboxSender(deps: OutboxDeps) {
  const throttle = deps.throttle ?? new Throttle();
  const monotonic = deps.monotonic ?? (() => performance.now());
  const log = deps.logger.child({ component: 'outbox' });
  let admitting: Promise<void> | undefined;
  let again = false;
  /** Whether the next look at the outbox asks the database for what other replicas queued (see `kick`). */
  let ask = true;
  const inflight = new Set<string>();
  const lanes = new Map<string, Promise<void>>();
  /** When (monotonic) each message waiting for a retry is due; the stored `nextAt` only matters after a restart. */
  const retryAt = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let poller: NodeJS.Timeout | undefined;
  const stopping = new AbortController();
  /** Set once `stop()` stops waiting: a late answer is not recorded, so the message stays pending for the next start. */
  let abandoned = false;

  // Fifty lanes freed together (one tick of the rate limiter, or no limiter) would otherwise open fifty requests in one
  // block of microtasks, ~100 ms during which no webhook is acknowledged: each request starts on a loop turn of its own.
  let starts: Promise<void> = Promise.resolve();
  const nextStart = (): Promise<void> => (starts = starts.then(() => new Promise<void>((r) => setImmediate(r))));

  // An update is limited per message (5 QPS), not per chat, so it has a lane of its own.
  const laneOf = (o: Outbound) => {
    const to = o.to;
    if (to.kind === 'user') return `u:${to.openId}`;
    if (to.kind === 'update' || to.kind === 'ephemeral-delete') return `m:${to.messageId}`;
    return `c:${to.chatId}`;
  };

  /**
   * A never-tried message is due at once (enqueueing means "send now"). A retry is due by the monotonic schedule;
   * one scheduled by an earlier process is taken from its stored `nextAt`, except that a wait longer than any
   * backoff can only come from a wall clock that has stepped back since, so it is due now.
   */
  function isDue(o: Outbound): boolean {
    if (o.attempts === 0) return true;
    const at = retryAt.get(o.id);
    const now = monotonic();
    if (at === undefined) {
      const wait = Date.parse(o.nextAt) - deps.clock().getTime();
      if (!(wait > 0 && wait <= MAX_BACKOFF_MS)) return true;
      retryAt.set(o.id, now + wait);
      schedule(wait);
      return false;
    }
    if (at > now) return false;
    retryAt.delete(o.id);
    return true;
  }

  async function sendOne(o: Outbound): Promise<void> {
    if (stopping.signal.aborted) return;
    const now = deps.clock();
    if (o.expiresAt && o.expiresAt < now.toISOString()) {
      log.info({ id: o.id, expiresAt: o.expiresAt }, 'dropping a message past its useful life');
      await deps.store.transact((tx) => tx.updateOutbound(o.id, { status: 'expired' }));
      return;
    }
    try {
      await throttle.acquire(laneOf(o), stopping.signal);
    } catch (err) {
      if (stopping.signal.aborted) return;
      throw err;
    }
    const fileKey = o.content.type === 'file' ? o.content.fileKey : undefined;
    const file = fileKey ? await deps.store.files.read(fileKey) : undefined;
    if (fileKey && !file) {
      log.error({ id: o.id, fileKey }, 'the file of a queued message is missing');
      await deps.store.transact((tx) => tx.updateOutbound(o.id, { status: 'failed', attempts: o.attempts + 1, error: `file ${fileKey} missing` }));
      return;
    }
    await nextStart();
    let result = await deps.messenger.deliver(o, file);
    if (!result.ok && result.kind === 'token' && !abandoned) {
      deps.messenger.resetToken();
      result = await deps.messenger.deliver(o, file);
    }
    // Whether or not Feishu took it, the next start sends it again under the same uuid, which Feishu posts once.
    if (abandoned) return;
    const attempts = o.attempts + 1;
    if (result.ok) {
      // A sent file's bytes live in Feishu now; keeping them would bloat the data file with every export.
      const content = o.content.type === 'file' && o.content.base64 ? { content: { ...o.content, base64: '' } } : {};
      // An update or deletion names another message: indexing it under that id would hide the card it updates.
      const id = result.messageId ? { feishuMessageId: result.messageId } : {};
      await deps.store.transact((tx) => tx.updateOutbound(o.id, { status: 'sent', attempts, sentAt: deps.clock().toISOString(), ...id, error: undefined, ...content }));
      // Only after the message is marked sent: a crash before leaves it pending, and its bytes still there.
      if (fileKey) await deps.store.files.drop(fileKey);
      return;
    }
    const error = `${result.status ?? '-'} ${result.code ?? '-'} ${result.msg}`;
    if (result.kind === 'permanent' || attempts >= MAX_ATTEMPTS) {
      log.error({ id: o.id, status: result.status, code: result.code, msg: result.msg, attempts }, 'message failed permanently');
      await deps.store.transact((tx) => tx.updateOutbound(o.id, { status: 'failed', attempts, error }));
      return;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempts - 1));
    const delay = Math.min(MAX_BACKOFF_MS, Math.max(backoff, result.retryAfterMs ?? 0));
    log.warn({ id: o.id, status: result.status, code: result.code, msg: result.msg, attempts, delay }, 'send failed; will retry');
    retryAt.set(o.id, monotonic() + delay);
    await deps.store.transact((tx) => tx.updateOutbound(o.id, { attempts, error, nextAt: new Date(deps.clock().getTime() + delay).toISOString() }));
    schedule(delay);
  }

  /**
   * Admits due messages into one lane per destination (each chat's messages stay in order) without waiting for
   * earlier ones elsewhere: a chat held back by its own rate limit, or one slow request, delays nothing else.
   */
  async function admit(): Promise<void> {
    const finished = new Set<string>();
    do {
      again = false;
      if (inflight.size >= MAX_IN_FLIGHT || (deps.mayAdmit && !deps.mayAdmit())) return;
      const known = !ask;
      ask = false;
      // Messages still backing off come back too, so the batch is widened by their number.
      const pending = await deps.store.read((tx) => tx.dueOutbound(ANY_TIME, ADMIT_BATCH + inflight.size + retryAt.size), { known });
      for (const o of pending) {
        if (stopping.signal.aborted || inflight.has(o.id) || finished.has(o.id) || !isDue(o)) continue;
        inflight.add(o.id);
        const key = laneOf(o);
        const tail: Promise<void> = (lanes.get(key) ?? Promise.resolve())
          .then(() => sendOne(o))
          .catch((err) => log.error({ err, id: o.id }, 'outbox error'))
          .finally(() => {
            inflight.delete(o.id);
            finished.add(o.id);
            if (lanes.get(key) === tail) lanes.delete(key);
            // A full house held others back; one leaving lets the next in.
            if (inflight.size === MAX_IN_FLIGHT - 1) kick();
          });
        lanes.set(key, tail);
      }
    } while (again && !stopping.signal.aborted);
  }

  function schedule(ms: number): void {
    const t = setTimeout(() => {
      timers.delete(t);
      kick();
    }, ms);
    t.unref();
    timers.add(t);
  }

  /**
   * Looks at the outbox soon. What this process queued, or the store's commit watch announced, is seen without asking
   * the database; `ask` (the poll, a start) also finds what another replica queued unannounced.
   */
  function kick(opts: { ask?: boolean } = {}): void {
    if (opts.ask) ask = true;
    if (stopping.signal.aborted) return;
    if (admitting) {
      again = true;
      return;
    }
    admitting = admit().finally(() => {
      admitting = undefined;
      if (again) kick();
    });
  }

  /** Waits until nothing is being sent. */
  async function idle(): Promise<void> {
    while (admitting || lanes.size > 0) await Promise.all([admitting, ...lanes.values()]);
  }

  return {
    kick,
    start() {
      poller = setInterval(() => kick({ ask: true }), deps.pollMs ?? 2000);
      poller.unref();
      kick({ ask: true });
    },
    idle,
    /**
     * Stops sending within `stopGraceMs`: nothing new is admitted, sends waiting for a rate-limit slot are dropped,
     * and requests already on the wire get the grace period to finish. Every unsent message stays pending in the store.
     */
    async stop(): Promise<void> {
      if (poller) clearInterval(poller);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      stopping.abort();
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([idle(), new Promise<void>((r) => (grace = setTimeout(r, deps.stopGraceMs ?? STOP_GRACE_MS)))]);
      clearTimeout(grace);
      abandoned = true;
    },
  };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
