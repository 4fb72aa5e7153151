import { createReadStream, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lark from '@larksuiteoapi/node-sdk';
import Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenPlatform, type ListeningPlatform, type OpenPlatform } from '../../src/sandbox/open-platform.js';
import {
  cardActionEvent,
  challenge,
  encrypt,
  messageEvent,
  newAppId,
  newChatId,
  newMessageId,
  newOpenId,
  post,
  sign,
  toRequest,
  type WireKeys,
} from '../support/feishu-wire.js';

const noopLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
const appSecret = 'sandbox-secret';

function sdkClient(url: string, appId: string, secret = appSecret): lark.Client {
  return new lark.Client({ appId, appSecret: secret, domain: url, cache: new lark.DefaultCache(), logger: noopLogger });
}

/** What the SDK throws for HTTP 4xx/5xx; checked by axios's own flag because the SDK's CJS axios is not our ESM axios. */
interface AxiosError<T = { code: number; msg?: string }> {
  isAxiosError: true;
  code?: string;
  response?: { status: number; data: T; headers: Record<string, string | undefined> };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to reject');
}

const isAxiosError = (e: unknown): e is AxiosError => (e as { isAxiosError?: unknown } | null)?.isAxiosError === true;

const card = (title: string) => ({
  schema: '2.0',
  config: { update_multi: true },
  header: { title: { tag: 'plain_text', content: title }, template: 'blue' },
  body: { elements: [{ tag: 'markdown', content: `**${title}**` }] },
});

