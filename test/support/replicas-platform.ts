import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { createOpenPlatform, type OpenPlatform } from '../../src/sandbox/open-platform.js';
import type { WsGatewayOptions } from '../../src/sandbox/open-platform-ws-types.js';

/** Feishu's limits on sending messages, for the whole app however many processes send. */
export const FEISHU_LIMITS = { perAppPerSecond: 50, perAppPerMinute: 1000, perChatPerSecond: 5 } as const;

/** One send the gateway let through: when it arrived (monotonic ms) and the chat it counts against. */
export interface CountedSend {
  at: number;
  chat: string;
}

/** The fake Open Platform behind a gateway that counts every send and answers 429 over Feishu's limits, as Feishu does. */
export interface CountingPlatform {
  platform: OpenPlatform;
  url: string;
  /** Sends let through, in arrival order. */
  readonly sends: readonly CountedSend[];
  /** Sends refused with 429: when (monotonic ms) and by which limit. */
  readonly refusals: readonly { at: number; limit: 'perSecond' | 'perMinute' | 'perChat' }[];
  close(): Promise<void>;
}

const SEND = /^\/open-apis\/im\/v1\/messages(?:\/([^/]+)\/reply)?$/;

/**
 * Starts the fake (with its long-connection endpoint) behind the counting gateway; `chatOfMessage` names the chat an
 * inbound message is in, since a reply's request carries only the message id and Feishu counts it against its chat.
 */
export async function startCountingPlatform(opts: { appId: string; appSecret: string; botOpenId: string; ws?: WsGatewayOptions; chatOfMessage: (id: string) => string | undefined }): Promise<CountingPlatform> {
  const platform = createOpenPlatform({ appId: opts.appId, appSecret: opts.appSecret, botOpenId: opts.botOpenId, ws: opts.ws });
  const sends: CountedSend[] = [];
  const refusals: { at: number; limit: 'perSecond' | 'perMinute' | 'perChat' }[] = [];
  const second: number[] = [];
  const minute: number[] = [];
  const perChat = new Map<string, number[]>();
  const app = new Koa();
  app.use(async (ctx, next) => {
    const m = ctx.method === 'POST' ? SEND.exec(ctx.path) : null;
    if (!m) return next();
    const now = performance.now();
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    // The fake reads a body an earlier middleware already took from `rawBody`.
    (ctx.request as unknown as { rawBody: string }).rawBody = raw;
    let chat = m[1] ? (opts.chatOfMessage(m[1]) ?? m[1]) : '';
    if (!m[1]) {
      try {
        chat = String((JSON.parse(raw) as { receive_id?: unknown }).receive_id ?? '');
      } catch {
        // Not JSON: the fake answers that itself.
      }
    }
    const window = perChat.get(chat) ?? [];
    perChat.set(chat, window);
    drop(second, now - 1000);
    drop(minute, now - 60_000);
    drop(window, now - 1000);
    const over = second.length >= FEISHU_LIMITS.perAppPerSecond ? 'perSecond' : minute.length >= FEISHU_LIMITS.perAppPerMinute ? 'perMinute' : window.length >= FEISHU_LIMITS.perChatPerSecond ? 'perChat' : undefined;
    if (over) {
      refusals.push({ at: now, limit: over });
      ctx.status = 429;
      ctx.set('x-ogw-ratelimit-limit', String(over === 'perMinute' ? FEISHU_LIMITS.perAppPerMinute : FEISHU_LIMITS.perAppPerSecond));
      ctx.set('x-ogw-ratelimit-reset', over === 'perMinute' ? '60' : '1');
      ctx.body = { code: 99991400, msg: 'request trigger frequency limit' };
      return;
    }
    second.push(now);
    minute.push(now);
    window.push(now);
    sends.push({ at: now, chat });
    return next();
  });
  app.use(platform.middleware());
  const server = createServer(app.callback());
  server.on('upgrade', platform.ws.upgrade);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    platform,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sends,
    refusals,
    close: () =>
      new Promise<void>((r) => {
        platform.ws.close();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** The most sends that arrived within any `windowMs` (a send exactly `windowMs` after another starts a new window). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[i]! <= t[j]! - windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** The busiest chat's most sends within any second. */
export function maxPerChatSecond(sends: readonly CountedSend[]): number {
  const byChat = new Map<string, number[]>();
  for (const s of sends) {
    const t = byChat.get(s.chat) ?? [];
    t.push(s.at);
    byChat.set(s.chat, t);
  }
  return Math.max(0, ...[...byChat.values()].map((t) => maxInWindow(t, 1000)));
}

function drop(window: number[], before: number): void {
  while (window.length > 0 && window[0]! <= before) window.shift();
}
