import type { Store } from '../storage/store.js';
import type { IncomingEvent } from './events.js';
import { KeyedQueue } from './keyed-queue.js';
import type { Logger } from './logger.js';

/** Journals events before they are acknowledged and processes them after, in order within each chat. */
export function createIntake(deps: { store: Store; handle: (ev: IncomingEvent, now: Date) => Promise<void>; clock: () => Date; logger: Logger }) {
  const queue = new KeyedQueue();
  let accepting = true;

  const schedule = (ev: IncomingEvent) =>
    queue.push(ev.chatId, async () => {
      try {
        await deps.handle(ev, deps.clock());
      } catch (err) {
        // Left pending in the journal: the next start processes it again.
        deps.logger.error({ err, eventId: ev.eventId }, 'event processing failed');
      }
    });

  return {
    /** Resolves once the event is durably journalled (or known to be a repeat); only then may the caller ack. */
    async accept(ev: IncomingEvent): Promise<'recorded' | 'duplicate'> {
      if (!accepting) throw new Error('intake is stopped');
      const result = await deps.store.transact((tx) =>
        tx.recordInbound({
          id: ev.eventId,
          messageId: ev.kind === 'message' ? ev.messageId : undefined,
          kind: ev.kind,
          receivedAt: deps.clock().toISOString(),
          payload: ev,
        }),
      );
      if (result === 'recorded') schedule(ev);
      else deps.logger.info({ eventId: ev.eventId }, 'duplicate event ignored');
      return result;
    },
    /** Schedules what was journalled but not processed before the last stop. */
    async resume(): Promise<number> {
      const pending = await deps.store.read((tx) => tx.pendingInbound());
      for (const e of pending) schedule(e.payload as IncomingEvent);
      if (pending.length > 0) deps.logger.info({ count: pending.length }, 'resuming journalled events');
      return pending.length;
    },
    /** Stops taking new events; in-flight ones finish. */
    async stop(): Promise<void> {
      accepting = false;
      await queue.idle();
    },
    idle: () => queue.idle(),
    get accepting() {
      return accepting;
    },
  };
}

export type Intake = ReturnType<typeof createIntake>;
