import { createHash, timingSafeEqual } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import type Koa from 'koa';
import type { CardAnswer, IncomingEvent } from '../events.js';
import type { Logger } from '../logger.js';
import { createDispatcher } from './dispatcher.js';
import { BodyReadError, readBody } from './read-body.js';

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
  /** Bodies read at once (every read is unauthenticated until the signature is checked); beyond it, 503 at once. */
  maxConcurrentReads?: number;
  /** A body not fully received by then is refused with 408 and its buffer dropped. */
  bodyTimeoutMs?: number;
  /** Unsigned url_verification attempts allowed per minute (each one costs a decryption). */
  challengesPerMinute?: number;
}

/** A refusal; every authentication failure is the one `unauthorized` answer, whatever the reason logged. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const unauthorized = (reason: string) => new Refusal(401, reason);
const UNAUTHORIZED_BODY = { error: 'unauthorized' };
// Feishu's url_verification plaintext is about 110 bytes; a captured event is far longer and never gets decrypted here.
const MAX_CHALLENGE_CIPHERTEXT = 512;

/**
 * Koa middleware for Feishu's event and card-callback pushes. It checks the signature over the raw bytes and the
 * timestamp before anything else, so an unsigned or forged body is never decrypted or parsed (no padding or JSON
 * oracle); only an unsigned url_verification (Feishu sends it unsigned) is decrypted, and it fails the same way.
 * It acknowledges with 200 only after the event is journalled.
 */
export function createWebhook(opts: WebhookOptions): Koa.Middleware {
  const cipher = new lark.AESCipher(opts.encryptKey);
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  const skew = opts.maxSkewSeconds ?? 300;
  const maxReads = opts.maxConcurrentReads ?? 32;
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? 5_000;
  const challengeAllowed = createBudget(opts.challengesPerMinute ?? 30, 60_000);
  const log = opts.logger.child({ component: 'webhook' });
  const dispatcher = createDispatcher(opts);
  let reading = 0;

  function openSigned(ctx: Koa.Context, raw: Buffer): Record<string, unknown> {
    verifySignature(ctx, raw, opts.encryptKey, opts.clock(), skew);
    // Past the signature the sender holds the Encrypt Key: a malformed body is Feishu's fault, not a probe.
    const body = parseObject(raw.toString('utf8'));
    if (!body) throw new Refusal(400, 'invalid JSON');
    // With an Encrypt Key configured Feishu encrypts every event.
    if (typeof body.encrypt !== 'string') throw unauthorized('unencrypted event');
    const data = parseObject(decrypt(cipher, body.encrypt));
    if (!data) throw new Refusal(400, 'cannot decrypt');
    return data;
  }

  function openChallenge(raw: Buffer): Record<string, unknown> {
    if (!challengeAllowed()) throw unauthorized('too many unsigned requests');
    const body = parseObject(raw.toString('utf8'));
    if (!body) throw unauthorized('unsigned request');
    let data: Record<string, unknown> | undefined = body;
    if ('encrypt' in body) {
      const enc = body.encrypt;
      const small = typeof enc === 'string' && enc.length <= MAX_CHALLENGE_CIPHERTEXT && Object.keys(body).length === 1;
      data = small ? parseObject(decrypt(cipher, enc)) : undefined;
    }
    if (!data || !isChallenge(data)) throw unauthorized('unsigned request');
    return data;
  }

  return async (ctx) => {
    try {
      if (reading >= maxReads) {
        ctx.set('connection', 'close');
        throw new Refusal(503, 'busy');
      }
      reading += 1;
      let raw: Buffer;
      try {
        raw = await readBody(ctx.req, maxBytes, bodyTimeoutMs);
      } finally {
        reading -= 1;
      }
      const signed = ['x-lark-signature', 'x-lark-request-timestamp', 'x-lark-request-nonce'].some((h) => ctx.get(h) !== '');
      const data = signed ? openSigned(ctx, raw) : openChallenge(raw);
      const header = (data.header ?? {}) as Record<string, unknown>;
      const token = header.token ?? data.token;
      if (!safeEqual(typeof token === 'string' ? token : '', opts.verificationToken)) throw unauthorized('verification token mismatch');

      if (data.type === 'url_verification') {
        ctx.status = 200;
        ctx.body = { challenge: data.challenge };
        return;
      }
      const result = await dispatcher.invoke(data, { needCheck: false });
      ctx.status = 200;
      ctx.body = typeof result === 'object' && result !== null ? result : {};
    } catch (err) {
      const refusal = err instanceof BodyReadError ? new Refusal(err.status, err.message) : err;
      if (refusal instanceof Refusal) {
        if (refusal.status === 401) log.warn({ reason: refusal.message, ip: ctx.ip }, 'rejected webhook request');
        else log.info({ reason: refusal.message, status: refusal.status }, 'bad webhook request');
        // A refused body may still be arriving; closing the connection stops it from occupying the server.
        if (refusal.status !== 401 && refusal.status !== 400) ctx.set('connection', 'close');
        ctx.status = refusal.status;
        ctx.body = refusal.status === 401 ? UNAUTHORIZED_BODY : { error: refusal.message };
        return;
      }
      // The journal could not take the event: answer 503 so Feishu pushes it again.
      log.error({ err }, 'could not accept event');
      ctx.status = 503;
      ctx.body = { error: 'unavailable' };
    }
  };
}

function isChallenge(d: Record<string, unknown>): boolean {
  const keys = Object.keys(d).sort().join(',');
  return keys === 'challenge,token,type' && d.type === 'url_verification' && typeof d.challenge === 'string' && /^[\x21-\x7e]{1,128}$/.test(d.challenge);
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function decrypt(cipher: lark.AESCipher, encrypted: string): string | undefined {
  try {
    return cipher.decrypt(encrypted);
  } catch {
    return undefined;
  }
}

function verifySignature(ctx: Koa.Context, raw: Buffer, key: string, now: Date, skew: number): void {
  const ts = ctx.get('x-lark-request-timestamp');
  const nonce = ctx.get('x-lark-request-nonce');
  const sig = ctx.get('x-lark-signature');
  if (!ts || !nonce || !sig) throw unauthorized('missing signature headers');
  const seconds = /^\d{1,12}$/.test(ts) ? Number(ts) : NaN;
  if (!Number.isFinite(seconds) || Math.abs(now.getTime() / 1000 - seconds) > skew) throw unauthorized('stale or invalid timestamp');
  const expected = createHash('sha256').update(ts + nonce + key).update(raw).digest('hex');
  if (!safeEqual(expected, sig.toLowerCase())) throw unauthorized('bad signature');
}

/** A sliding-window counter on the monotonic clock: true while fewer than `max` calls fell in the last `windowMs`. */
function createBudget(max: number, windowMs: number): () => boolean {
  const calls: number[] = [];
  return () => {
    const now = performance.now();
    while (calls.length > 0 && now - calls[0]! > windowMs) calls.shift();
    if (calls.length >= max) return false;
    calls.push(now);
    return true;
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