describe('fake Open Platform driven by the real SDK Client', () => {
  const appId = newAppId();
  const alice = newOpenId();
  const chatId = newChatId();
  let platform: OpenPlatform;
  let server: ListeningPlatform;
  let client: lark.Client;

  beforeEach(async () => {
    platform = createOpenPlatform({ appId, appSecret, users: { [alice]: { name: '张三' } }, botOpenId: 'ou_bot0000000000000000000000000000' });
    server = await platform.listen();
    client = sdkClient(server.url, appId);
  });
  afterEach(() => server.close());

  it('issues a token once and records a text sent to a chat', async () => {
    const res = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: '你好' }) },
    });
    expect(res.code).toBe(0);
    expect(res.data?.message_id).toMatch(/^om_[0-9a-f]{32}$/);
    expect(res.data?.chat_id).toBe(chatId);
    expect(platform.sent).toHaveLength(1);
    expect(platform.sent[0]).toMatchObject({ seq: 1, kind: 'create', chatId, msgType: 'text', content: { text: '你好' }, receiveIdType: 'chat_id', receiveId: chatId, messageId: res.data?.message_id });
    await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"again"}' } });
    expect(platform.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /open-apis/auth/v3/tenant_access_token/internal 200',
      'POST /open-apis/im/v1/messages 200',
      'POST /open-apis/im/v1/messages 200',
    ]);
  });

  it('sends to an open_id through a stable p2p chat', async () => {
    const a = await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: alice, msg_type: 'text', content: '{"text":"1"}' } });
    const b = await client.im.v1.message.create({ params: { receive_id_type: 'open_id' }, data: { receive_id: alice, msg_type: 'text', content: '{"text":"2"}' } });
    expect(a.data?.chat_id).toMatch(/^oc_[0-9a-f]{32}$/);
    expect(b.data?.chat_id).toBe(a.data?.chat_id);
    expect(platform.sent[1]).toMatchObject({ receiveIdType: 'open_id', receiveId: alice, chatId: a.data?.chat_id });
  });

  it('replies to an inbound message in its chat', async () => {
    const inbound = newMessageId();
    platform.recordInbound(inbound, chatId);
    const res = await client.im.v1.message.reply({ path: { message_id: inbound }, data: { msg_type: 'text', content: '{"text":"收到"}' } });
    expect(res.code).toBe(0);
    expect(res.data).toMatchObject({ parent_id: inbound, root_id: inbound, chat_id: chatId });
    expect(platform.sent[0]).toMatchObject({ kind: 'reply', replyTo: inbound, chatId, content: { text: '收到' } });
  });

  it('sends an interactive card and patches it', async () => {
    const created = await client.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(card('待办')) },
    });
    const messageId = created.data?.message_id ?? '';
    const patched = await client.im.v1.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card('已办')) } });
    expect(patched.code).toBe(0);
    expect(platform.sent.map((m) => [m.kind, m.messageId, m.chatId])).toEqual([
      ['create', messageId, chatId],
      ['patch', messageId, chatId],
    ]);
    expect(platform.sent[1]?.content).toEqual(card('已办'));
  });

  it('rejects patching a text message and a 1.0-style top-level element list in a 2.0 card', async () => {
    const text = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"x"}' } });
    const e1 = (await rejection(client.im.v1.message.patch({ path: { message_id: text.data?.message_id ?? '' }, data: { content: JSON.stringify(card('x')) } }))) as AxiosError<{ code: number }>;
    expect(e1.response?.data.code).toBe(230001);
    const bad = { schema: '2.0', elements: [{ tag: 'markdown', content: 'x' }] };
    const e2 = (await rejection(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(bad) } }))) as AxiosError<{ code: number }>;
    expect(e2.response?.status).toBe(400);
    expect(e2.response?.data.code).toBe(230099);
    expect(platform.sent).toHaveLength(1);
  });

  it('enforces the 150 KB text and 30 KB card limits with 230025', async () => {
    const okText = 'a'.repeat(140 * 1024);
    await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: okText }) } });
    const big = (await rejection(
      client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'a'.repeat(151 * 1024) }) } }),
    )) as AxiosError<{ code: number }>;
    expect(big.response?.status).toBe(400);
    expect(big.response?.data.code).toBe(230025);
    const bigCard = { ...card('x'), body: { elements: [{ tag: 'markdown', content: '字'.repeat(11 * 1024) }] } };
    const e = (await rejection(
      client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'interactive', content: JSON.stringify(bigCard) } }),
    )) as AxiosError<{ code: number }>;
    expect(e.response?.data.code).toBe(230025);
    expect(platform.sent).toHaveLength(1);
  });

  it('rejects content that is not a JSON string and an unknown msg_type', async () => {
    const notJson = (await rejection(
      client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: 'plain words' } }),
    )) as AxiosError<{ code: number }>;
    expect(notJson.response?.data.code).toBe(230001);
    const object = (await rejection(
      client.request({ method: 'POST', url: '/open-apis/im/v1/messages', params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: { text: 'x' } } }),
    )) as AxiosError<{ code: number }>;
    expect(object.response?.data.code).toBe(9499);
    const image = (await rejection(
      client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'image', content: '{"image_key":"img_x"}' } }),
    )) as AxiosError<{ code: number }>;
    expect(image.response?.data.code).toBe(230001);
  });

  it('returns the same message for a repeated uuid and records it once', async () => {
    const send = () =>
      client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"once"}', uuid: 'digest-2024-w18-oc1' } });
    const [a, b] = [await send(), await send()];
    expect(b.data?.message_id).toBe(a.data?.message_id);
    expect(platform.sent).toHaveLength(1);
    expect(platform.sent[0]?.uuid).toBe('digest-2024-w18-oc1');
    const r1 = await client.im.v1.message.reply({ path: { message_id: newMessageId() }, data: { msg_type: 'text', content: '{"text":"r"}', uuid: 'reply-1' } });
    const r2 = await client.im.v1.message.reply({ path: { message_id: newMessageId() }, data: { msg_type: 'text', content: '{"text":"r"}', uuid: 'reply-1' } });
    expect(r2.data?.message_id).toBe(r1.data?.message_id);
    expect(platform.sent).toHaveLength(2);
  });

  it('forgets a uuid after an hour, by the injected clock', async () => {
    let clock = Date.UTC(2025, 0, 6, 1, 0, 0);
    const timed = createOpenPlatform({ appId, appSecret, now: () => clock });
    const s = await timed.listen();
    try {
      const c = sdkClient(s.url, appId);
      const send = () => c.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"x"}', uuid: 'u-1' } });
      const a = await send();
      clock += 59 * 60_000;
      expect((await send()).data?.message_id).toBe(a.data?.message_id);
      clock += 2 * 60_000;
      expect((await send()).data?.message_id).not.toBe(a.data?.message_id);
      expect(timed.sent.map((m) => m.at.toISOString())).toEqual(['2025-01-06T01:00:00.000Z', '2025-01-06T02:01:00.000Z']);
    } finally {
      await s.close();
    }
  });

  it('gets a contact user, and refuses without the contact scope or for an unknown user', async () => {
    const res = await client.contact.v3.user.get({ path: { user_id: alice }, params: { user_id_type: 'open_id' } });
    expect(res.code).toBe(0);
    expect(res.data?.user).toMatchObject({ open_id: alice, name: '张三' });
    const unknown = (await rejection(client.contact.v3.user.get({ path: { user_id: newOpenId() }, params: { user_id_type: 'open_id' } }))) as AxiosError<{ code: number }>;
    expect(unknown.response?.status).toBe(400);
    expect(unknown.response?.data.code).toBe(41050);
    platform.setContactScope(false);
    const denied = (await rejection(client.contact.v3.user.get({ path: { user_id: alice }, params: { user_id_type: 'open_id' } }))) as AxiosError<{ code: number }>;
    expect(isAxiosError(denied)).toBe(true);
    expect(denied.response?.status).toBe(400);
    expect(denied.response?.data.code).toBe(99991672);
  });

  it('answers 99991672 from the start when created with contactScope false', async () => {
    const narrow = createOpenPlatform({ appId, appSecret, users: { [alice]: { name: '张三' } }, contactScope: false });
    const s = await narrow.listen();
    try {
      const e = (await rejection(sdkClient(s.url, appId).contact.v3.user.get({ path: { user_id: alice }, params: { user_id_type: 'open_id' } }))) as AxiosError<{ code: number }>;
      expect(e.response?.data.code).toBe(99991672);
    } finally {
      await s.close();
    }
  });

  it('serves bot info through client.request', async () => {
    const res = (await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as { code: number; bot: { open_id: string; app_name: string } };
    expect(res).toMatchObject({ code: 0, bot: { open_id: 'ou_bot0000000000000000000000000000', app_name: '督办' } });
  });

  it('stores files uploaded as a Buffer, a stream and with fetch FormData, and accepts a file message', async () => {
    const bytes = Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from('\r\n--not-a-boundary\r\n'), Buffer.alloc(300_000, 7)]);
    const a = await client.im.v1.file.create({ data: { file_type: 'xls', file_name: '学习台账.xlsx', file: bytes } });
    expect(a?.file_key).toMatch(/^file_v3_/);
    const dir = mkdtempSync(join(tmpdir(), 'duban-'));
    writeFileSync(join(dir, 'r.csv'), '序号,问题\n1,x\n');
    const b = await client.im.v1.file.create({ data: { file_type: 'stream', file_name: 'r.csv', file: createReadStream(join(dir, 'r.csv')) } });
    const form = new FormData();
    form.set('file_type', 'pdf');
    form.set('file_name', '整改 "方案"; v2.pdf');
    form.set('file', new Blob([Buffer.from('%PDF-1.7')]), 'a "b";\r\nc.pdf');
    const token = (await (await fetch(`${server.url}/open-apis/auth/v3/tenant_access_token/internal`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ app_id: appId, app_secret: appSecret }) })).json()) as { tenant_access_token: string };
    const viaFetch = await fetch(`${server.url}/open-apis/im/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${token.tenant_access_token}` }, body: form });
    expect(viaFetch.status).toBe(200);
    expect(platform.files.map((f) => [f.fileName, f.fileType])).toEqual([
      ['学习台账.xlsx', 'xls'],
      ['r.csv', 'stream'],
      ['整改 "方案"; v2.pdf', 'pdf'],
    ]);
    expect(platform.files[0]?.bytes.equals(bytes)).toBe(true);
    expect(platform.files[1]?.bytes.toString('utf8')).toBe('序号,问题\n1,x\n');
    expect(platform.files[2]?.bytes.toString()).toBe('%PDF-1.7');
    const sentFile = await client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'file', content: JSON.stringify({ file_key: b?.file_key }) } });
    expect(sentFile.code).toBe(0);
    const e = (await rejection(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'file', content: '{"file_key":"file_v3_nope"}' } }))) as AxiosError<{ code: number }>;
    expect(e.response?.data.code).toBe(230001);
  });

  it('refuses an empty file with HTTP 400 code 234010', async () => {
    const res = await rejection(client.im.v1.file.create({ data: { file_type: 'stream', file_name: 'empty.txt', file: Buffer.alloc(0) } }));
    expect((res as AxiosError<{ code: number }>).response?.data.code).toBe(234010);
    expect(platform.files).toHaveLength(0);
  });

  it('surfaces an injected 429 as an AxiosError with the rate-limit headers, then recovers', async () => {
    platform.faults.next(/^\/open-apis\/im\/v1\/messages$/, { status: 429, headers: { 'x-ogw-ratelimit-reset': '3' } });
    const send = () => client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"x"}' } });
    const e = await rejection(send());
    expect(isAxiosError(e)).toBe(true);
    const ax = e as AxiosError<{ code: number; msg: string }>;
    expect(ax.response?.status).toBe(429);
    expect(ax.response?.data).toEqual({ code: 99991400, msg: 'request trigger frequency limit' });
    expect(ax.response?.headers['x-ogw-ratelimit-reset']).toBe('3');
    expect(ax.response?.headers['x-ogw-ratelimit-limit']).toBe('50');
    expect(platform.sent).toHaveLength(0);
    expect((await send()).code).toBe(0);
    expect(platform.requests.filter((r) => r.fault).map((r) => r.status)).toEqual([429]);
  });

  it('injects repeated 5xx, delays and socket resets', async () => {
    const send = () => client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"x"}' } });
    await send(); // token fetched before the faults
    platform.faults.next(/\/im\/v1\/messages$/, { status: 503 }, 2);
    expect(platform.faults.pending()).toBe(2);
    expect(((await rejection(send())) as AxiosError).response?.status).toBe(503);
    expect(((await rejection(send())) as AxiosError).response?.status).toBe(503);
    platform.faults.next(/\/im\/v1\/messages$/, { delayMs: 150 });
    const t0 = Date.now();
    expect((await send()).code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    platform.faults.next(/\/im\/v1\/messages$/, { reset: true });
    const reset = (await rejection(send())) as AxiosError;
    expect(reset.response).toBeUndefined();
    expect(reset.code).toMatch(/ECONNRESET|ERR_BAD_RESPONSE|ECONNABORTED/);
    expect(platform.sent).toHaveLength(2);
  });

  it('injects random faults reproducibly from a seed', async () => {
    const run = async () => {
      const p = createOpenPlatform({ appId, appSecret });
      const s = await p.listen();
      const c = sdkClient(s.url, appId);
      await c.request({ method: 'GET', url: '/open-apis/bot/v3/info' });
      p.faults.random({ rate: 0.5, path: /\/bot\/v3\/info$/, replies: [{ status: 500 }], seed: 42 });
      const outcomes: number[] = [];
      for (let i = 0; i < 20; i++) {
        outcomes.push(await c.request({ method: 'GET', url: '/open-apis/bot/v3/info' }).then(() => 200, (e: AxiosError) => e.response?.status ?? 0));
      }
      await s.close();
      return outcomes;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it('requires a valid bearer token and 404s unknown paths', async () => {
    const missing = await fetch(`${server.url}/open-apis/bot/v3/info`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 99991661 });
    const invalid = await fetch(`${server.url}/open-apis/bot/v3/info`, { headers: { authorization: 'Bearer t-forged' } });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 99991663 });
    const unknown = await fetch(`${server.url}/open-apis/im/v1/pins`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 404, msg: 'not found in fake' });
  });

  it('answers 10014 for a wrong secret, which the SDK throws as a plain Error', async () => {
    const e = await rejection(sdkClient(server.url, appId, 'wrong').im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"x"}' } }));
    expect(String(e)).toMatch(/failed to get tenant_access_token, code: 10014/);
  });

  it('expires tokens on demand so callers must refetch', async () => {
    await client.request({ method: 'GET', url: '/open-apis/bot/v3/info' });
    platform.expireTokens();
    const e = (await rejection(client.request({ method: 'GET', url: '/open-apis/bot/v3/info' }))) as AxiosError<{ code: number }>;
    expect(e.response?.data.code).toBe(99991663);
    const fresh = sdkClient(server.url, appId);
    expect(((await fresh.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as { code: number }).code).toBe(0);
  });

  it('refuses a chat the bot has left and lists chat members', async () => {
    const bob = newOpenId();
    platform.setChatMembers(chatId, { [alice]: '张三', [bob]: '李四' }, { name: '第一支部' });
    const members = await client.im.v1.chatMembers.get({ path: { chat_id: chatId }, params: { member_id_type: 'open_id', page_size: 1 } });
    expect(members.data).toMatchObject({ has_more: true, member_total: 2, items: [{ member_id: alice, name: '张三' }] });
    const page2 = await client.im.v1.chatMembers.get({ path: { chat_id: chatId }, params: { member_id_type: 'open_id', page_size: 1, page_token: members.data?.page_token ?? '' } });
    expect(page2.data?.items?.[0]?.member_id).toBe(bob);
    const chats = await client.im.v1.chat.list({ params: { page_size: 20 } });
    expect(chats.data?.items?.map((c) => c.chat_id)).toEqual([chatId]);
    platform.setChatMembers(chatId, [alice], { botIn: false });
    const e = (await rejection(client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"x"}' } }))) as AxiosError<{ code: number }>;
    expect(e.response?.data.code).toBe(230002);
  });

  it('lets tests wait for a message and reports a timeout clearly', async () => {
    const seen: string[] = [];
    const off = platform.on('message', (m) => seen.push(m.messageId));
    const waiting = platform.waitFor((m) => m.chatId === chatId && (m.content as { text?: string }).text === 'late');
    setTimeout(() => void client.im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"late"}' } }), 30);
    const m = await waiting;
    expect(seen).toEqual([m.messageId]);
    off();
    await expect(platform.waitFor((x) => x.seq > m.seq, 50)).rejects.toThrow(/timed out after 50 ms; 1 message/);
  });

  it('mounts on a host Koa app and leaves other paths alone', async () => {
    const app = new Koa();
    app.use(platform.middleware());
    app.use((ctx) => {
      ctx.body = 'host';
    });
    const host = createServer(app.callback());
    await new Promise<void>((r) => host.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${url}/sandbox`)).text()).toBe('host');
      const res = await sdkClient(url, appId).im.v1.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: chatId, msg_type: 'text', content: '{"text":"mounted"}' } });
      expect(res.code).toBe(0);
      expect(platform.sent[0]?.content).toEqual({ text: 'mounted' });
    } finally {
      await new Promise((r) => host.close(r));
    }
  });
});

describe('feishu-wire builds what the SDK accepts', () => {
  const keys: WireKeys = { encryptKey: 'duban-test-encrypt-key', verificationToken: 'vt-duban-test', appId: newAppId() };

  /** Feeds a wire request to the dispatcher the way adaptKoa does: parsed JSON with headers on the prototype. */
  function dispatch(dispatcher: lark.EventDispatcher, req: { headers: Record<string, string>; body: string }): Promise<unknown> {
    const data = Object.assign(Object.create({ headers: req.headers }) as object, JSON.parse(req.body) as object);
    return dispatcher.invoke(data);
  }

  it('encrypts so the SDK AESCipher decrypts it, including Chinese text', () => {
    const plain = JSON.stringify({ text: '学习《党章》第三章' });
    const blob = encrypt(plain, keys.encryptKey);
    expect(new lark.AESCipher(keys.encryptKey).decrypt(blob)).toBe(plain);
    expect(encrypt(plain, keys.encryptKey)).not.toBe(blob); // fresh IV each time
  });

  it('signs as hex sha256 of timestamp + nonce + key + raw body', () => {
    expect(sign('1700000000', '42', 'k', '{"encrypt":"x"}')).toMatch(/^[0-9a-f]{64}$/);
    expect(sign('1700000000', '42', 'k', '{"encrypt":"x"}')).not.toBe(sign('1700000001', '42', 'k', '{"encrypt":"x"}'));
  });

  it('produces an encrypted, signed message event the EventDispatcher accepts and flattens', async () => {
    const seen: Record<string, unknown>[] = [];
    const dispatcher = new lark.EventDispatcher({ encryptKey: keys.encryptKey, verificationToken: keys.verificationToken, logger: noopLogger }).register({
      'im.message.receive_v1': async (data) => {
        seen.push(data as unknown as Record<string, unknown>);
        return { ok: true };
      },
    });
    const bot = newOpenId();
    const chatId = newChatId();
    const event = messageEvent(keys, { text: '@_user_1 /学习 党章', senderOpenId: newOpenId(), chatId, mentions: [{ key: '@_user_1', openId: bot, name: '督办' }] });
    const req = toRequest(keys, event);
    expect(Object.keys(JSON.parse(req.body) as object)).toEqual(['encrypt']);
    expect(req.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
    expect(await dispatch(dispatcher, req)).toEqual({ ok: true });
    const data = seen[0] as { event_id: string; event_type: string; app_id: string; token: string; message: { chat_id: string; chat_type: string; message_id: string; content: string; mentions: { key: string; id: { open_id: string } }[] } };
    expect(data.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(data.event_type).toBe('im.message.receive_v1');
    expect(data.app_id).toBe(keys.appId);
    expect(data.token).toBe(keys.verificationToken);
    expect(data.message.message_id).toMatch(/^om_[0-9a-f]{32}$/);
    expect(data.message).toMatchObject({ chat_id: chatId, chat_type: 'group' });
    expect(JSON.parse(data.message.content)).toEqual({ text: '@_user_1 /学习 党章' });
    expect(data.message.mentions[0]).toMatchObject({ key: '@_user_1', id: { open_id: bot } });
  });

  it('is rejected by the dispatcher when the signature is forged or the key differs', async () => {
    let calls = 0;
    const dispatcher = new lark.EventDispatcher({ encryptKey: keys.encryptKey, logger: noopLogger }).register({
      'im.message.receive_v1': async () => {
        calls += 1;
        return {};
      },
    });
    const event = messageEvent(keys, { text: 'x', senderOpenId: newOpenId(), chatId: newChatId(), chatType: 'p2p' });
    expect(await dispatch(dispatcher, toRequest(keys, event, { forgeSignature: true }))).toBeUndefined();
    expect(await dispatch(dispatcher, toRequest({ ...keys, encryptKey: 'other' }, event))).toBeUndefined();
    expect(await dispatch(dispatcher, toRequest(keys, event, { encrypt: false, timestamp: 1_700_000_000, nonce: '7' }))).toEqual({});
    expect(calls).toBe(1);
  });

  it('produces a card.action.trigger the dispatcher routes with operator, action and context', async () => {
    let got: { operator: { open_id: string }; action: { value: unknown; form_value?: unknown }; context: { open_message_id: string; open_chat_id: string }; token: string } | undefined;
    const dispatcher = new lark.EventDispatcher({ encryptKey: keys.encryptKey, logger: noopLogger }).register({
      'card.action.trigger': async (data: typeof got) => {
        got = data;
        return { toast: { type: 'success', content: '已销号' } };
      },
    });
    const operator = newOpenId();
    const messageId = newMessageId();
    const chatId = newChatId();
    const ev = cardActionEvent(keys, { operatorOpenId: operator, value: { cmd: 'close', id: 7 }, formValue: { note: '已整改' }, chatId, messageId });
    expect(await dispatch(dispatcher, toRequest(keys, ev))).toEqual({ toast: { type: 'success', content: '已销号' } });
    expect(got?.operator.open_id).toBe(operator);
    expect(got?.action).toMatchObject({ value: { cmd: 'close', id: 7 }, form_value: { note: '已整改' } });
    expect(got?.context).toEqual({ open_message_id: messageId, open_chat_id: chatId });
    expect(got?.token).toMatch(/^c-[0-9a-f]{40}$/);
  });

  it('round-trips over HTTP through adaptKoa, including an encrypted challenge', async () => {
    const dispatcher = new lark.EventDispatcher({ encryptKey: keys.encryptKey, logger: noopLogger }).register({
      'im.message.receive_v1': async () => ({}),
    });
    const app = new Koa();
    app.use(lark.adaptKoa('/webhook/event', dispatcher, { autoChallenge: true, logger: noopLogger }));
    const srv = createServer(app.callback());
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/webhook/event`;
    try {
      const ch = await post(url, toRequest(keys, challenge(keys, 'c-123'), { unsigned: true }));
      expect(ch).toMatchObject({ status: 200, json: { challenge: 'c-123' } });
      const ev = await post(url, toRequest(keys, messageEvent(keys, { text: '你好', senderOpenId: newOpenId(), chatId: newChatId() })));
      expect(ev).toMatchObject({ status: 200, json: {} });
      const forged = await post(url, toRequest(keys, messageEvent(keys, { text: 'x', senderOpenId: newOpenId(), chatId: newChatId() }), { forgeSignature: true }));
      expect(forged.status).toBe(204);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
});
