import type { SentMessage } from '../../src/sandbox/open-platform.js';
import { cardActionEvent, newEventId } from '../support/feishu-wire.js';
import { Harness, textOf, type HarnessOptions, type Person } from '../support/harness.js';

/**
 * Timings for tests: the fake tells the client to ping every 3 s and to reconnect at once (Feishu says 120 s); the
 * bot gives a socket up 2 s after an unanswered ping (the SDK re-arms its watchdog on every ping, so the timeout must
 * be shorter than the ping interval to fire at all) and calls itself unhealthy after 1.5 s down. The ACK deadline
 * stays Feishu's 3 s; the fake pushes a failed event again after 200 ms, not 15 s.
 */
export const FAST_WS = {
  bot: { pingTimeoutSec: 2, unhealthyAfterMs: 1500, restartMs: 300 },
  platform: { clientConfig: { PingInterval: 3, ReconnectInterval: 0.2, ReconnectNonce: 0 }, retryMs: 200, fragmentBytes: 512 },
};

/** The bot in long-connection mode against the fake, connected. */
export async function startWs(opts: HarnessOptions = {}): Promise<Harness> {
  const h = await Harness.start({ ws: FAST_WS, ...opts });
  await waitForWs(h, 'connected');
  return h;
}

/** Polls `cond` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What /healthz says about the long connection. */
export interface WsHealthz {
  status: number;
  ok: boolean;
  ws: { state: string; healthy: boolean; downSince?: string; connects: number };
}

export async function healthz(h: Harness): Promise<WsHealthz> {
  const res = await fetch(`${h.app.url}/healthz`);
  const body = (await res.json()) as { ok: boolean; feishu: { ws: WsHealthz['ws'] } };
  return { status: res.status, ok: body.ok, ws: body.feishu.ws };
}

/** Waits until /healthz reports the connection in `state`. */
export async function waitForWs(h: Harness, state: string, timeoutMs = 5000): Promise<WsHealthz> {
  let last: WsHealthz | undefined;
  await waitUntil(`/healthz to report the long connection ${state} (last: ${JSON.stringify(last?.ws)})`, async () => (last = await healthz(h)).ws.state === state, timeoutMs);
  return last!;
}

/** Sends a message over the long connection; returns the ACK and the text of the bot's reply. */
export async function sayWs(h: Harness, from: Person, chatId: string, text: string) {
  const ev = h.event(from, chatId, text);
  const ack = await h.platform.ws.push(ev.body);
  const reply = await h.platform.waitFor((m) => m.replyTo === ev.messageId, 5000);
  return { ack, reply: textOf(reply), messageId: ev.messageId, event: ev.body };
}

/** Presses a button over the long connection; the ACK carries the toast and any new card. */
export function pressWs(h: Harness, from: Person, card: SentMessage, value: Record<string, unknown>, opts: { formValue?: Record<string, unknown>; eventId?: string } = {}) {
  const body = cardActionEvent(h.keys, { operatorOpenId: from.openId, value, formValue: opts.formValue, chatId: card.chatId ?? '', messageId: card.messageId, eventId: opts.eventId ?? newEventId() });
  return h.platform.ws.push(body);
}
