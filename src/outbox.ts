import type { Outbound } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import type { Messenger } from './feishu/messenger.js';
import type { Logger } from './logger.js';
import { Throttle } from './throttle.js';

const MAX_ATTEMPTS = 12;
const MAX_BACKOFF_MS = 5 * 60_000;

/** Drains the persisted outbox: rate-limited, retried with backoff, each item marked sent, failed or expired. */
export function createOutboxSender(deps: { store: Store; messenger: Messenger; clock: () => Date; logger: Logger; throttle?: Throttle; pollMs?: number }) {
  const throttle = deps.throttle ?? new Throttle();
  const log = deps.logger.child({ component: 'outbox' });
  let draining: Promise<void> | undefined;
  let again = false;
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

  async function drain(): Promise<void> {
    do {
      again = false;
      const tried = new Set<string>();
      for (;;) {
        const due = (await deps.store.read((tx) => tx.dueOutbound(deps.clock().toISOString(), 200))).filter((o) => !tried.has(o.id));
        if (due.length === 0) break;
        for (const o of due) tried.add(o.id);
        // One lane per destination keeps each chat's messages in order; lanes run side by side.
        const lanes = new Map<string, Outbound[]>();
        for (const o of due) {
          const k = o.to.kind === 'user' ? o.to.openId : o.to.chatId;
          lanes.set(k, [...(lanes.get(k) ?? []), o]);
        }
        await Promise.all(
          [...lanes.values()].map(async (lane) => {
            for (const o of lane) await sendOne(o).catch((err) => log.error({ err, id: o.id }, 'outbox error'));
          }),
        );
        if (stopped) return;
      }
    } while (again && !stopped);
  }

  function schedule(ms: number): void {
    setTimeout(() => kick(), ms).unref();
  }

  function kick(): void {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = drain().finally(() => {
      draining = undefined;
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
      while (draining) await draining;
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await this.idle();
      stopped = true;
    },
  };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
