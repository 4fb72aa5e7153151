import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { readConfig, secretsOf } from '../../src/config.js';
import { sdkLogger } from '../../src/feishu/sdk-logger.js';
import { createLogger } from '../../src/logger.js';
import { createOpenPlatform, type FaultReply, type ListeningPlatform, type OpenPlatform } from '../../src/sandbox/open-platform.js';
import { createScrubber } from '../../src/scrub-secrets.js';
import { messageEvent, newAppId, newChatId, newEventId, newMessageId, newOpenId, post, toRequest } from '../support/feishu-wire.js';

// Shaped like real credentials (32 hex), so only the value itself, not a pattern, can give them away.
const hex32 = () => randomBytes(16).toString('hex');
const keys = { appId: newAppId(), appSecret: hex32(), encryptKey: hex32(), verificationToken: hex32() };
const adminToken = hex32();
const BOT = 'ou_bot0000000000000000000000000000';

/** Everything anything in this process wrote: our logger's stream, stdout, stderr and the console. */
function captureAll() {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out.push(String(chunk));
      cb();
    },
  });
  const restore: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      out.push(String(chunk));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = original as typeof stream.write));
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => out.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    restore.push(() => (console[level] = original));
  }
  return { sink, text: () => out.join('\n'), restore: () => restore.forEach((r) => r()) };
}

