import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import type { OpenPlatform } from '../src/sandbox/open-platform.js';

/** Limits as Feishu states them for sending messages. */
export interface PlatformLimits {
  perChatPerSecond: number;
  perAppPerSecond: number;
}

/** A fake platform behind a gateway that answers 429 (code 99991400) to any send over the limits. */
export interface LimitedPlatform {
  url: string;
  /** Sends answered 429 by the gateway. */
  rejected: number;
  close(): Promise<void>;
}

/** Sliding one-second windows, counted on accepted sends only, as a gateway counts what it let through. */
export async function listenLimited(platform: OpenPlatform, limits: PlatformLimits): Promise<LimitedPlatform> {
  const app = new Koa();
  const appWindow: number[] = [];
  const chatWindows = new Map<string, number[]>();
  const state = { rejected: 0 };
  app.use(async (ctx, next) => {
    const send = ctx.method === 'POST' && /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/.test(ctx.path);
    if (!send) return next();
    // The fake reads a body a parser already took from `rawBody`; the gateway needs the receiver to count per chat.
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    (ctx.request as unknown as { rawBody: string }).rawBody = raw;
    const now = performance.now();
    // A create is counted against its receiver; a reply against the message it answers (the bench only creates).
    let chat = ctx.path;
    try {
      chat = String((JSON.parse(raw) as { receive_id?: string }).receive_id ?? ctx.path);
    } catch {
      // Not JSON: the fake answers that itself.
    }
    const chatWindow = chatWindows.get(chat) ?? [];
    while (appWindow.length && appWindow[0]! <= now - 1000) appWindow.shift();
    while (chatWindow.length && chatWindow[0]! <= now - 1000) chatWindow.shift();
    if (appWindow.length >= limits.perAppPerSecond || chatWindow.length >= limits.perChatPerSecond) {
      state.rejected++;
      ctx.status = 429;
      ctx.set('x-ogw-ratelimit-limit', String(limits.perAppPerSecond));
      ctx.set('x-ogw-ratelimit-reset', '1');
      ctx.body = { code: 99991400, msg: 'request trigger frequency limit' };
      return;
    }
    appWindow.push(now);
    chatWindow.push(now);
    chatWindows.set(chat, chatWindow);
    return next();
  });
  app.use(platform.middleware());
  const server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get rejected() {
      return state.rejected;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
