import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encrypt, post, sign, toRequest } from '../../src/sandbox/wire.js';
import { Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(async () => {
  await h?.close();
});

const nothingChanged = async () => {
  expect(await h.app.store.read((tx) => tx.countInbound())).toEqual({ pending: 0, done: 0 });
  expect(h.platform.sent).toHaveLength(0);
  const health = await fetch(`${h.app.url}/healthz`);
  expect(health.status).toBe(200);
};

describe('HTTP fuzzing of both webhooks', () => {
  it('answers generated garbage with a 4xx, stores nothing, and stays healthy', async () => {
    const valid = h.event(h.person('张三'), h.newChat(), '/帮助').body;
    const ts = () => String(Math.floor(Date.now() / 1000));
    const attack = fc.oneof(
      // Malformed JSON or not an object.
      fc.string({ maxLength: 200 }).map((body) => ({ headers: { 'content-type': 'application/json' }, body })),
      fc.jsonValue().map((v) => ({ headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) })),
      // Wrong content types.
      fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', 'application/xml').map((ct) => ({ headers: { 'content-type': ct }, body: 'encrypt=abc&a=1' })),
      // Truncated ciphertext, correctly signed over what is sent.
      // (Cutting only base64's '=' padding would leave the very same bytes, so at least 4 characters go.)
      fc.integer({ min: 4, max: 200 }).map((cut) => {
        const full = (JSON.parse(toRequest(h.keys, valid).body).encrypt as string).replace(/=+$/, '');
        const body = JSON.stringify({ encrypt: full.slice(0, Math.max(0, full.length - cut)) });
        const t = ts();
        return { headers: { 'content-type': 'application/json', 'x-lark-request-timestamp': t, 'x-lark-request-nonce': 'n', 'x-lark-signature': sign(t, 'n', h.keys.encryptKey, body) }, body };
      }),
      // Encrypted with the wrong key.
      fc.string({ minLength: 1, maxLength: 20 }).map((key) => toRequest({ ...h.keys, encryptKey: `${key}x` }, valid)),
      // Missing or partial signature headers.
      fc.subarray(['x-lark-request-timestamp', 'x-lark-request-nonce', 'x-lark-signature'], { maxLength: 2 }).map((keep) => {
        const r = toRequest(h.keys, valid);
        return { headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k === 'content-type' || keep.includes(k))), body: r.body };
      }),
      // Stale or future timestamps (a replay), signed correctly.
      fc.integer({ min: 301, max: 10_000_000 }).chain((skew) => fc.constantFrom(-skew, skew)).map((skew) => toRequest(h.keys, valid, { timestamp: Math.floor(Date.now() / 1000) + skew })),
      // An encrypted body with another app's verification token.
      fc.string({ minLength: 1, maxLength: 10 }).map((tok) => toRequest({ ...h.keys, verificationToken: `vt-${tok}` }, { ...valid, header: { ...(valid as { header: object }).header, token: `vt-${tok}` } })),
    );
    await fc.assert(
      fc.asyncProperty(attack, fc.constantFrom('/webhook/event', '/webhook/card'), async (req, path) => {
        const res = await post(h.app.url + path, req);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 400 },
    );
    await nothingChanged();
  }, 60_000);

  it('refuses bodies over 1 MB with 413, with or without a content-length', async () => {
    const big = JSON.stringify({ encrypt: encrypt('x'.repeat(1_200_000), h.keys.encryptKey) });
    expect((await post(`${h.app.url}/webhook/event`, { headers: { 'content-type': 'application/json' }, body: big })).status).toBe(413);
    const chunked = await fetch(`${h.app.url}/webhook/card`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(c) {
          for (let i = 0; i < 12; i++) c.enqueue(new TextEncoder().encode('x'.repeat(100_000)));
          c.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    await nothingChanged();
  });
});
