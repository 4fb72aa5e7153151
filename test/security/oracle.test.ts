import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { challenge, encrypt, sign, toRequest, type WireRequest } from '../support/feishu-wire.js';
import { Harness } from '../support/harness.js';

/** Status, body bytes and every header but Date: what an attacker can compare between two answers. */
async function answer(url: string, req: WireRequest) {
  const res = await fetch(url, { method: 'POST', headers: req.headers, body: req.body });
  const headers = [...res.headers.entries()].filter(([k]) => k !== 'date');
  return { status: res.status, body: await res.text(), headers };
}

/** AES-256-CBC under the app's key with a chosen plaintext and no padding: any last byte, valid PKCS#7 or not. */
function rawCipher(key: string, plain: Buffer): string {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', createHash('sha256').update(key).digest(), iv).setAutoPadding(false);
  return Buffer.concat([iv, c.update(plain), c.final()]).toString('base64');
}

const unsigned = (body: string): WireRequest => ({ headers: { 'content-type': 'application/json' }, body });

describe('the webhook is no decryption oracle', () => {
  let h: Harness;
  afterEach(async () => {
    vi.restoreAllMocks();
    await h?.close();
  });

  it('answers every unsigned, forged or stale request with one identical 401, decrypting none but a challenge-sized body', async () => {
    h = await Harness.start();
    const url = h.app.url + '/webhook/event';
    const admin = h.person('王主任');
    const event = h.event(admin, h.newChat(), '/帮助').body;
    const captured = toRequest(h.keys, event);
    const ciphertext = (JSON.parse(captured.body) as { encrypt: string }).encrypt;
    const blob = Buffer.from(ciphertext, 'base64');
    // The classic probe: flip the last byte of the second-to-last block, which changes the final block's padding.
    const flipped = Buffer.from(blob);
    flipped.writeUInt8(flipped[flipped.length - 17]! ^ 0x01, flipped.length - 17);
    const now = Math.floor(Date.now() / 1000);
    const ts = String(now);

    const decrypt = vi.spyOn(lark.AESCipher.prototype, 'decrypt');
    const noDecryption: [string, WireRequest][] = [
      ['forged signature', toRequest(h.keys, event, { forgeSignature: true })],
      ['stale timestamp', toRequest(h.keys, event, { timestamp: now - 600 })],
      ['future timestamp', toRequest(h.keys, event, { timestamp: now + 600 })],
      ['signed with another key', toRequest({ ...h.keys, encryptKey: 'not-the-key' }, event)],
      ['signature without timestamp', { headers: { 'content-type': 'application/json', 'x-lark-signature': sign(ts, '1', h.keys.encryptKey, captured.body) }, body: captured.body }],
      ['captured event replayed unsigned', unsigned(captured.body)],
      ['flipped padding byte, unsigned', unsigned(JSON.stringify({ encrypt: flipped.toString('base64') }))],
      ['not JSON', unsigned('{"encrypt": ')],
      ['empty body', unsigned('')],
      ['a JSON array', unsigned('[]')],
      ['plaintext event, unsigned', unsigned(JSON.stringify(event))],
      ['plain challenge, wrong token', unsigned(JSON.stringify({ challenge: 'c', token: 'WRONG', type: 'url_verification' }))],
    ];
    const answers = [];
    for (const [, req] of noDecryption) answers.push(await answer(url, req));
    expect(decrypt).not.toHaveBeenCalled();

    // Challenge-sized unsigned bodies are decrypted (Feishu sends the challenge unsigned); every way they fail looks the same.
    const small: [string, WireRequest][] = [
      ['not base64', unsigned(JSON.stringify({ encrypt: '%%%%' }))],
      ['bad padding', unsigned(JSON.stringify({ encrypt: rawCipher(h.keys.encryptKey, Buffer.alloc(48, 0x41)) }))],
      ['good padding, not JSON', unsigned(JSON.stringify({ encrypt: encrypt('not json at all', h.keys.encryptKey) }))],
      ['wrong key', unsigned(JSON.stringify({ encrypt: encrypt(JSON.stringify(challenge(h.keys, 'c')), 'not-the-key') }))],
      ['challenge with the wrong token', unsigned(JSON.stringify({ encrypt: encrypt(JSON.stringify({ challenge: 'c', token: 'WRONG', type: 'url_verification' }), h.keys.encryptKey) }))],
      ['an event that is not a challenge', unsigned(JSON.stringify({ encrypt: encrypt(JSON.stringify({ type: 'event_callback', token: h.keys.verificationToken }), h.keys.encryptKey) }))],
      ['challenge with extra fields', unsigned(JSON.stringify({ encrypt: encrypt(JSON.stringify({ ...challenge(h.keys, 'c'), event: {} }), h.keys.encryptKey) }))],
    ];
    for (const [, req] of small) answers.push(await answer(url, req));
    expect(decrypt.mock.calls.length).toBeGreaterThan(0);

    const names = [...noDecryption, ...small].map(([n]) => n);
    const first = answers[0]!;
    expect(first.status).toBe(401);
    answers.forEach((a, i) => expect(a, names[i]).toEqual(first));

    // Nothing got through, and the genuine request still does.
    await h.app.settle();
    expect(await h.app.store.read((tx) => tx.countInbound())).toEqual({ pending: 0, done: 0 });
    expect((await answer(url, captured)).status).toBe(200);
  });

  it('answers the unsigned challenge, and the card path refuses the same way', async () => {
    h = await Harness.start();
    const ok = await answer(h.app.url + '/webhook/card', toRequest(h.keys, challenge(h.keys, 'ch-1'), { unsigned: true }));
    expect(ok).toMatchObject({ status: 200, body: JSON.stringify({ challenge: 'ch-1' }) });
    const event = await answer(h.app.url + '/webhook/event', unsigned('{"encrypt": '));
    const card = await answer(h.app.url + '/webhook/card', unsigned('{"encrypt": '));
    expect(card).toEqual(event);
    expect(card.status).toBe(401);
  });

  it('stops decrypting unsigned bodies after 30 a minute, refusing even a valid challenge the same way', async () => {
    h = await Harness.start();
    const url = h.app.url + '/webhook/event';
    const refused = await answer(url, unsigned(JSON.stringify({ encrypt: encrypt('x', h.keys.encryptKey) })));
    for (let i = 0; i < 29; i++) await answer(url, unsigned(JSON.stringify({ encrypt: encrypt('x', h.keys.encryptKey) })));
    const decrypt = vi.spyOn(lark.AESCipher.prototype, 'decrypt');
    const late = await answer(url, toRequest(h.keys, challenge(h.keys, 'ch-late'), { unsigned: true }));
    expect(late).toEqual(refused);
    expect(decrypt).not.toHaveBeenCalled();
  });
});
