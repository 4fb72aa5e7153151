import { StoreUnavailableError } from '../storage/errors.js';
import type { Store } from '../storage/store.js';
import type { CardAnswer, IncomingEvent } from './events.js';
import { KeyedQueue } from './keyed-queue.js';
import type { Logger } from './logger.js';

/** Backoff for a message the store could not keep: first retry after this, doubling up to the max. */
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 60_000;

/** How many journalled events are processed at once (in order within each chat). */
const PROCESSING_SLOTS = 8;
/** While events are arriving, processing waits for a pause this long in them… */
const QUIET_MS = 2;
/** …but never longer than this. */
const MAX_DEFER_MS = 50;

/** Journals events before they are acknowledged and processes them after, in order within each chat. */
export function createIntake(deps: { store: Store; handle: (ev: IncomingEvent, now: Date) => Promise<CardAnswer | undefined>; clock: () => Date; logger: Logger }) {
  // A few events processed at a time: acknowledging new ones (Feishu's 3 s) never waits behind a backlog.
  const queue = new KeyedQueue(PROCESSING_SLOTS);
  let accepting = true;
  // Acknowledging comes first: an ack late by 3 s makes Feishu push again, a reply late by 50 ms harms nobody.
  let journalling = 0;
  let lastArrival = -Infinity;
  const arrivalsPaused = async (): Promise<void> => {
    const until = performance.now() + MAX_DEFER_MS;
    for (;;) {
      const now = performance.now();
      const quietFor = now - lastArrival;
      if ((journalling === 0 && quietFor >= QUIET_MS) || now >= until) return;
      await new Promise((r) => setTimeout(r, Math.max(1, Math.min(QUIET_MS - quietFor, until - now))));
    }
  };

  /** Events this process has scheduled and not yet finished with (a retry waiting included). */
  const mine = new Set<string>();
  const schedule = (ev: IncomingEvent, attempt = 0): Promise<CardAnswer | undefined> => {
    mine.add(ev.eventId);
    return new Promise((resolve) =>
      queue.push(ev.chatId, async () => {
        let retrying = false;
        try {
          if (ev.kind !== 'card') await arrivalsPaused();
          resolve(await deps.handle(ev, deps.clock()));
        } catch (err) {
          // Left pending in the journal: the next start processes it again, and a message also sooner, here.
          deps.logger.error({ err, eventId: ev.eventId }, 'event processing failed');
          retrying = err instanceof StoreUnavailableError && ev.kind === 'message' && retryLater(ev, attempt);
          resolve({ toast: { type: 'error', content: '处理失败，请稍后再试' } });
        } finally {
          if (!retrying) mine.delete(ev.eventId);
        }
      }, { urgent: ev.kind === 'card' }),
    );
  };

  /**
   * A message whose processing the store could not keep (a full disk) is run again with backoff while the process
   * runs: it was acknowledged, so Feishu will not send it again. A card press is not: its presser was told it failed.
   */
  const retryLater = (ev: IncomingEvent, attempt: number): boolean => {
    if (!accepting) return false;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt);
    const timer = setTimeout(() => {
      retries.delete(timer);
      if (accepting) void schedule(ev, attempt + 1);
    }, delay);
    timer.unref();
    retries.add(timer);
    return true;
  };
  const retries = new Set<NodeJS.Timeout>();

  return {
    /**
     * Resolves once the event is durably journalled (or known to be a repeat); only then may the caller ack.
     * A message is processed after the ack; a card action is processed before it, because its answer is the toast.
     */
    async accept(ev: IncomingEvent): Promise<CardAnswer> {
      if (!accepting) throw new Error('intake is stopped');
      journalling++;
      lastArrival = performance.now();
      let result: 'recorded' | 'duplicate';
      try {
        result = await deps.store.transact((tx) =>
          tx.recordInbound({
            id: ev.eventId,
            messageId: ev.kind === 'message' ? ev.messageId : undefined,
            kind: ev.kind,
            receivedAt: deps.clock().toISOString(),
            payload: ev,
          }),
        );
      } finally {
        journalling--;
      }
      if (result === 'duplicate') {
        deps.logger.info({ eventId: ev.eventId }, 'duplicate event ignored');
        return ev.kind === 'card' ? { toast: { type: 'info', content: '这个操作已经处理过了' } } : {};
      }
      const done = schedule(ev);
      return ev.kind === 'card' ? ((await done) ?? {}) : {};
    },
    /** Schedules what was journalled but not processed before the last stop. */
    async resume(): Promise<number> {
      const pending = await deps.store.read((tx) => tx.pendingInbound());
      for (const e of pending) void schedule(e.payload as IncomingEvent);
      if (pending.length > 0) deps.logger.info({ count: pending.length }, 'resuming journalled events');
      return pending.length;
    },
    /**
     * Schedules journalled events that were received more than `olderThanMs` ago and that this process is not
     * handling: those of a replica that died after acknowledging them. Run by one replica (the sender lease holder).
     */
    async adopt(olderThanMs: number): Promise<number> {
      const before = new Date(deps.clock().getTime() - olderThanMs).toISOString();
      const orphans = (await deps.store.read((tx) => tx.pendingInbound())).filter((e) => e.receivedAt < before && !mine.has(e.id));
      for (const e of orphans) void schedule(e.payload as IncomingEvent);
      if (orphans.length > 0) deps.logger.warn({ count: orphans.length }, 'processing events another replica journalled and did not finish');
      return orphans.length;
    },
    /** Refuses new events at once (the webhook answers 503 and Feishu pushes again later). */
    pause(): void {
      accepting = false;
    },
    /** Stops taking new events and lets the running ones finish; journalled events not yet started wait for the next start. */
    async stop(): Promise<void> {
      accepting = false;
      for (const t of retries) clearTimeout(t);
      retries.clear();
      queue.close();
      await queue.idle();
    },
    idle: () => queue.idle(),
    get accepting() {
      return accepting;
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
