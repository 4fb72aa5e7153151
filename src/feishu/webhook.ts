import { createHash, timingSafeEqual } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import type Koa from 'koa';
import type { CardAnswer, IncomingEvent } from '../events.js';
import type { Logger } from '../logger.js';
import { createDispatcher } from './dispatcher.js';

export interface WebhookOptions {
  encryptKey: string;
  verificationToken: string;
  /** Journals the event; resolves once it is durable. */
  accept(ev: IncomingEvent): Promise<CardAnswer>;
  clock: () => Date;
  logger: Logger;
  maxBytes?: number;
  /** How far the request timestamp may be from now, in seconds. */
  maxSkewSeconds?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Koa middleware for Feishu's event and card-callback pushes. It does what the SDK's adapter does not: verifies
 * the signature over the raw bytes, the verification token and the timestamp, answers 401 (never 204) on failure,
 * and acknowledges with 200 only after the event is journalled.
 */
export function createWebhook(opts: WebhookOptions): Koa.Middleware {
  const cipher = new lark.AESCipher(opts.encryptKey);
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const skew = opts.maxSkewSeconds ?? 300;
  const log = opts.logger.child({ component: 'webhook' });

  const dispatcher = createDispatcher(opts);

  return async (ctx) => {
    try {
      const raw = await readRaw(ctx, maxBytes);
      const body = parseJson(raw);
      const signed = ctx.get('x-lark-signature');
      let data: Record<string, unknown>;
      if (typeof body.encrypt === 'string') {
        if (signed) verifySignature(ctx, raw, opts.encryptKey, opts.clock(), skew);
        data = parseJson(decrypt(cipher, body.encrypt));
        if (!signed && data.type !== 'url_verification') throw new HttpError(401, 'missing signature');
      } else {
        // With an Encrypt Key configured Feishu encrypts everything; only the console's plain challenge comes bare.
        if (body.type !== 'url_verification') throw new HttpError(401, 'unencrypted event');
        data = body;
      }
      const header = (data.header ?? {}) as Record<string, unknown>;
      const token = (header.token ?? data.token) as unknown;
      if (!safeEqual(String(token ?? ''), opts.verificationToken)) throw new HttpError(401, 'verification token mismatch');

      if (data.type === 'url_verification') {
        ctx.status = 200;
        ctx.body = { challenge: data.challenge };
        return;
      }
      const result = await dispatcher.invoke(data, { needCheck: false });
      ctx.status = 200;
      ctx.body = typeof result === 'object' && result !== null ? result : {};
    } catch (err) {
      if (err instanceof HttpError) {
        if (err.status === 401) log.warn({ reason: err.message, ip: ctx.ip }, 'rejected webhook request');
        else log.info({ reason: err.message }, 'bad webhook request');
        ctx.status = err.status;
        ctx.body = { error: err.message };
        return;
      }
      // The journal could not take the event: answer 503 so Feishu pushes it again.
      log.error({ err }, 'could not accept event');
      ctx.status = 503;
      ctx.body = { error: 'unavailable' };
    }
  };
}

async function readRaw(ctx: Koa.Context, max: number): Promise<Buffer> {
  const declared = Number(ctx.get('content-length') || '0');
  if (declared > max) throw new HttpError(413, 'body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HttpError(413, 'body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(text: Buffer | string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text.toString());
  } catch {
    throw new HttpError(400, 'invalid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new HttpError(400, 'JSON object expected');
  return v as Record<string, unknown>;
}

function decrypt(cipher: lark.AESCipher, encrypted: string): string {
  try {
    return cipher.decrypt(encrypted);
  } catch {
    throw new HttpError(400, 'cannot decrypt');
  }
}

function verifySignature(ctx: Koa.Context, raw: Buffer, key: string, now: Date, skew: number): void {
  const ts = ctx.get('x-lark-request-timestamp');
  const nonce = ctx.get('x-lark-request-nonce');
  const sig = ctx.get('x-lark-signature');
  if (!ts || !nonce || !sig) throw new HttpError(401, 'missing signature headers');
  const seconds = Number(ts);
  if (!Number.isFinite(seconds) || Math.abs(now.getTime() / 1000 - seconds) > skew) throw new HttpError(401, 'stale or invalid timestamp');
  const expected = createHash('sha256').update(ts + nonce + key).update(raw).digest('hex');
  if (!safeEqual(expected, sig)) throw new HttpError(401, 'bad signature');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