describe('no secret reaches a log line, whatever the Open Platform does', () => {
  let platform: OpenPlatform;
  let fake: ListeningPlatform;
  let app: RunningApp;
  let capture: ReturnType<typeof captureAll>;
  const issuedTokens = new Set<string>();

  const faultCount = () => platform.requests.filter((r) => r.fault).length;
  async function waitFor(cond: () => boolean, what: string, ms = 15_000) {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  /** Sends a command from a new person in a new chat; returns the message id the bot replies to. */
  async function say(text: string): Promise<string> {
    const chatId = newChatId();
    const messageId = newMessageId();
    platform.recordInbound(messageId, chatId);
    const body = messageEvent(keys, { text: `@_user_1 ${text}`, senderOpenId: newOpenId(), chatId, messageId, eventId: newEventId(), mentions: [{ key: '@_user_1', openId: BOT, name: '督办' }] });
    const res = await post(`${app.url}/webhook/event`, toRequest(keys, body));
    expect(res.status).toBe(200);
    return messageId;
  }
  /** Queues `replies` on `path`, triggers them with one command each, and waits until every one was hit and handled. */
  async function drive(path: RegExp, replies: FaultReply[]) {
    const before = faultCount();
    for (const r of replies) platform.faults.next(path, r);
    await Promise.all(replies.map(() => say('/帮助')));
    await waitFor(() => faultCount() >= before + replies.length, `${replies.length} faults on ${path}`);
    await app.settle();
  }
  async function currentToken(): Promise<string> {
    const res = await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: keys.appId, app_secret: keys.appSecret }) });
    return ((await res.json()) as { tenant_access_token: string }).tenant_access_token;
  }

  beforeAll(async () => {
    capture = captureAll();
    // A short client timeout, so a hung platform produces a timeout error within the test.
    lark.defaultHttpInstance.defaults.timeout = 800;
    platform = createOpenPlatform({ appId: keys.appId, appSecret: keys.appSecret, botOpenId: BOT });
    // The fake serves the long connection; down, its endpoint discovery fails (503) and the SDK logs that.
    platform.ws.setDown(true);
    fake = await platform.listen();
    const config = readConfig({
      FEISHU_APP_ID: keys.appId,
      FEISHU_APP_SECRET: keys.appSecret,
      FEISHU_ENCRYPT_KEY: keys.encryptKey,
      FEISHU_VERIFICATION_TOKEN: keys.verificationToken,
      FEISHU_DOMAIN: fake.url,
      // The long connection is started too, so its endpoint discovery (which posts the app secret) fails and logs.
      FEISHU_MODE: 'ws',
      HOST: '127.0.0.1',
      PORT: '0',
      DUBAN_DATA_FILE: join(mkdtempSync(join(tmpdir(), 'duban-secrets-')), 'duban.json'),
      DUBAN_ADMIN_TOKEN: adminToken,
      LOG_LEVEL: 'trace',
      DUBAN_SCHEDULER: 'off',
    });
    // The first token request (for the bot info at start-up) fails with a 500 that echoes nothing.
    platform.faults.next(/tenant_access_token/, { status: 500 });
    app = await startApp({ config, logger: createLogger(config.logLevel, capture.sink, secretsOf(config)) });
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await fake?.close();
    capture.restore();
  });

  it('drives every SDK failure and finds no secret in the output', async () => {
    // Sends: a business error, rate limit, server error, reset socket and a timeout.
    await drive(/\/open-apis\/im\/v1\/messages/, [
      { status: 400, body: { code: 230002, msg: 'Bot/User can NOT be out of the chat.' } },
      { status: 429 },
      { status: 500 },
      { reset: true },
      { delayMs: 1_500 },
    ]);
    issuedTokens.add(await currentToken());

    // The cached token goes stale (99991663, the request carrying `Authorization: Bearer …`), then every way the
    // token request itself can fail: 4xx, 5xx, reset, timeout, and a 200 refusing the secret.
    platform.expireTokens();
    await drive(/tenant_access_token/, [
      { status: 400, body: { code: 10003, msg: 'invalid param' } },
      { status: 401, body: { code: 10014, msg: 'app secret invalid' } },
      { status: 503 },
      { reset: true },
      { delayMs: 1_500 },
      { status: 200, body: { code: 10014, msg: 'app secret invalid' } },
    ]);
    issuedTokens.add(await currentToken());

    // The contact API: a missing scope, then a server error.
    platform.setContactScope(false);
    await say('/帮助');
    platform.setContactScope(true);
    await drive(/\/open-apis\/contact\//, [{ status: 500 }]);

    // The admin API, refused and accepted, and the WebSocket endpoint discovery that already failed at start.
    await fetch(`${app.url}/admin/jobs/reminders/run`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}x` } });
    await fetch(`${app.url}/admin/jobs/reminders/run`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
    await waitFor(() => /\[ws\]\W+connect failed/.test(capture.text()), 'the WebSocket endpoint discovery to fail');
    await app.settle();

    const text = capture.text();
    // The failures were logged (so the search below looked at real error output), with their status and code kept.
    expect(text).toContain('"component":"lark-sdk"');
    expect(text).toMatch(/99991663|status code 401|10014/);
    for (const [name, value] of Object.entries({ ...keys, adminToken, ...Object.fromEntries([...issuedTokens].map((t, i) => [`token${i}`, t])) })) {
      if (name === 'appId') continue;
      expect(text.includes(value), `${name} appears in the log`).toBe(false);
    }
    expect(text).not.toMatch(/t-[0-9a-f]{40}/);
    expect(text).not.toMatch(/Bearer (?!\[redacted\])/);
  }, 90_000);
});

describe('the SDK logger adapter', () => {
  it('never writes an HTTP error whole, even to a logger that knows no secrets', async () => {
    const platform = createOpenPlatform({ appId: newAppId(), appSecret: 'x' });
    const fake = await platform.listen();
    const lines: string[] = [];
    const logger = createLogger('trace', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const secret = hex32();
    platform.faults.next(/tenant_access_token/, { status: 400, body: { code: 10003, msg: 'invalid param' } });
    const client = new lark.Client({ appId: newAppId(), appSecret: secret, domain: fake.url, cache: new lark.DefaultCache(), logger: sdkLogger(logger) });
    await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' }).catch(() => undefined);
    await fake.close();
    const text = lines.join('');
    expect(text).toContain('status code 400');
    expect(text).not.toContain(secret);
  });
});

describe('the logger', () => {
  it('describes an error without its HTTP config, request or headers', () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const err = Object.assign(new Error('Request failed with status code 400'), {
      config: { data: '{"app_id":"cli_1","app_secret":"zz-secret-zz"}', headers: { 'X-Custom': 'zz-header-zz' } },
      response: { status: 400, data: { code: 10003, msg: 'invalid param' } },
    });
    logger.error({ err }, 'token request failed');
    const line = JSON.parse(lines.join('')) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({ message: 'Request failed with status code 400', status: 400, remoteCode: 10003 });
    expect(lines.join('')).not.toMatch(/zz-secret-zz|zz-header-zz/);
  });
});

describe('the scrubber', () => {
  const scrub = createScrubber(['s3cr"et\\value']);
  it('removes a known secret raw, JSON-escaped once and twice, and URL-encoded', () => {
    const v = 's3cr"et\\value';
    const once = JSON.stringify(v).slice(1, -1);
    for (const form of [v, once, JSON.stringify(once).slice(1, -1), encodeURIComponent(v)]) {
      expect(scrub(`{"msg":"x ${form} y"}`)).toBe('{"msg":"x [redacted] y"}');
    }
  });
  it('removes token-shaped strings and secret-named fields it was not told about', () => {
    const line = JSON.stringify({ msg: JSON.stringify({ app_secret: 'abc123', headers: { Authorization: 'Bearer t-g1044ghJRUIJJ5ELPZ5OTA6HBOXYRF4N' } }) });
    const out = scrub(line);
    expect(out).not.toContain('abc123');
    expect(out).not.toContain('g1044ghJRUIJJ5ELPZ5OTA6HBOXYRF4N');
    expect(JSON.parse(out)).toHaveProperty('msg');
  });
});
