import type { Outbound } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import type { Messenger } from './feishu/messenger.js';
import type { Logger } from './logger.js';
import { Throttle } from './throttle.js';

const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 5 * 60_000;
/** Messages read from the store per admission round. */
const ADMIT_BATCH = 200;
/** Messages queued in lanes at once; the rest wait in the store (a backlog of thousands stays on disk, not in RAM). */
const MAX_IN_FLIGHT = 1000;

/** Drains the persisted outbox: rate-limited, retried with backoff, each item marked sent, failed or expired. */
export function createOutboxSender(deps: { store: Store; messenger: Messenger; clock: () => Date; logger: Logger; throttle?: Throttle; pollMs?: number }) {
  const throttle = deps.throttle ?? new Throttle();
  const log = deps.logger.child({ component: 'outbox' });
  let admitting: Promise<void> | undefined;
  let again = false;
  const inflight = new Set<string>();
  const lanes = new Map<string, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function sendOne(o: Outbound): Promise<void> {
    const now = deps.clock();
    if (o.expiresAt && o.expiresAt < now.toISOString()) {
      log.info({ id: o.id, expiresAt: o.expiresAt }, 'dropping a message past its useful life');
      await deps.store.transact((tx) => tx.updateOutbound(o.id, { status: 'expired' }));
      return;
    }
    await throttle.acquire(o.to.kind === 'user' ? `u:${o.to.openId}` : `c:${o.to.chatId}`);
    let result = await deps.messenger.deliver(o);
    if (!result.ok && result.kind === 'token') {
      deps.messenger.resetToken();
      result = await deps.messenger.deliver(o);
    }
    const attempts = o.attempts + 1;
    if (result.ok) {
      // A sent file's bytes live in Feishu now; keeping them would bloat the data file with every export.
      const content = o.content.type === 'file' ? { content: { ...o.content, base64: '' } } : {};
      await deps.store.transact((tx) => tx.updateOutbound(o.id, { status: 'sent', attempts, sentAt: deps.clock().toISOString(), feishuMessageId: result.messageId, error: undefined, ...content }));
      return;
    }
    const error = `${result.status ?? '-'} ${result.code ?? '-'} ${result.msg}`;
    if (result.kind === 'permanent' || attempts >= MAX_ATTEMPTS) {
      log.error({ id: o.id, status: result.status, code: result.code, msg: result.msg, attempts }, 'message failed permanently');
      await deps.store.transact((tx) => tx.updateOutbound(o.id, { status: 'failed', attempts, error }));
      return;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempts - 1));
    const delay = Math.max(backoff, result.retryAfterMs ?? 0);
    log.warn({ id: o.id, status: result.status, code: result.code, msg: result.msg, attempts, delay }, 'send failed; will retry');
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
      if (inflight.size >= MAX_IN_FLIGHT) return;
      const now = deps.clock().toISOString();
      const due = await deps.store.read((tx) => tx.dueOutbound(now, ADMIT_BATCH + inflight.size));
      for (const o of due) {
        if (stopped || inflight.has(o.id) || finished.has(o.id)) continue;
        inflight.add(o.id);
        const key = o.to.kind === 'user' ? `u:${o.to.openId}` : `c:${o.to.chatId}`;
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
    } while (again && !stopped);
  }

  function schedule(ms: number): void {
    setTimeout(() => kick(), ms).unref();
  }

  function kick(): void {
    if (stopped) return;
    if (admitting) {
      again = true;
      return;
    }
    admitting = admit().finally(() => {
      admitting = undefined;
      if (again) kick();
    });
  }

  return {
    kick,
    start() {
      timer = setInterval(kick, deps.pollMs ?? 2000);
      timer.unref();
      kick();
    },
    /** Waits until nothing is being sent. */
    async idle(): Promise<void> {
      while (admitting || lanes.size > 0) await Promise.all([admitting, ...lanes.values()]);
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await this.idle();
      stopped = true;
    },
  };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
